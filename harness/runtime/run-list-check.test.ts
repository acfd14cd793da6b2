import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineService } from './define-service';
import { LIST_CHECK_NAMES, type ListCheckKind, type ListCheckSpec } from './list-check-types';

/**
 * The list-check runner against a small in-memory list, correct and then with one bug at a time:
 * the sizes and values it chooses come from what the list holds, and a failure shows the
 * requests (with a curl line) and the items that break the check.
 */
const dir = mkdtempSync(join(tmpdir(), 'run-list-check-'));
const contractFile = join(dir, 'contract.json');
const things = { schema: { type: 'array', items: { type: 'object', required: ['id', 'ownerId', 'status'] } } };
writeFileSync(
  contractFile,
  JSON.stringify({ service: 'shop', openapi: '3.1.0', components: {}, operations: [
    { operationId: 'listOwners', method: 'get', path: '/owners', responses: { '200': { schema: { type: 'array' } } } },
    { operationId: 'listThings', method: 'get', path: '/owners/{ownerId}/things', responses: { '200': things } },
  ] }),
);

type Bug = 'none' | 'filter-ignored' | 'limit-ignored' | 'limit-plus-one' | 'offset-ignored' | 'offset-plus-one' | 'leak';
let bug: Bug = 'none';
let rows = Array.from({ length: 7 }, (_, i) => ({ id: `t${i + 1}`, ownerId: i < 5 ? 'o1' : 'o2', status: i % 2 ? 'DONE' : 'OPEN' }));
let server: Server;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/owners') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify([{ id: 'o1' }, { id: 'o3' }]));
    }
    const owner = /^\/owners\/(\w+)\/things$/.exec(url.pathname)?.[1];
    const q = url.searchParams;
    let list = rows.filter((r) => bug === 'leak' || r.ownerId === owner);
    if (q.has('status') && bug !== 'filter-ignored') list = list.filter((r) => r.status === q.get('status'));
    const limit = Number(q.get('limit') ?? 50) + (bug === 'limit-plus-one' ? 1 : 0);
    const offset = bug === 'offset-ignored' ? 0 : Number(q.get('offset') ?? 0) + (bug === 'offset-plus-one' && q.has('offset') && q.get('offset') !== '0' ? 1 : 0);
    const page = bug === 'limit-ignored' ? list.slice(offset) : list.slice(offset, offset + limit);
    res.writeHead(owner ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(owner ? page : { detail: 'no' }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const config = join(dir, 'harness.config.json');
  writeFileSync(config, JSON.stringify({ sandbox: false, services: [{ name: 'shop', spec: 'shop.yaml', baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}` }] }));
  process.env.HARNESS_CONFIG = config;
  process.env.HARNESS_CALLS_DIR = join(dir, 'calls');
  delete process.env.HARNESS_ENDPOINTS;
  delete process.env.HARNESS_SANDBOX_STATUS;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
});

const shop = defineService<Record<string, never>>({ service: 'shop', contractFile });
const check = (kind: ListCheckKind, extra: Partial<ListCheckSpec> = {}): ListCheckSpec => ({
  kind,
  check: LIST_CHECK_NAMES[kind],
  list: { operationId: 'listThings', method: 'get', path: '/owners/{ownerId}/things', params: { path: { ownerId: { value: 'o1' } } }, expect: '200', idField: 'id' },
  pageSize: { param: 'limit', maximum: 100, minimum: 1 },
  paging: { kind: 'offset', param: 'offset' },
  maxPages: 10,
  ...extra,
});
const filter = check('filter', { filter: { param: 'status', property: 'status' } });
const parent = check('parent', { parent: { param: 'ownerId', property: 'ownerId' } });

test.each([filter, check('page-size'), check('paging'), parent])('a correct list passes its $kind check', async (spec) => {
  bug = 'none';
  await expect(shop.runListCheck(spec)).resolves.toEqual({ ran: true });
});

test.each<[Bug, ListCheckSpec, RegExp]>([
  ['filter-ignored', filter, /\[list-filter\] status="OPEN": 2 listed item\(s\) have another status/],
  ['limit-ignored', check('page-size'), /\[list-page-size\] limit=4 answered 5 items, more than 4/],
  ['limit-plus-one', check('page-size'), /\[list-page-size\] limit=100 answered 5 items|limit=4 answered 5 items/],
  ['offset-ignored', check('paging'), /\[list-paging\] page 2 \(offset=2\) repeats 2 item\(s\) of page 1/],
  ['offset-plus-one', check('paging'), /\[list-paging\] pages 1 and 2 \(4 items\) are not the page of twice the size/],
  ['leak', parent, /\[list-parent\] listed under ownerId="o1", 2 item\(s\) carry another ownerId: "o2", "o2"/],
])('%s fails its check, showing the requests and the items', async (planted, spec, message) => {
  bug = planted;
  const failure = shop.runListCheck(spec);
  await expect(failure).rejects.toThrow(message);
  await expect(failure).rejects.toThrow(/requests:\n {2}\d+\. \S+: GET \/owners\/\{ownerId\}\/things [\s\S]*reproduce: curl -sS -X GET 'http:\/\/127\.0\.0\.1:\d+\/owners\/o1\/things\?/);
});

test('a filter whose pattern no listed value matches (an operator syntax like IS:x) is skipped with why, never sent a value it refuses', async () => {
  bug = 'none';
  const operators = { ...filter, filter: { param: 'status', property: 'status', pattern: '^(IS|IS_NOT):' } };
  await expect(shop.runListCheck(operators)).resolves.toEqual({ ran: false, reason: 'no listed status matches the pattern of ?status (^(IS|IS_NOT):): the parameter takes another syntax than the property\'s values (the config\'s "filters" can say what it is)' });
  await expect(shop.runListCheck({ ...filter, filter: { param: 'status', property: 'status', pattern: '^[A-Z]+$' } })).resolves.toEqual({ ran: true });
});

test('a list of one record cannot show a page size or two pages: skipped with why, not passed', async () => {
  bug = 'none';
  const saved = rows;
  rows = rows.slice(0, 1);
  try {
    await expect(shop.runListCheck(check('page-size'))).resolves.toEqual({ ran: false, reason: 'the list holds 1 record(s): a page size below the count needs at least 2' });
    await expect(shop.runListCheck(check('paging'))).resolves.toEqual({ ran: false, reason: 'the list holds 1 record(s): two pages need at least 2' });
  } finally {
    rows = saved;
  }
});

test('a leak shows under a parent with no children of its own, taken from the parent collection', async () => {
  bug = 'leak';
  const saved = rows;
  rows = rows.map((r) => ({ ...r, ownerId: 'o1' }));
  try {
    await expect(shop.runListCheck(parent)).resolves.toEqual({ ran: true });
    const withOthers = { ...parent, parent: { param: 'ownerId', property: 'ownerId', others: { path: '/owners', field: 'id' } } };
    await expect(shop.runListCheck(withOthers)).rejects.toThrow(/\[list-parent\] listed under ownerId="o3", 7 item\(s\) carry another ownerId: "o1"/);
    bug = 'none';
    await expect(shop.runListCheck(withOthers)).resolves.toEqual({ ran: true });
  } finally {
    rows = saved;
  }
});
