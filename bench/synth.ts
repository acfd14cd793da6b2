/**
 * Synthetic specs and a synthetic service for the scale bench.
 *
 * `synthSpec(n)`: an OpenAPI 3.1 document with n operations: n/5 resources, each with list,
 * create, get, update (PATCH) and delete, tagged in groups of 5 resources (25 operations per
 * tag, so the generator writes n/25 test files), with 404 and 422 documented as in the
 * reference platform. `startSynthService(n)`: one node:http server implementing it in memory,
 * so the gate can run against it with `"sandbox": false` (no Postgres, no service processes:
 * what grows with n is the harness alone).
 *
 * `tsx bench/synth.ts <n> <out.json>` writes the spec.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const pad = (i: number) => String(i).padStart(4, '0');

export function synthSpec(operations: number): Record<string, unknown> {
  const resources = Math.max(1, Math.round(operations / 5));
  const paths: Record<string, unknown> = {};
  const errors = {
    '404': { $ref: '#/components/responses/NotFound' },
    '422': { $ref: '#/components/responses/ValidationFailed' },
  };
  const idParam = { name: 'itemId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
  for (let r = 0; r < resources; r++) {
    const name = `r${pad(r)}`;
    const tag = `group${pad(Math.floor(r / 5))}`;
    const item = { $ref: '#/components/schemas/Item' };
    const input = { $ref: '#/components/schemas/ItemInput' };
    const body = (required: boolean) => ({ required, content: { 'application/json': { schema: required ? input : { $ref: '#/components/schemas/ItemPatch' }, example: { name: `${name} item`, quantity: 3 } } } });
    paths[`/${name}`] = {
      get: {
        operationId: `list_${name}`, tags: [tag], summary: `List ${name}`,
        parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } }],
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: item } } } }, '422': errors['422'] },
      },
      post: {
        operationId: `create_${name}`, tags: [tag], summary: `Create a ${name}`, requestBody: body(true),
        responses: { '201': { description: 'created', content: { 'application/json': { schema: item } } }, '422': errors['422'] },
      },
    };
    paths[`/${name}/{itemId}`] = {
      parameters: [idParam],
      get: { operationId: `get_${name}`, tags: [tag], summary: `Get a ${name}`, responses: { '200': { description: 'ok', content: { 'application/json': { schema: item } } }, ...errors } },
      patch: {
        operationId: `update_${name}`, tags: [tag], summary: `Update a ${name}`, requestBody: body(false),
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: item } } }, ...errors },
      },
      delete: { operationId: `delete_${name}`, tags: [tag], summary: `Delete a ${name}`, responses: { '204': { description: 'deleted' }, ...errors } },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: `Synthetic (${resources * 5} operations)`, version: '1.0.0' },
    servers: [{ url: 'http://127.0.0.1:8080' }],
    paths,
    components: {
      schemas: {
        Item: {
          type: 'object', additionalProperties: false, required: ['id', 'name', 'quantity', 'createdAt'],
          properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string', minLength: 1, maxLength: 100 }, quantity: { type: 'integer', minimum: 0 }, createdAt: { type: 'string', format: 'date-time' } },
        },
        ItemInput: {
          type: 'object', additionalProperties: false, required: ['name', 'quantity'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, quantity: { type: 'integer', minimum: 0 } },
        },
        ItemPatch: {
          type: 'object', additionalProperties: false, minProperties: 1,
          properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, quantity: { type: 'integer', minimum: 0 } },
        },
        Error: { type: 'object', required: ['detail'], properties: { detail: {} } },
      },
      responses: {
        NotFound: { description: 'not found', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        ValidationFailed: { description: 'invalid', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    },
  };
}

interface Item {
  id: string;
  name: string;
  quantity: number;
  createdAt: string;
}

function validInput(body: unknown, partial: boolean): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'body must be an object';
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (k !== 'name' && k !== 'quantity') return `unknown field ${k}`;
  if (partial && Object.keys(b).length === 0) return 'empty patch';
  if (!partial || 'name' in b) if (typeof b.name !== 'string' || b.name.length < 1 || b.name.length > 100) return 'name';
  if (!partial || 'quantity' in b) if (typeof b.quantity !== 'number' || !Number.isInteger(b.quantity) || b.quantity < 0) return 'quantity';
  return undefined;
}

/** The synthetic service: every resource in memory, seeded with two items each. */
export async function startSynthService(operations: number): Promise<{ url: string; close(): Promise<void> }> {
  const resources = Math.max(1, Math.round(operations / 5));
  const store = new Map<string, Map<string, Item>>();
  for (let r = 0; r < resources; r++) {
    const m = new Map<string, Item>();
    for (let i = 1; i <= 2; i++) {
      const id = `00000000-0000-4000-8000-${String(r * 10 + i).padStart(12, '0')}`;
      m.set(id, { id, name: `seeded ${i}`, quantity: i, createdAt: '2026-01-05T14:30:00.000Z' });
    }
    store.set(`r${pad(r)}`, m);
  }
  const server: Server = createServer((req, res) => {
    const send = (status: number, body?: unknown) => {
      if (body === undefined) return void res.writeHead(status).end();
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    };
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const [, resource, id, extra] = url.pathname.split('/');
      const items = resource ? store.get(resource) : undefined;
      if (!items || extra !== undefined) return send(404, { detail: 'no route' });
      let body: unknown;
      if (chunks.length) {
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return send(422, { detail: [{ loc: ['body'], msg: 'invalid JSON' }] });
        }
      }
      const method = req.method ?? 'GET';
      if (id === undefined) {
        if (method === 'GET') {
          const limit = url.searchParams.get('limit');
          if (limit !== null && !(/^\d+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= 100)) return send(422, { detail: [{ loc: ['query', 'limit'], msg: 'invalid' }] });
          return send(200, [...items.values()].slice(0, limit ? Number(limit) : undefined));
        }
        if (method === 'POST') {
          const bad = validInput(body, false);
          if (bad) return send(422, { detail: [{ loc: ['body', bad], msg: 'invalid' }] });
          const b = body as { name: string; quantity: number };
          const item: Item = { id: randomUUID(), name: b.name, quantity: b.quantity, createdAt: new Date().toISOString() };
          items.set(item.id, item);
          return send(201, item);
        }
        return send(405, { detail: 'method not allowed' });
      }
      if (!UUID.test(decodeURIComponent(id))) return send(422, { detail: [{ loc: ['path', 'itemId'], msg: 'not a uuid' }] });
      const item = items.get(id);
      if (method === 'PATCH') {
        const bad = validInput(body, true);
        if (bad) return send(422, { detail: [{ loc: ['body', bad], msg: 'invalid' }] });
      }
      if (!item) return send(404, { detail: `${resource} ${id} not found` });
      if (method === 'GET') return send(200, item);
      if (method === 'PATCH') {
        Object.assign(item, body);
        return send(200, item);
      }
      if (method === 'DELETE') {
        items.delete(id);
        return send(204);
      }
      return send(405, { detail: 'method not allowed' });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

if (require.main === module) {
  const [n, out] = process.argv.slice(2);
  if (!n || !out) {
    process.stderr.write('usage: tsx bench/synth.ts <operations> <out.json>\n');
    process.exit(2);
  }
  writeFileSync(out, `${JSON.stringify(synthSpec(Number(n)), null, 2)}\n`);
}
