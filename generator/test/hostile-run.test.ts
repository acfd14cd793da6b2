import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpec } from '../load/load-spec';
import { generate } from '../pipeline';
import { FIXTURES } from './fixture-config';

/**
 * CODEGEN-SAFETY.md: the hostile fixture's generated modules are imported and its generated
 * tests really run (against a stub server that answers anything), and the marker its payloads
 * would set never appears, nor does prototype pollution.
 */
const GOLDEN = join(FIXTURES, 'hostile', 'golden', 'hostile');
const marker = globalThis as { __pwned?: unknown };

let server: Server;
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests += 1;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('[]');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  const config = join(dir, 'harness.config.json');
  writeFileSync(config, JSON.stringify({ outDir: GOLDEN, sandbox: false, services: [{ name: 'hostile', spec: join(FIXTURES, 'hostile', 'spec.yaml'), baseUrl: `http://127.0.0.1:${port}` }] }));
  process.env.HARNESS_CONFIG = config;
  process.env.HARNESS_CALLS_DIR = join(dir, 'calls');
  delete process.env.HARNESS_ENDPOINTS;
  delete process.env.HARNESS_SANDBOX_STATUS;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
});

test('importing the generated modules and running every generated test never sets the marker', async () => {
  const defined: { name: string; fn: () => unknown }[] = [];
  const skipped: string[] = [];
  const fakeTest = Object.assign((name: string, fn: () => unknown) => defined.push({ name, fn }), { skip: (name: string) => skipped.push(name) });
  const realTest = globalThis.test;
  try {
    (globalThis as { test: unknown }).test = fakeTest;
    jest.isolateModules(() => {
      require(join(GOLDEN, 'types.ts'));
      require(join(GOLDEN, 'client.ts'));
      for (const file of readdirSync(GOLDEN).filter((f) => f.endsWith('.test.ts')).sort()) require(join(GOLDEN, file));
    });
  } finally {
    (globalThis as { test: unknown }).test = realTest;
  }
  expect(defined.length).toBeGreaterThan(5);
  // The structure survived the payloads: exactly the manifest's cases and chains became tests, names intact.
  const manifest = JSON.parse(readFileSync(join(GOLDEN, 'manifest.json'), 'utf8')) as { operations: { path: string; cases: { name: string; skipped?: string }[] }[]; chains?: { name: string; skipped?: string }[] };
  const cases = [...manifest.operations.flatMap((o) => o.cases), ...(manifest.chains ?? [])];
  expect(manifest.operations.map((o) => o.path)).toContain("/items/{id}'); globalThis.__pwned = 1; ('");
  expect(defined.map((t) => t.name).sort()).toEqual(cases.filter((c) => !c.skipped).map((c) => c.name).sort());
  expect(skipped.sort()).toEqual(cases.filter((c) => c.skipped).map((c) => c.name).sort());
  const outcomes: string[] = [];
  for (const t of defined) {
    try {
      await t.fn();
      outcomes.push(`pass ${t.name}`);
    } catch (err) {
      outcomes.push(`fail ${t.name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  expect(requests).toBeGreaterThan(0); // the tests really sent requests
  expect(marker.__pwned).toBeUndefined();
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
});

test('control: the same payloads do run when spliced into code without the helpers', async () => {
  const spec = await loadSpec(join(FIXTURES, 'hostile', 'spec.yaml'));
  const key = Object.keys(spec.document.paths as object).find((k) => k.includes('`'))!;
  try {
    // What a template literal in generated code would do with the raw path key (orval's CVEs).
    new Function(`return \`${key.replace(/`/g, '')}\`;`)();
    expect(marker.__pwned).toBe(1);
  } finally {
    delete marker.__pwned;
  }
});

test('the hostile spec yields the same structure as a benign copy of it', async () => {
  const config = (spec: string) => ({
    file: join(FIXTURES, 'hostile', 'x.json'),
    rootDir: join(FIXTURES, 'hostile'),
    outDir: join(tmpdir(), `hostile-shape-${process.pid}`),
    reportsDir: tmpdir(),
    sandbox: false as const,
    services: [{ name: 'hostile', spec: join(FIXTURES, 'hostile', spec), baseUrl: 'http://127.0.0.1:9', headers: {}, bindings: {} }],
  });
  const shape = async (spec: string) => {
    const { files } = await generate({ config: config(spec), dryRun: true });
    const manifest = JSON.parse(files.find((f) => f.path.endsWith('manifest.json'))!.content) as { operations: { method: string; statuses: string[]; cases: { kind: string; status: string; skipped?: string }[] }[] };
    return {
      files: files.filter((f) => f.path.endsWith('.cases.ts')).map((f) => (f.content.match(/^(\w+\.test|test\.skip)\(/gm) ?? []).length).sort(),
      operations: manifest.operations.map((o) => `${o.method} [${o.statuses.join(',')}] ${o.cases.map((c) => `${c.kind}:${c.status}${c.skipped ? ':skipped' : ''}`).join(' ')}`).sort(),
      otherFiles: files.filter((f) => !f.path.endsWith('.cases.ts')).map((f) => f.path).sort(),
    };
  };
  expect(await shape('spec.yaml')).toEqual(await shape('benign.yaml'));
}, 60_000);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

test('lone surrogates in the spec leave every generated file valid UTF-8, spelled \\uXXXX, and the values intact', async () => {
  const spec = await loadSpec(join(FIXTURES, 'hostile', 'spec.yaml'));
  // the fixture really holds them (the YAML escape "\ud800" gives one unpaired code unit)
  expect(Object.keys(spec.document.paths as object).some((k) => LONE_SURROGATE.test(k))).toBe(true);
  const config = {
    file: join(FIXTURES, 'hostile', 'x.json'),
    rootDir: join(FIXTURES, 'hostile'),
    outDir: GOLDEN,
    reportsDir: tmpdir(),
    sandbox: false as const,
    services: [{ name: 'hostile', spec: join(FIXTURES, 'hostile', 'spec.yaml'), baseUrl: 'http://127.0.0.1:9', headers: {}, bindings: {} }],
  };
  const { files } = await generate({ config, dryRun: true });
  const strict = new TextDecoder('utf-8', { fatal: true });
  for (const f of files) {
    // a lone surrogate would be written as U+FFFD: the file on disk would differ from what was hashed
    expect({ path: f.path, lone: LONE_SURROGATE.exec(f.content)?.index }).toEqual({ path: f.path, lone: undefined });
    expect({ path: f.path, replacement: f.content.includes('\ufffd') }).toEqual({ path: f.path, replacement: false });
    expect(strict.decode(Buffer.from(f.content, 'utf8'))).toBe(f.content);
  }
  for (const name of readdirSync(GOLDEN)) strict.decode(readFileSync(join(GOLDEN, name)));
  // escaped, not replaced: the manifest still names the exact path and operationId
  const manifest = JSON.parse(files.find((f) => f.path.endsWith('manifest.json'))!.content) as { operations: { path: string; operationId: string }[] };
  expect(manifest.operations.map((o) => [o.path, o.operationId])).toContainEqual(['/lone\ud800surrogate\\', 'lone\ud800id\udc00']);
  const types = files.find((f) => f.path.endsWith('types.ts'))!.content;
  expect(types).toContain('"\\ud800" | "a\\udc00b\\\\"');
}, 60_000);

