import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyBasePath } from '../load/apply-base-path';
import { loadSpec } from '../load/load-spec';
import { generate } from '../pipeline';
import { SpecError } from '../spec-error';
import type { ResolvedConfig } from '../../harness/config';

/**
 * Swagger 2.0 `basePath` is part of every operation's URL (scheme + host + basePath + path): the
 * load stage folds it into the path keys, so `<baseUrl>/v2/pets` is called when baseUrl is the host
 * root. OpenAPI 3 `servers` are never folded: there baseUrl replaces the whole server URL.
 */

const swagger = (extra: Record<string, unknown>, paths: Record<string, unknown> = { '/pets': { get: { responses: { '200': { description: 'ok' } } } } }) => ({
  swagger: '2.0',
  info: { title: 't', version: '1' },
  ...extra,
  paths,
});

const table: [string, { given: unknown; want: string[] | undefined }][] = [
  ['no basePath: nothing to fold', { given: undefined, want: undefined }],
  ['"/" folds to nothing', { given: '/', want: ['/pets', '/pets/{id}', 'x-ext'] }],
  ['"" folds to nothing', { given: '', want: ['/pets', '/pets/{id}', 'x-ext'] }],
  ['"/v2" starts every path', { given: '/v2', want: ['/v2/pets', '/v2/pets/{id}', 'x-ext'] }],
  ['a trailing slash is not doubled', { given: '/api/v2/', want: ['/api/v2/pets', '/api/v2/pets/{id}', 'x-ext'] }],
];

describe('applyBasePath, given basePath, want path keys (extensions stay)', () => {
  const ok = { get: { responses: { '200': { description: 'ok' } } } };
  test.each(table)('%s', (_name, { given, want }) => {
    const doc = swagger(given === undefined ? {} : { basePath: given }, { '/pets': ok, '/pets/{id}': ok, 'x-ext': {} });
    const folded = applyBasePath('f.yaml', doc);
    if (want === undefined) return expect(folded).toBeUndefined();
    expect(Object.keys(folded!.document.paths as object)).toEqual(want);
    expect(folded!.document).not.toHaveProperty('basePath');
    expect(doc).toHaveProperty('basePath', given); // the input is not changed
  });

  test.each([
    ['a number', 2, /must be a string/],
    ['no leading slash', 'v2', /must start with "\/"/],
    ['a template', '/{tenant}', /no templates/],
    ['a query', '/v2?x=1', /no templates, query or fragment/],
  ])('%s is refused at /basePath', (_name, basePath, reason) => {
    const err = (() => {
      try {
        return applyBasePath('f.yaml', swagger({ basePath }));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SpecError);
    expect(err).toMatchObject({ file: 'f.yaml', pointer: '/basePath', reason: expect.stringMatching(reason) as string });
  });

  test('local refs into a renamed path item follow it; the rest of the ref keeps its spelling', () => {
    const doc = swagger({ basePath: '/v2' }, {
      '/pets': { get: { responses: { '200': { description: 'ok' } } } },
      '/a~b': { get: { responses: { '200': { description: 'ok' } } } },
      '/cats': { get: { responses: { '200': { $ref: '#/paths/~1pets/get/responses/200' }, '201': { $ref: '#/paths/~1a~0b/get/responses/200' } } } },
    });
    const paths = applyBasePath('f.yaml', doc)!.document.paths as Record<string, { get: { responses: Record<string, unknown> } }>;
    expect(paths['/v2/cats']!.get.responses).toEqual({
      '200': { $ref: '#/paths/~1v2~1pets/get/responses/200' },
      '201': { $ref: '#/paths/~1v2~1a~0b/get/responses/200' },
    });
  });
});

describe('through the load stage and the generator', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'base-path-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, doc: unknown): string => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(doc));
    return file;
  };

  test('Swagger 2.0 with host and basePath: paths carry /v2, servers keep scheme and host only, a warning says so', async () => {
    const spec = await loadSpec(write('s2.json', swagger({ host: 'api.example.com', schemes: ['https'], basePath: '/v2' })));
    expect(Object.keys(spec.document.paths as object)).toEqual(['/v2/pets']);
    expect(spec.document.servers).toEqual([{ url: 'https://api.example.com' }]);
    expect(spec.warnings).toContain('/basePath: "/v2" starts every path (baseUrl names scheme and host, as Swagger 2.0\'s host does)');
  });

  test.each([
    ['an absolute server URL with a path', [{ url: 'https://api.example.com/v1' }]],
    ['a relative server URL', [{ url: '/v1' }]],
  ])('OpenAPI 3 with %s is not changed: baseUrl includes the server path', async (_name, servers) => {
    const doc = { openapi: '3.0.3', info: { title: 't', version: '1' }, servers, paths: { '/pets': { get: { responses: { '200': { description: 'ok' } } } } } };
    const spec = await loadSpec(write('o3.json', doc));
    expect(Object.keys(spec.document.paths as object)).toEqual(['/pets']);
    expect(spec.document.servers).toEqual(servers);
  });

  test('the manifest and the generated case name the real URL path', async () => {
    const file = write('pets.json', swagger({ basePath: '/v2' }));
    const config: ResolvedConfig = {
      file: join(dir, 'harness.config.json'),
      rootDir: dir,
      outDir: join(dir, 'out'),
      reportsDir: join(dir, 'reports'),
      sandbox: false,
      services: [{ name: 'pets', spec: file, baseUrl: 'http://127.0.0.1:9', headers: {}, bindings: {} }],
    };
    const { files } = await generate({ config, dryRun: true });
    const manifest = JSON.parse(files.find((f) => f.path === 'pets/manifest.json')!.content) as { operations: { path: string }[] };
    expect(manifest.operations.map((o) => o.path)).toEqual(['/v2/pets']);
    expect(files.find((f) => f.path === 'pets/types.ts')!.content).toContain('"/v2/pets": {');
    expect(files.filter((f) => f.path.endsWith('.cases.ts')).map((f) => f.content).join('\n')).toContain('"path": "/v2/pets"');
  }, 60_000);
});

