import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineService } from './define-service';

/**
 * The baseline-case runner against a small in-memory service: a record created first for a
 * mutation, ids discovered through a nested list, unique strings, cookies, and failures that
 * say why.
 */
const dir = mkdtempSync(join(tmpdir(), 'run-case-'));
const contractFile = join(dir, 'contract.json');
const error = { schema: { type: 'object', required: ['detail'] } };
writeFileSync(
  contractFile,
  JSON.stringify({
    service: 'lib',
    openapi: '3.1.0',
    components: {},
    operations: [
      { operationId: 'listShelves', method: 'get', path: '/shelves', responses: { '200': { schema: { type: 'array' } } } },
      { operationId: 'listBooks', method: 'get', path: '/shelves/{shelfId}/books', responses: { '200': { schema: { type: 'array' } }, '404': error } },
      { operationId: 'getBook', method: 'get', path: '/shelves/{shelfId}/books/{bookId}', responses: { '200': { schema: { type: 'object', required: ['id'] } }, '404': error } },
      { operationId: 'createTag', method: 'post', path: '/tags', responses: { '201': { schema: { type: 'object', required: ['id', 'name'] } }, '409': error } },
      { operationId: 'deleteTag', method: 'delete', path: '/tags/{tagId}', responses: { '204': {}, '404': error } },
    ],
  }),
);

