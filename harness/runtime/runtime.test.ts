import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkResponse, defineService, loadContract, toJsonSchema } from './index';
import { forResponses } from './schema-convert';
import type { ChainSpec } from './chain-types';

/** given an OpenAPI 3.0 schema, want this JSON Schema (OAS 3.0.3 4.7.24 vs JSON Schema 2020-12). */
const conversions: [string, { given: unknown; want: unknown }][] = [
  ['nullable with a type', { given: { type: 'string', nullable: true }, want: { type: ['string', 'null'] } }],
  ['nullable enum', { given: { type: 'string', enum: ['a'], nullable: true }, want: { type: ['string', 'null'], enum: ['a', null] } }],
  ['nullable ref', { given: { nullable: true, allOf: [{ $ref: '#/x' }] }, want: { anyOf: [{ type: 'null' }, { allOf: [{ $ref: '#/x' }] }] } }],
  ['boolean exclusiveMinimum', { given: { type: 'number', minimum: 0, exclusiveMinimum: true }, want: { type: 'number', exclusiveMinimum: 0 } }],
  ['example dropped, property named nullable kept', { given: { type: 'object', example: {}, properties: { nullable: { type: 'string', nullable: true } } }, want: { type: 'object', properties: { nullable: { type: ['string', 'null'] } } } }],
];

test.each(conversions)('3.0 -> JSON Schema: %s', (_n, { given, want }) => expect(toJsonSchema(given)).toEqual(want));

test('a required writeOnly property is not required in a response', () => {
  const given = { type: 'object', required: ['id', 'password'], properties: { id: { type: 'string' }, password: { type: 'string', writeOnly: true } } };
  expect(forResponses(given)).toEqual({ ...given, required: ['id'] });
});

const dir = mkdtempSync(join(tmpdir(), 'runtime-'));
const callsDir = join(dir, 'calls');
const contractFile = join(dir, 'contract.json');
writeFileSync(
  contractFile,
  JSON.stringify({
    service: 'shop',
    openapi: '3.0.3',
    components: { schemas: { Item: { type: 'object', required: ['id', 'note'], properties: { id: { type: 'string', format: 'uuid' }, note: { type: 'string', nullable: true } } } } },
    operations: [
      { operationId: 'listItems', method: 'get', path: '/items', responses: { '200': { contentType: 'application/json', schema: { type: 'array', items: { $ref: '#/components/schemas/Item' } } } } },
      { operationId: 'getItem', method: 'get', path: '/items/{itemId}', responses: { '200': { schema: { $ref: '#/components/schemas/Item' } }, '404': { schema: { type: 'object', required: ['detail'] } } } },
    ],
  }),
);

let server: Server;
/** Accepts every connection and never answers: a hung service. */
let hung: Server;
let port = 0;
let lastAuth = '';
const bodies: Record<string, [number, string, string]> = {
  '/items': [200, 'application/json', '[{"id":"00000000-0000-4000-8000-000000000001","note":null}]'],
  '/items/bad': [200, 'application/json', '{"id":"not-a-uuid","note":3}'],
  '/items/html': [500, 'text/html', '<!doctype html><h1>boom</h1>'],
  '/items/gone': [410, 'application/json', '{"detail":"gone"}'],
};

beforeAll(async () => {
  server = createServer((req, res) => {
    lastAuth = String(req.headers.authorization ?? '');
    const [status, type, body] = bodies[req.url ?? ''] ?? [404, 'application/json', '{"detail":"nope"}'];
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as { port: number }).port;
  hung = createServer(() => undefined);
  await new Promise<void>((done) => hung.listen(0, '127.0.0.1', done));
  const hungUrl = `http://127.0.0.1:${(hung.address() as { port: number }).port}`;
  const config = join(dir, 'harness.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      sandbox: false,
      services: [
        { name: 'shop', spec: 'shop.yaml', baseUrl: `http://127.0.0.1:${port}`, headers: { Authorization: 'Bearer ${SHOP_TOKEN}' } },
        { name: 'hung', spec: 'shop.yaml', baseUrl: hungUrl, requestTimeoutMs: 300 },
      ],
    }),
  );
  process.env.HARNESS_CONFIG = config;
  process.env.HARNESS_CALLS_DIR = callsDir;
  process.env.SHOP_TOKEN = 'sekret-token-123';
  delete process.env.HARNESS_ENDPOINTS;
  delete process.env.HARNESS_SANDBOX_STATUS;
});

afterAll(async () => {
  hung.closeAllConnections();
  await new Promise((done) => hung.close(done));
  await new Promise((done) => server.close(done));
});

interface ShopPaths {
  '/items': { get: { parameters: { query?: never; header?: never; path?: never; cookie?: never }; requestBody?: never; responses: { 200: { headers: Record<string, unknown>; content: { 'application/json': { id: string; note: string | null }[] } } } } };
  '/items/{itemId}': { get: { parameters: { query?: never; header?: never; path: { itemId: string }; cookie?: never }; requestBody?: never; responses: { 200: { headers: Record<string, unknown>; content: { 'application/json': { id: string } } } } } };
}