test('the generated tests call <baseUrl>/v2/pets when baseUrl is the host root', async () => {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    res.writeHead(req.url === '/v2/pets' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(req.url === '/v2/pets' ? '[]' : '{"detail":"not found"}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const dir = mkdtempSync(join(tmpdir(), 'base-path-run-'));
  const saved = { ...process.env };
  try {
    const spec = join(dir, 'pets.json');
    writeFileSync(spec, JSON.stringify(swagger({ basePath: '/v2' })));
    const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const config: ResolvedConfig = { file: join(dir, 'harness.config.json'), rootDir: dir, outDir: join(dir, 'out'), reportsDir: join(dir, 'reports'), sandbox: false, services: [{ name: 'pets', spec, baseUrl, headers: {}, bindings: {} }] };
    writeFileSync(config.file, JSON.stringify({ outDir: 'out', sandbox: false, services: [{ name: 'pets', spec: 'pets.json', baseUrl }] }));
    await generate({ config });
    process.env.HARNESS_CONFIG = config.file;
    process.env.HARNESS_CALLS_DIR = join(dir, 'calls');
    delete process.env.HARNESS_ENDPOINTS;
    delete process.env.HARNESS_SANDBOX_STATUS;
    // the generated test files register their cases with the global `test`: collect and run them
    const defined: (() => unknown)[] = [];
    const realTest = globalThis.test;
    try {
      (globalThis as { test: unknown }).test = Object.assign((_name: string, fn: () => unknown) => defined.push(fn), { skip: () => undefined });
      jest.isolateModules(() => {
        const out = join(dir, 'out', 'pets');
        for (const file of readdirSync(out).filter((f) => f.endsWith('.test.ts'))) require(join(out, file));
      });
    } finally {
      (globalThis as { test: unknown }).test = realTest;
    }
    expect(defined.length).toBeGreaterThan(0);
    for (const fn of defined) await fn();
    expect(seen).toContain('GET /v2/pets');
    expect(seen.every((line) => line.includes(' /v2/'))).toBe(true);
  } finally {
    process.env = saved;
    await new Promise((done) => server.close(done));
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
