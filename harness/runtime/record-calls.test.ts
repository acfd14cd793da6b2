import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContract } from './contract';
import { createdIds, createRecorder } from './record-calls';

/** Created ids belong to one sandbox run: the endpoints file names it, read again only when it is another file or written anew. */
describe('created ids', () => {
  const dir = mkdtempSync(join(tmpdir(), 'record-calls-'));
  const callsDir = join(dir, 'calls');
  const endpoints = join(dir, 'endpoints.json');
  const contractFile = join(dir, 'contract.json');
  writeFileSync(contractFile, JSON.stringify({ service: 'shop', openapi: '3.1.0', components: {}, operations: [{ operationId: 'createItem', method: 'post', path: '/items', responses: { '201': {} } }] }));
  const baseUrl = 'http://127.0.0.1:1';
  const recorder = createRecorder({ service: 'shop', phase: 'seeded', baseUrl, contract: loadContract(contractFile), callsDir });
  const create = async (id: string) => {
    const request = new Request(`${baseUrl}/items`, { method: 'POST' });
    const response = new Response(JSON.stringify({ id }), { status: 201, headers: { 'content-type': 'application/json' } });
    await recorder.onResponse!({ request, response, schemaPath: '/items', id: id, params: {}, options: {} as never });
  };
  /** As the sandbox writes it: a new file renamed over the old one. */
  const writeEndpoints = (run: string) => {
    writeFileSync(`${endpoints}.tmp`, JSON.stringify({ databaseUrl: `postgres://x/${run}`, services: {} }));
    renameSync(`${endpoints}.tmp`, endpoints);
  };
  const saved = process.env.HARNESS_ENDPOINTS;
  afterAll(() => {
    if (saved === undefined) delete process.env.HARNESS_ENDPOINTS;
    else process.env.HARNESS_ENDPOINTS = saved;
  });

  test('a 201 of this run is found; a new sandbox run (the endpoints file written again) starts with none, then has its own', async () => {
    process.env.HARNESS_ENDPOINTS = endpoints;
    writeEndpoints('run-a');
    await create('a-1');
    await create('a-2');
    expect(createdIds('shop', callsDir, baseUrl)).toEqual(new Set(['a-1', 'a-2']));
    writeEndpoints('run-b');
    expect(createdIds('shop', callsDir, baseUrl)).toEqual(new Set());
    await create('b-1');
    expect(createdIds('shop', callsDir, baseUrl)).toEqual(new Set(['b-1']));
    expect(createdIds('other', callsDir, baseUrl)).toEqual(new Set());
  });
});
