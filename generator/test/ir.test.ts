import { join } from 'node:path';
import { buildServiceIr } from '../ir/build-ir';
import type { OperationRole } from '../ir/types';
import type { LoadedSpec } from '../load/load-spec';
import { loadSpec } from '../load/load-spec';
import { FIXTURES } from './fixture-config';

function specOf(paths: Record<string, unknown>, components: Record<string, unknown> = {}): LoadedSpec {
  return { file: 'x.yaml', document: { openapi: '3.1.0', info: { title: 't', version: '1' }, paths, components }, version: '3.1', versionString: '3.1.0', files: [] };
}

const list = { responses: { '200': { description: 'l', content: { 'application/json': { schema: { type: 'array', items: { type: 'object' } } } } } } };
const one = { responses: { '200': { description: 'o', content: { 'application/json': { schema: { type: 'object' } } } }, '404': { description: 'n' } } };
const created = { responses: { '201': { description: 'c' }, '422': { description: 'v' } } };
const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });

/** given paths, want role / item id / collection / documented statuses per `METHOD path`. */
const table: [string, { given: Record<string, unknown>; want: Record<string, { role: OperationRole; itemIdParam?: string; collectionPath?: string; notFound?: boolean; validation?: string[] }> }][] = [
  [
    'a resource collection with item operations',
    {
      given: {
        '/companies': { get: list, post: created },
        '/companies/{companyId}': { parameters: [idParam('companyId')], get: one, put: one, delete: one },
      },
      want: {
        'GET /companies': { role: 'list', collectionPath: '/companies' },
        'POST /companies': { role: 'create', collectionPath: '/companies', validation: ['422'] },
        'GET /companies/{companyId}': { role: 'read', itemIdParam: 'companyId', collectionPath: '/companies', notFound: true },
        'PUT /companies/{companyId}': { role: 'update', itemIdParam: 'companyId', collectionPath: '/companies', notFound: true },
        'DELETE /companies/{companyId}': { role: 'delete', itemIdParam: 'companyId', collectionPath: '/companies', notFound: true },
      },
    },
  ],
  [
    'an action on an item and a nested collection',
    {
      given: {
        '/runs/{runId}/stop': { post: { parameters: [idParam('runId')], ...one } },
        '/runs/{runId}/orders': { parameters: [idParam('runId')], get: list, post: created },
      },
      want: {
        'POST /runs/{runId}/stop': { role: 'action', itemIdParam: 'runId', collectionPath: '/runs', notFound: true },
        'GET /runs/{runId}/orders': { role: 'list', itemIdParam: 'runId', collectionPath: '/runs/{runId}/orders' },
        'POST /runs/{runId}/orders': { role: 'create', itemIdParam: 'runId', collectionPath: '/runs/{runId}/orders', validation: ['422'] },
      },
    },
  ],
  [
    'singletons and a POST that creates nothing',
    {
      given: { '/config': { get: one, put: one }, '/evaluate': { post: one } },
      want: {
        'GET /config': { role: 'read', collectionPath: '/config', notFound: true },
        'PUT /config': { role: 'update', collectionPath: '/config', notFound: true },
        'POST /evaluate': { role: 'action', collectionPath: '/evaluate', notFound: true },
      },
    },
  ],
];

describe('IR derived facts', () => {
  test.each(table)('%s', (_name, { given, want }) => {
    const ir = buildServiceIr('svc', specOf(given));
    const got = Object.fromEntries(
      ir.operations.map((op) => [
        `${op.method.toUpperCase()} ${op.path}`,
        {
          role: op.role,
          ...(op.itemIdParam ? { itemIdParam: op.itemIdParam } : {}),
          ...(op.collectionPath ? { collectionPath: op.collectionPath } : {}),
          ...(op.documents.notFound ? { notFound: true } : {}),
          ...(op.documents.validation.length ? { validation: op.documents.validation } : {}),
        },
      ]),
    );
    expect(got).toEqual(want);
  });

  test('operations are sorted by path then method; responses by status; parameters by location and name', () => {
    const ir = buildServiceIr(
      'svc',
      specOf({
        '/b': { post: { responses: { default: {}, '2XX': {}, '404': {}, '200': {} } }, get: { parameters: [{ name: 'z', in: 'query' }, { name: 'a', in: 'query' }, { name: 'h', in: 'header' }], responses: {} } },
        '/a': { get: { responses: {} } },
      }),
    );
    expect(ir.operations.map((o) => `${o.method} ${o.path}`)).toEqual(['get /a', 'get /b', 'post /b']);
    expect(ir.operations[2]!.responses.map((r) => r.status)).toEqual(['200', '2XX', '404', 'default']);
    expect(ir.operations[1]!.parameters.query.map((p) => p.name)).toEqual(['a', 'z']);
    expect(ir.operations[1]!.parameters.header.map((p) => p.name)).toEqual(['h']);
  });

  test('missing and duplicate operationIds get derived names and a warning', () => {
    const ir = buildServiceIr('svc', specOf({ '/x/{id}': { get: { operationId: 'dup', responses: {} }, put: { operationId: 'dup', responses: {} }, delete: { responses: {} } } }));
    expect(ir.operations.map((o) => o.operationId)).toEqual(['deleteXById', 'getXById', 'putXById']);
    expect(ir.warnings.join('\n')).toMatch(/duplicate operationId "dup"/);
  });

  test('a path-level parameter is overridden by the operation (OAS 3.1 4.8.9) and every location is kept', async () => {
    const ir = buildServiceIr('parameters', await loadSpec(join(FIXTURES, 'parameters', 'spec.yaml')));
    const op = ir.operations.find((o) => o.operationId === 'getEntry')!;
    expect(op.parameters.path.map((p) => p.name)).toEqual(['accountId', 'entryId']);
    expect(op.parameters.cookie.map((p) => p.name)).toEqual(['session']);
    expect(op.parameters.header.map((p) => p.name)).toEqual(['Authorization', 'X-Request-Id']);
    expect(op.parameters.query.map((p) => p.name)).toEqual(['limit', 'user-id', 'userId', 'user_id', 'view']);
  });

  test('recursive refs across files are hoisted into components and stay local', async () => {
    const spec = await loadSpec(join(FIXTURES, 'recursive', 'spec.yaml'));
    const schemas = (spec.document.components as { schemas: Record<string, unknown> }).schemas;
    expect(Object.keys(schemas).sort()).toEqual(['Cycle', 'Folder', 'Tree']);
    expect(JSON.stringify(schemas.Tree)).toContain('"#/components/schemas/Tree"');
    expect(spec.files.map((f) => f.split('/').pop())).toEqual(['spec.yaml', 'tree.yaml', 'leaf.yaml']);
  });
});