function recordedCalls(): Record<string, unknown>[] {
  return readdirSync(callsDir).flatMap((f) => readFileSync(join(callsDir, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>));
}

describe('the typed client', () => {
  const shop = defineService<ShopPaths>({ service: 'shop', contractFile });

  test('sends expanded headers, passes a valid response, and records the exchange per contract 4', async () => {
    const result = await shop.seeded.GET('/items');
    expect(lastAuth).toBe('Bearer sekret-token-123');
    expect(() => shop.expect(result, 200)).not.toThrow();
    const call = recordedCalls().find((c) => c.testName === expect.getState().currentTestName);
    expect(call).toEqual({
      v: 1,
      service: 'shop',
      operationId: 'listItems',
      method: 'GET',
      path: '/items',
      status: 200,
      durationMs: expect.any(Number),
      testFile: 'harness/runtime/runtime.test.ts',
      testName: 'the typed client sends expanded headers, passes a valid response, and records the exchange per contract 4',
      phase: 'seeded',
    });
  });

  test('a contract violation names service, operation, statuses, pointers, body and a masked curl line', async () => {
    const result = await shop.seeded.GET('/items/{itemId}', { params: { path: { itemId: 'bad' } } });
    let message = '';
    try {
      shop.expect(result, 200);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('shop getItem (GET /items/{itemId}) on the seeded instance: expected 200, got 200');
    expect(message).toContain('body /id must match format "uuid"');
    expect(message).toContain('body /note must be string,null');
    expect(message).toContain('body: {"id":"not-a-uuid","note":3}');
    expect(message).toContain(`reproduce: curl -sS -X GET 'http://127.0.0.1:${port}/items/bad' -H 'authorization: ***'`);
    expect(message).not.toContain('sekret-token-123');
  });

  test('a 5xx HTML page fails with every reason', async () => {
    const result = await shop.seeded.GET('/items/{itemId}', { params: { path: { itemId: 'html' } }, parseAs: 'text' });
    expect(() => shop.expect(result, 200)).toThrow(/expected status 200, got 500[\s\S]*never acceptable[\s\S]*not documented[\s\S]*HTML page/);
  });

  test('a status the config expects may be undocumented; a mismatch says which config entry expected it', async () => {
    const result = await shop.seeded.GET('/items/{itemId}', { params: { path: { itemId: 'gone' } } });
    const expectedBy = 'config harness.config.json services[0].expect["getItem"]["not-found"]: deleted items answer 410';
    expect(() => shop.expect(result, 410)).toThrow(/status 410 is not documented for this operation/);
    expect(() => shop.expect(result, 410, { expectedBy })).not.toThrow();
    expect(() => shop.expect(result, 404, { expectedBy })).toThrow(`expected status 404 (from the ${expectedBy}), got 410`);
  });

  test('a chain step whose status the config sets may be undocumented, like a case (Unleash: 404 after a delete)', async () => {
    const expectedBy = 'config harness.config.json services[0].expect["getItem"]["not-found"]: deleted items answer 410';
    const chain = (by?: string): ChainSpec => ({
      kind: 'delete-read',
      oracle: 'delete-not-effective',
      resource: '/items',
      idField: 'id',
      compare: [],
      steps: [
        { name: 'create', operationId: 'listItems', method: 'get', path: '/items', expect: '200', setup: true },
        { name: 'read-after-delete', operationId: 'getItem', method: 'get', path: '/items/{itemId}', params: { path: { itemId: { value: 'gone' } } }, expect: '410', ...(by ? { expectedBy: by } : {}) },
      ],
    });
    await expect(shop.runChain(chain(expectedBy))).resolves.toEqual({ ran: true });
    await expect(shop.runChain(chain())).rejects.toThrow(/\[documented-status\] read-after-delete: status 410 is not documented/);
  });

  test('the empty instance is refused clearly when there is none', () => {
    expect(() => shop.empty).toThrow(/service "shop" has no empty instance/);
  });

  test('a connection error names the service and is recorded with status 0', async () => {
    const endpoints = join(dir, 'endpoints.json');
    writeFileSync(endpoints, JSON.stringify({ databaseUrl: '', services: { shop: { baseUrl: 'http://127.0.0.1:9' } } }));
    process.env.HARNESS_ENDPOINTS = endpoints;
    try {
      const other = defineService<ShopPaths>({ service: 'shop', contractFile });
      await expect(other.seeded.GET('/items')).rejects.toThrow(/service "shop" \(seeded instance at http:\/\/127.0.0.1:9\) did not answer GET \/items/);
    } finally {
      delete process.env.HARNESS_ENDPOINTS;
    }
    expect(recordedCalls().find((c) => c.testName === expect.getState().currentTestName)?.status).toBe(0);
  });

  test('a service that never answers fails the one request after its requestTimeoutMs, naming the operation and the timeout', async () => {
    const svc = defineService<ShopPaths>({ service: 'hung', contractFile });
    await expect(svc.seeded.GET('/items')).rejects.toThrow(/^service "hung" \(seeded instance at http:\/\/127\.0\.0\.1:\d+\) did not answer GET \/items \(listItems\) within 300 ms \(the service's requestTimeoutMs in the harness config\)$/);
    expect(recordedCalls().find((c) => c.testName === expect.getState().currentTestName)?.status).toBe(0);
    // the next request to a live service is unaffected
    expect((await shop.seeded.GET('/items')).response.status).toBe(200);
  });

  test('a service the sandbox reports dead fails at once, naming it with its log tail', async () => {
    const status = join(dir, 'status.json');
    writeFileSync(status, JSON.stringify({ pid: 1, state: 'ready', dead: [{ service: 'shop', phase: 'seeded', exitCode: 1, signal: null, logTail: 'Error: pool exhausted' }] }));
    process.env.HARNESS_SANDBOX_STATUS = status;
    try {
      await expect(shop.seeded.GET('/items')).rejects.toThrow(/service "shop" \(seeded instance\) died \(exit code 1\)[\s\S]*pool exhausted/);
    } finally {
      delete process.env.HARNESS_SANDBOX_STATUS;
    }
  });

  test('validators are compiled once per operation and status', () => {
    const contract = loadContract(contractFile);
    const op = contract.find('GET', '/items')!;
    expect(contract.validator(op, '200')).toBe(contract.validator(op, '200'));
    expect(contract.validator(op, '404')).toBeUndefined();
    expect(checkResponse).toBeInstanceOf(Function);
  });
});
