import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Expectation, ResolvedConfig } from '../../harness/config';
import { generate } from '../pipeline';

/**
 * No false positives (issue 6): a correct service whose framework differs from its spec's
 * conventions (validation errors are 400, not the documented 422; a 404 nobody documented) fails
 * the generated tests until the config says what to expect, and then passes every one of them.
 */
const item = { type: 'object', required: ['id', 'name'], properties: { id: { type: 'integer' }, name: { type: 'string' } } };
const json = (schema: unknown) => ({ description: 'r', content: { 'application/json': { schema } } });
const spec = {
  openapi: '3.1.0',
  info: { title: 'items', version: '1' },
  paths: {
    '/items': {
      get: { operationId: 'listItems', responses: { '200': json({ type: 'array', items: item }) } },
      post: {
        operationId: 'createItem',
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['name'], properties: { name: { type: 'string', example: 'pen' } } } } } },
        responses: { '201': json(item), '422': json({ type: 'object', required: ['detail'] }) },
      },
    },
    '/items/{id}': { get: { operationId: 'getItem', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], responses: { '200': json(item) } } },
  },
};

let server: Server;
let baseUrl = '';
/** A sequence bug to plant in the otherwise correct service: the create answers 201 and keeps nothing. */
let forgetsCreated = false;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => done(body));
  });
}

beforeAll(async () => {
  // correct by its own conventions: 400 for any bad input, 404 for an unknown id, JSON always;
  // what it creates it keeps (the generated chains read it back and list it)
  const items = new Map<number, { id: number; name: string }>([[1, { id: 1, name: 'pen' }]]);
  server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const body = await readBody(req);
    if (req.method === 'GET' && req.url === '/items') return send(200, [...items.values()]);
    if (req.method === 'POST' && req.url === '/items') {
      const parsed = JSON.parse(body || '{}') as { name?: unknown };
      if (typeof parsed.name !== 'string') return send(400, { detail: 'name must be a string' });
      const created = { id: items.size + 1, name: parsed.name };
      if (!forgetsCreated) items.set(created.id, created);
      return send(201, created);
    }
    const id = /^\/items\/([^/]+)$/.exec(req.url ?? '')?.[1];
    if (req.method === 'GET' && id !== undefined) {
      if (!/^\d+$/.test(id)) return send(400, { detail: 'id must be an integer' });
      const found = items.get(Number(id));
      return found ? send(200, found) : send(404, { detail: 'no such item' });
    }
    return send(404, { detail: 'no route' });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
});

/** Generate for the spec with these entries, then load and run every generated test: name -> failure message or 'pass'. */
async function runGenerated(expectEntries?: Record<string, Expectation>): Promise<{ outcomes: Record<string, string>; manifest: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'expect-run-'));
  const saved = { ...process.env };
  try {
    writeFileSync(join(dir, 'items.json'), JSON.stringify(spec));
    const service = { name: 'items', spec: join(dir, 'items.json'), baseUrl, headers: {}, bindings: {}, ...(expectEntries ? { expect: expectEntries } : {}) };
    const config: ResolvedConfig = { file: join(dir, 'harness.config.json'), rootDir: dir, outDir: join(dir, 'out'), reportsDir: join(dir, 'reports'), sandbox: false, services: [service] };
    writeFileSync(config.file, JSON.stringify({ outDir: 'out', sandbox: false, services: [{ ...service, spec: 'items.json' }] }));
    await generate({ config });
    process.env.HARNESS_CONFIG = config.file;
    process.env.HARNESS_CALLS_DIR = join(dir, 'calls');
    delete process.env.HARNESS_ENDPOINTS;
    delete process.env.HARNESS_SANDBOX_STATUS;
    const defined: { name: string; fn: () => unknown }[] = [];
    const realTest = globalThis.test;
    try {
      (globalThis as { test: unknown }).test = Object.assign((name: string, fn: () => unknown) => defined.push({ name, fn }), { skip: () => undefined });
      jest.isolateModules(() => {
        const out = join(dir, 'out', 'items');
        for (const file of readdirSync(out).filter((f) => f.endsWith('.test.ts')).sort()) require(join(out, file));
      });
    } finally {
      (globalThis as { test: unknown }).test = realTest;
    }
    const outcomes: Record<string, string> = {};
    for (const t of defined) {
      try {
        await t.fn();
        outcomes[t.name] = 'pass';
      } catch (err) {
        outcomes[t.name] = (err as Error).message.split('\n')[0] ?? '';
      }
    }
    return { outcomes, manifest: readFileSync(join(dir, 'out', 'items', 'manifest.json'), 'utf8') };
  } finally {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  }
}

test('by the spec alone, the correct service fails where its framework answers 400 instead of the documented 422', async () => {
  const { outcomes } = await runGenerated();
  const failed = Object.entries(outcomes).filter(([, o]) => o !== 'pass');
  expect(failed.map(([name]) => name).sort()).toEqual([
    'items POST /items returns 422 for a body missing a required field (name)',
    'items POST /items returns 422 for a body with a wrong type (name)',
  ]);
  for (const [, message] of failed) expect(message).toMatch(/expected 422, got 400/);
});

test('with the config saying what to expect, every generated test passes, and the manifest says where each expectation came from', async () => {
  const { outcomes, manifest } = await runGenerated({
    '*': { invalid: '400', reason: 'the framework answers every validation error with 400' },
    getItem: { 'not-found': '404', reason: 'sent, but not documented' },
  });
  expect(Object.keys(outcomes).sort()).toEqual([
    'items GET /items returns 200 with a list',
    'items GET /items/{id} returns 200 for a known id',
    'items GET /items/{id} returns 400 for a malformed path id (id)',
    'items GET /items/{id} returns 404 for an unknown id',
    'items POST /items returns 201 for a valid body',
    'items POST /items returns 400 for a body missing a required field (name)',
    'items POST /items returns 400 for a body with a wrong type (name)',
    'items chain /items: a created record is listed',
    'items chain /items: a created record reads back as it was sent',
    'items chain /items: two reads of one record give the same body',
  ]);
  expect(Object.values(outcomes).every((o) => o === 'pass')).toBe(true);
  expect(manifest).toContain('"by": "harness.config.json services[0].expect[\\"getItem\\"][\\"not-found\\"]"');
  expect(manifest).toContain('"reason": "the framework answers every validation error with 400"');
  // nothing to violate on the list: the config's invalid status adds no skipped case there
  expect(manifest).not.toContain('GET /items returns 400');
}, 60_000);

test('a create that answers 201 and keeps nothing passes every baseline case and fails the chains, each naming its oracle', async () => {
  forgetsCreated = true;
  try {
    const { outcomes } = await runGenerated({ '*': { invalid: '400', reason: 'the framework answers every validation error with 400' }, getItem: { 'not-found': '404', reason: 'sent, but not documented' } });
    const failed = Object.entries(outcomes).filter(([, o]) => o !== 'pass');
    expect(Object.fromEntries(failed)).toEqual({
      'items chain /items: a created record is listed': 'items chain create-list on /items: list-missing-created',
      // the read's 404 is also one getItem does not document: the contract check says so beside the oracle
      'items chain /items: a created record reads back as it was sent': 'items chain create-read on /items: create-read-mismatch, documented-status',
      'items chain /items: two reads of one record give the same body': 'items chain read-twice on /items: read-not-idempotent, documented-status',
    });
  } finally {
    forgetsCreated = false;
  }
});
