import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { buildCoverage } from '../report/build-coverage';
import { readRuntimeSkips } from '../report/read-inputs';
import type { BaselineCase } from '../runtime/case-types';
import { defineService } from '../runtime/define-service';
import { prepareDiscovery } from './discovery';

/**
 * A case whose path value cannot be discovered is declared skipped with its reason, and the
 * reports show that reason; it is neither a pass nor a failure (issue 6, third-party services).
 * The discovery runs once, before the test files load, against the seeded instance, with the
 * config's headers.
 */
const dir = mkdtempSync(join(tmpdir(), 'discovery-'));
const callsDir = join(dir, 'calls');
const outDir = join(dir, 'generated');
const contractFile = join(outDir, 'lib', 'contract.json');
const seen: string[] = [];
let server: Server;
const env = (): NodeJS.ProcessEnv => ({ ...process.env, HARNESS_CALLS_DIR: callsDir, DISC_TOKEN: 'tok-123' });

const tags = { path: '/tags', field: 'id' };
const rooms = { path: '/rooms', field: 'id' };
const projects = { path: '/projects', field: 'id', listProperty: 'projects' };
const readCase = (name: string, source: typeof tags): BaselineCase => ({ kind: 'ok', phase: 'seeded', expect: '200', operationId: name, method: 'get', path: `${source.path}/{id}`, params: { path: { id: { discover: source } } } });

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== 'tok-123') return send(401, { detail: 'no token' });
    if (req.url === '/tags') return send(200, [{ id: 't1' }]);
    if (req.url === '/rooms') return send(200, []);
    if (req.url === '/projects') return send(200, { version: 1, projects: [{ id: 'default' }] });
    if (req.url === '/tags/t1' || req.url === '/projects/default') return send(200, { id: 'x' });
    return send(404, { detail: 'not found' });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  mkdirSync(join(outDir, 'lib'), { recursive: true });
  const ok = { '200': { schema: { type: 'object' } } };
  const operations = ['/tags/{id}', '/rooms/{id}', '/projects/{id}'].map((path, i) => ({ operationId: ['getTag', 'getRoom', 'getProject'][i], method: 'get', path, responses: ok }));
  writeFileSync(contractFile, JSON.stringify({ service: 'lib', openapi: '3.1.0', components: {}, operations, discover: [projects, rooms, tags] }));
  writeFileSync(
    join(dir, 'harness.config.json'),
    JSON.stringify({ outDir: 'generated', sandbox: false, services: [{ name: 'lib', spec: 'lib.yaml', baseUrl: `http://127.0.0.1:${port}`, headers: { Authorization: '${DISC_TOKEN}' } }] }),
  );
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
});

test('prepareDiscovery resolves every listed source with the config headers, and says why one found nothing', async () => {
  const summary = await prepareDiscovery(loadConfig(join(dir, 'harness.config.json')), callsDir, env());
  expect(summary).toEqual({ found: 2, missing: 1 });
  const written = JSON.parse(readFileSync(join(callsDir, 'discovered.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  expect(Object.values(written.lib ?? {})).toEqual([
    { value: 'default' },
    { reason: 'GET /rooms on the seeded instance listed no record' },
    { value: 't1' },
  ]);
  expect(seen.filter((s) => s.startsWith('GET')).every((s) => s.endsWith('tok-123'))).toBe(true);
});

test('a missing secret makes every source a reason, naming the variable, instead of failing the setup', async () => {
  const missing = { ...env() };
  delete missing.DISC_TOKEN;
  const other = join(dir, 'calls-missing');
  expect(await prepareDiscovery(loadConfig(join(dir, 'harness.config.json')), other, missing)).toEqual({ found: 0, missing: 3 });
  expect(readFileSync(join(other, 'discovered.json'), 'utf8')).toContain('cannot discover: environment variable DISC_TOKEN is not set');
});

test('the test declared for an undiscoverable case is skipped, its reason recorded and shown in the coverage', async () => {
  await prepareDiscovery(loadConfig(join(dir, 'harness.config.json')), callsDir, env());
  const saved = { config: process.env.HARNESS_CONFIG, calls: process.env.HARNESS_CALLS_DIR, token: process.env.DISC_TOKEN, test: globalThis.test };
  const declared: { name: string; fn?: () => unknown; skipped: boolean }[] = [];
  const fakeTest = Object.assign((name: string, fn: () => unknown) => declared.push({ name, fn, skipped: false }), { skip: (name: string) => declared.push({ name, skipped: true }) });
  try {
    Object.assign(process.env, { HARNESS_CONFIG: join(dir, 'harness.config.json'), HARNESS_CALLS_DIR: callsDir, DISC_TOKEN: 'tok-123' });
    (globalThis as { test: unknown }).test = fakeTest;
    const lib = defineService<Record<string, never>>({ service: 'lib', contractFile });
    lib.test('lib GET /tags/{id} returns 200 for a known id', readCase('getTag', tags));
    lib.test('lib GET /rooms/{id} returns 200 for a known id', readCase('getRoom', rooms));
    lib.test('lib GET /projects/{id} returns 200 for a known id', readCase('getProject', projects));
    expect(declared.map((d) => [d.name, d.skipped])).toEqual([
      ['lib GET /tags/{id} returns 200 for a known id', false],
      ['lib GET /rooms/{id} returns 200 for a known id', true],
      ['lib GET /projects/{id} returns 200 for a known id', false],
    ]);
    seen.length = 0;
    for (const d of declared) await d.fn?.();
    // the values came from the setup's discoveries: no list was fetched again
    expect(seen).toEqual(['GET /tags/t1 tok-123', 'GET /projects/default tok-123']);
  } finally {
    (globalThis as { test: unknown }).test = saved.test;
    for (const [k, v] of [['HARNESS_CONFIG', saved.config], ['HARNESS_CALLS_DIR', saved.calls], ['DISC_TOKEN', saved.token]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const skips = readRuntimeSkips(callsDir);
  expect(skips.map((s) => [s.testName, s.reason])).toEqual([
    ['lib GET /rooms/{id} returns 200 for a known id', 'no value for id: GET /rooms on the seeded instance listed no record; seed a record or set bindings.id in the harness config'],
  ]);
  const manifest = {
    service: 'lib',
    operations: [{ operationId: 'getRoom', method: 'GET', path: '/rooms/{id}', statuses: ['200'], cases: [{ kind: 'ok', status: '200', name: 'lib GET /rooms/{id} returns 200 for a known id' }] }],
  };
  const status = buildCoverage([manifest], [], skips).report.operations[0]!.statuses[0]!;
  expect(status).toMatchObject({ status: '200', tested: false, skipped: [expect.stringMatching(/^run time: no value for id: GET \/rooms/)] });
});