const tags = new Map<string, string>();
const seen: string[] = [];
let server: Server;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => done(body));
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await readBody(req);
    seen.push(`${req.method} ${req.url} ${req.headers.cookie ?? ''}`.trim());
    const send = (status: number, value?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(value === undefined ? '' : JSON.stringify(value));
    };
    const url = req.url ?? '';
    if (req.method === 'GET' && url === '/shelves') return send(200, [{ id: 's1' }]);
    if (req.method === 'GET' && url === '/shelves/s1/books') return send(200, [{ bookId: 'b7' }]);
    if (req.method === 'GET' && url === '/shelves/s1/books/b7') return send(200, { id: 'b7' });
    if (req.method === 'POST' && url === '/tags') {
      const { name } = JSON.parse(body) as { name: string };
      if ([...tags.values()].includes(name)) return send(409, { detail: 'duplicate' });
      const id = `t${tags.size + 1}`;
      tags.set(id, name);
      return send(name.startsWith('two-hundred') ? 200 : 201, { id, name });
    }
    if (req.method === 'GET' && url === '/tags') return send(200, [...tags.keys()].reverse().map((id) => ({ id })));
    if (req.method === 'GET' && /^\/tags\/(\w+)$/.test(url)) return tags.has(url.slice(6)) ? send(200, { id: url.slice(6) }) : send(404, { detail: 'no tag' });
    const del = /^\/tags\/(\w+)$/.exec(url);
    if (req.method === 'DELETE' && del) return tags.delete(del[1]!) ? send(204) : send(404, { detail: 'no tag' });
    return send(404, { detail: 'not found' });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const config = join(dir, 'harness.config.json');
  writeFileSync(config, JSON.stringify({ sandbox: false, services: [{ name: 'lib', spec: 'lib.yaml', baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}` }] }));
  process.env.HARNESS_CONFIG = config;
  process.env.HARNESS_CALLS_DIR = join(dir, 'calls');
  delete process.env.HARNESS_ENDPOINTS;
  delete process.env.HARNESS_SANDBOX_STATUS;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
});

const lib = defineService<Record<string, never>>({ service: 'lib', contractFile });
const createTag = { operationId: 'createTag', method: 'post', path: '/tags', expect: '201', body: { contentType: 'application/json', value: { name: 'fiction' }, unique: [{ pointer: '/name', maxLength: 20 }] } };

test('an id is discovered through a nested list, parents first', async () => {
  await lib.runCase({
    kind: 'ok',
    phase: 'seeded',
    expect: '200',
    operationId: 'getBook',
    method: 'get',
    path: '/shelves/{shelfId}/books/{bookId}',
    params: {
      path: {
        shelfId: { discover: { path: '/shelves', field: 'id' } },
        bookId: { discover: { path: '/shelves/{shelfId}/books', field: 'bookId', params: { shelfId: { discover: { path: '/shelves', field: 'id' } } } } },
      },
      cookie: { session: { value: 'abc' } },
    },
  });
  expect(seen).toContain('GET /shelves/s1/books/b7 session=abc');
});

test('a delete acts on a record the test created, and repeated creates stay unique', async () => {
  const deleteCase = { kind: 'ok' as const, phase: 'seeded' as const, expect: '204', operationId: 'deleteTag', method: 'delete', path: '/tags/{tagId}', params: { path: { tagId: { created: { field: 'id' } } } }, create: createTag };
  await lib.runCase(deleteCase);
  await lib.runCase({ ...deleteCase, params: { path: { tagId: { created: { field: 'id' } } } } });
  await lib.runCase({ kind: 'ok', phase: 'seeded', ...createTag });
  await lib.runCase({ kind: 'ok', phase: 'seeded', ...createTag });
  const names = [...tags.values()];
  expect(new Set(names).size).toBe(names.length);
  for (const n of names) expect(n.length).toBeLessThanOrEqual(20);
});

test('a failed setup says so, and an unexpected status fails with the reason', async () => {
  await expect(lib.runCase({ kind: 'ok', phase: 'seeded', expect: '204', operationId: 'deleteTag', method: 'delete', path: '/tags/{tagId}', params: { path: { tagId: { created: { field: 'id' } } } }, create: { ...createTag, body: { contentType: 'application/json', value: { name: 'fiction' } } } })).resolves.toBeUndefined();
  await expect(lib.runCase({ kind: 'ok', phase: 'seeded', ...createTag, body: { contentType: 'application/json', value: { name: 'dupe' } } })).resolves.toBeUndefined();
  await expect(lib.runCase({ kind: 'ok', phase: 'seeded', ...createTag, body: { contentType: 'application/json', value: { name: 'dupe' } } })).rejects.toThrow(/expected status 201, got 409/);
  await expect(
    lib.runCase({ kind: 'ok', phase: 'seeded', expect: '204', operationId: 'deleteTag', method: 'delete', path: '/tags/{tagId}', params: { path: { tagId: { created: { field: 'id' } } } }, create: { ...createTag, body: { contentType: 'application/json', value: { name: 'dupe' } } } }),
  ).rejects.toThrow(/setup failed: creating the record this case acts on/);
  await expect(lib.runCase({ kind: 'not-found', phase: 'seeded', expect: '404', operationId: 'deleteTag', method: 'delete', path: '/tags/{tagId}', params: { path: { tagId: { value: 'nope' } } } })).resolves.toBeUndefined();
});

test('a setup answered with another 2xx than documented still creates the record: the creator\'s own case reports it, once', async () => {
  const create = { ...createTag, body: { contentType: 'application/json', value: { name: 'two-hundred' }, unique: [{ pointer: '/name', maxLength: 30 }] } };
  await expect(lib.runCase({ kind: 'ok', phase: 'seeded', ...create })).rejects.toThrow(/expected status 201, got 200/);
  seen.length = 0;
  await lib.runCase({ kind: 'ok', phase: 'seeded', expect: '204', operationId: 'deleteTag', method: 'delete', path: '/tags/{tagId}', params: { path: { tagId: { created: { field: 'id' } } } }, create });
  expect(seen.filter((r) => r.startsWith('DELETE'))).toHaveLength(1);
});

test('a unique email gets its suffix in the local part, so it stays an email', async () => {
  await lib.runCase({ kind: 'ok', phase: 'seeded', ...createTag, body: { contentType: 'application/json', value: { name: 'ann@example.com' }, unique: [{ pointer: '/name', format: 'email' }] } });
  await lib.runCase({ kind: 'ok', phase: 'seeded', ...createTag, body: { contentType: 'application/json', value: { name: 'ann@example.com' }, unique: [{ pointer: '/name', format: 'email' }] } });
  const emails = [...tags.values()].filter((n) => n.includes('@'));
  expect(emails).toHaveLength(2);
  for (const e of emails) expect(e).toMatch(/^ann-[a-z0-9]+@example\.com$/);
});

test('discovery that finds nothing names the list and the binding to set', async () => {
  await expect(
    lib.runCase({ kind: 'ok', phase: 'seeded', expect: '200', operationId: 'getBook', method: 'get', path: '/shelves/{shelfId}/books/{bookId}', params: { path: { shelfId: { value: 'zz' }, bookId: { discover: { path: '/nothing', field: 'id' } } } } }),
  ).rejects.toThrow(/no value for bookId: GET \/nothing on the seeded instance answered 404[\s\S]*bindings.bookId/);
});

test('discovery skips records created during the run (newest-first lists included)', async () => {
  tags.set('seeded0', 'seeded');
  await lib.runCase({ kind: 'ok', phase: 'seeded', ...createTag });
  seen.length = 0;
  await lib.runCase({ kind: 'ok', phase: 'seeded', expect: '200', operationId: 'getTag', method: 'get', path: '/tags/{tagId}', params: { path: { tagId: { discover: { path: '/tags', field: 'id' } } } } });
  expect(seen).toContain('GET /tags/seeded0');
});
