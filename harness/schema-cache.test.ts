import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { schemaCacheNear } from './schema-cache';
import { warmSchemas } from './runtime/warm-schemas';

const SCHEMA = {
  type: 'object',
  required: ['id', 'at', 'qty'],
  properties: { id: { type: 'string', format: 'uuid' }, at: { type: 'string', format: 'date-time' }, qty: { type: 'integer', minimum: 1 } },
  additionalProperties: false,
};
const SAMPLES = [
  { id: '00000000-0000-4000-8000-000000000001', at: '2026-01-02T03:04:05Z', qty: 3 },
  { id: 'not-a-uuid', at: 'yesterday', qty: 0, extra: true },
  [],
];

const newAjv = (): Ajv => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, code: { source: true } }) as unknown as Ajv;
  addFormats(ajv as never);
  return ajv;
};
const refuseToCompile = (): Ajv => {
  throw new Error('compiled, though the cache has it');
};
const verdicts = (validate: (x: unknown) => boolean & {}, v: { errors?: unknown }) => SAMPLES.map((s) => [validate(s), v.errors ?? null]);

describe('schema cache', () => {
  let project: string;
  const files = () => readdirSync(join(project, 'node_modules', '.cache', 'contract-harness', 'schemas')).filter((f) => f.endsWith('.cjs'));

  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'schema-cache-'));
    mkdirSync(join(project, 'node_modules'));
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  test('a schema compiled once is loaded, not compiled, next time, and judges every sample the same', () => {
    const first = schemaCacheNear(join(project, 'generated', 'svc'), 'salt-a')!;
    const compiled = first.compile('get /x 200', newAjv, SCHEMA);
    expect(files()).toHaveLength(1);
    const loaded = schemaCacheNear(project, 'salt-a')!.compile('get /x 200', refuseToCompile, SCHEMA);
    expect(loaded).not.toBe(compiled);
    expect(verdicts(loaded, loaded)).toEqual(verdicts(compiled, compiled));
    expect(verdicts(loaded, loaded).map(([ok]) => ok)).toEqual([true, false, false]);
  });

  test('another salt (a changed contract or options) or key never loads the file of the old one', () => {
    schemaCacheNear(project, 'salt-a')!.compile('get /x 200', newAjv, SCHEMA);
    expect(() => schemaCacheNear(project, 'salt-b')!.compile('get /x 200', refuseToCompile, SCHEMA)).toThrow('compiled, though the cache has it');
    expect(() => schemaCacheNear(project, 'salt-a')!.compile('get /x 404', refuseToCompile, SCHEMA)).toThrow('compiled, though the cache has it');
  });

  test('an unreadable cache file is compiled again and replaced', () => {
    const cache = schemaCacheNear(project, 'salt-c')!;
    cache.compile('k', newAjv, SCHEMA);
    const [file] = files();
    writeFileSync(join(project, 'node_modules', '.cache', 'contract-harness', 'schemas', file!), 'module.exports = (');
    const again = schemaCacheNear(project, 'salt-c')!;
    expect(again.load('k')).toBeUndefined();
    let compiles = 0;
    const validate = again.compile('k', () => (compiles++, newAjv()), SCHEMA);
    expect(compiles).toBe(1);
    expect(validate(SAMPLES[0])).toBe(true);
    expect(files()).toEqual([file]);
  });

  test('no node_modules above the folder: no cache', () => {
    const bare = mkdtempSync(join(tmpdir(), 'schema-cache-bare-'));
    try {
      expect(schemaCacheNear(bare, 'salt')).toBeUndefined();
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});

describe('warm-up', () => {
  test("every response validator of a contract (none for a status without a body) lands in its project's cache", () => {
    const project = mkdtempSync(join(tmpdir(), 'schema-warm-'));
    try {
      mkdirSync(join(project, 'node_modules'));
      mkdirSync(join(project, 'generated', 'svc'), { recursive: true });
      const contractFile = join(project, 'generated', 'svc', 'contract.json');
      writeFileSync(
        contractFile,
        JSON.stringify({
          service: 'svc',
          openapi: '3.1.0',
          components: { schemas: { Thing: SCHEMA } },
          operations: [
            { operationId: 'listThings', method: 'get', path: '/things', responses: { '200': { schema: { type: 'array', items: { $ref: '#/components/schemas/Thing' } } } } },
            { operationId: 'getThing', method: 'get', path: '/things/{id}', responses: { '200': { schema: { $ref: '#/components/schemas/Thing' } }, '404': {} } },
          ],
        }),
      );
      expect(warmSchemas([contractFile, join(project, 'missing', 'contract.json')]).validators).toBe(2);
      const cached = readdirSync(join(project, 'node_modules', '.cache', 'contract-harness', 'schemas')).filter((f) => f.endsWith('.cjs'));
      expect(cached).toHaveLength(2);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
