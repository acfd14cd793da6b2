import { buildServiceIr } from '../ir/build-ir';
import type { ListParametersIr } from '../ir/types';
import type { LoadedSpec } from '../load/load-spec';
import { expectationFor } from '../plan/expectations';

function specOf(paths: Record<string, unknown>): LoadedSpec {
  return { file: 'x.yaml', document: { openapi: '3.1.0', info: { title: 't', version: '1' }, paths }, version: '3.1', versionString: '3.1.0', files: [] };
}

const item = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    companyId: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['OPEN', 'DONE'] },
    isActive: { type: 'boolean' },
    score: { type: 'integer' },
    tags: { type: 'array', items: { type: 'string' } },
    state: { type: 'string' },
  },
};
const q = (name: string, schema: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name, in: 'query', schema, ...extra });
const listOf = (parameters: unknown[], schema: unknown = { type: 'array', items: item }) => ({
  get: { operationId: 'listThings', parameters, responses: { '200': { description: 'l', content: { 'application/json': { schema } } } } },
});
const meaning = (path: string, parameters: unknown[], schema?: unknown): ListParametersIr | undefined =>
  buildServiceIr('t', specOf({ [path]: listOf(parameters, schema) })).operations[0]?.listParameters;

/** given a list's parameters, want what each means. */
const table: [string, { path?: string; params: unknown[]; schema?: unknown; want: Partial<ListParametersIr> }][] = [
  ['a parameter named and typed like a property filters it (case and underscores aside)', { params: [q('status', { type: 'string', enum: ['OPEN'] }), q('is_active', { type: 'boolean' }), q('score', { type: 'number' })], want: { filters: [{ param: 'is_active', property: 'isActive', by: 'name' }, { param: 'score', property: 'score', by: 'name' }, { param: 'status', property: 'status', by: 'name' }], others: [] } }],
  ['another type, an enum value the property cannot take, an array property or no such property: not a filter', {
    params: [q('isActive', { type: 'string' }), q('status', { type: 'string', enum: ['OPEN', 'LOST'] }), q('tags', { type: 'string' }), q('q', { type: 'string' })],
    want: {
      filters: [],
      others: [
        { param: 'isActive', reason: 'its type (string) is not the type of property isActive (boolean)' },
        { param: 'q', reason: 'no property of the listed items has its name' },
        { param: 'status', reason: 'its enum has values property status cannot take ("LOST")' },
        { param: 'tags', reason: 'property tags is not a scalar' },
      ],
    },
  }],
  ['a filter keeps its pattern: the run time sends only a value that matches it', { params: [q('status', { type: 'string', pattern: '^(IS|IS_ANY_OF):' })], want: { filters: [{ param: 'status', property: 'status', by: 'name', pattern: '^(IS|IS_ANY_OF):' }] } }],
  ['x-filter-of says which property a parameter filters', { params: [q('phase', { type: 'string' }, { 'x-filter-of': 'state' }), q('kind', { type: 'string' }, { 'x-filter-of': 'nope' })], want: { filters: [{ param: 'phase', property: 'state', by: 'x-filter-of' }], others: [{ param: 'kind', reason: 'x-filter-of names "nope", which the listed items do not have' }] } }],
  ['limit with a maximum is the page size; offset pages', { params: [q('limit', { type: 'integer', minimum: 1, maximum: 50 }), q('offset', { type: 'integer' })], want: { pageSize: { param: 'limit', maximum: 50, minimum: 1 }, paging: { kind: 'offset', param: 'offset' }, filters: [] } }],
  ['a limit and an offset typed as strings of digits page too; a limit whose pattern takes no digits does not', { params: [q('limit', { type: 'string' }), q('offset', { type: 'string', pattern: '^\\d+$' }), q('page_size', { type: 'string', pattern: '^[a-z]+$' })], want: { pageSize: { param: 'limit' }, paging: { kind: 'offset', param: 'offset' } } }],
  ['per_page and page number (from its minimum, default 1)', { params: [q('per_page', { type: 'integer' }), q('page', { type: 'integer', minimum: 0 })], want: { pageSize: { param: 'per_page' }, paging: { kind: 'page', param: 'page', first: 0 } } }],
  ['a cursor pages when the wrapped answer hands out the next one', {
    params: [q('page_size', { type: 'integer' }), q('cursor', { type: 'string' })],
    schema: { type: 'object', properties: { items: { type: 'array', items: item }, next_cursor: { type: ['string', 'null'] } } },
    want: { pageSize: { param: 'page_size' }, paging: { kind: 'cursor', param: 'cursor', cursorField: 'next_cursor' }, others: [] },
  }],
  ['a cursor without a next cursor in the answer is not followed', { params: [q('cursor', { type: 'string' })], want: { others: [{ param: 'cursor', reason: 'a cursor, but the response has no next-cursor property to follow' }] } }],
  ['a nested list: the parent id is carried by the child property of its name', { path: '/companies/{companyId}/things', params: [{ name: 'companyId', in: 'path', required: true, schema: { type: 'string' } }], want: { parents: [{ param: 'companyId', property: 'companyId' }] } }],
  ['a parent parameter that does not name its owner is not checked', { path: '/companies/{state}/things', params: [{ name: 'state', in: 'path', required: true, schema: { type: 'string' } }], want: { parents: [{ param: 'state', reason: '{state} does not name its owner (like companyId): an item\'s "state" may be its own' }] } }],
  ['x-filter-of on a path parameter names the child property that carries it', { path: '/companies/{ticker}/things', params: [{ name: 'ticker', in: 'path', required: true, schema: { type: 'string' }, 'x-filter-of': 'companyId' }], want: { parents: [{ param: 'ticker', property: 'companyId' }] } }],
];

test.each(table)('%s', (_name, { path, params, schema, want }) => {
  expect(meaning(path ?? '/things', params, schema)).toMatchObject(want);
});

test('a body that is not a list has no list parameters', () => {
  const ir = buildServiceIr('t', specOf({ '/things/{id}': { get: { operationId: 'getThing', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'o', content: { 'application/json': { schema: item } } } } } } }));
  expect(ir.operations[0]?.listParameters).toBeUndefined();
});

test('the config says a parameter is not a filter, or which property it filters, with the entry that says so and its reason', () => {
  const ir = buildServiceIr('t', specOf({ '/things': listOf([q('q', { type: 'string' })]) }));
  const got = expectationFor({ origin: 'harness.config.json services[0].expect', entries: { listThings: { filters: { q: 'search', phase: { of: 'state' } }, reason: 'q searches names' } } }, ir.operations[0]!);
  expect(got?.filters).toEqual({
    q: { meaning: 'search', by: 'harness.config.json services[0].expect["listThings"].filters["q"]', reason: 'q searches names' },
    phase: { of: 'state', by: 'harness.config.json services[0].expect["listThings"].filters["phase"]', reason: 'q searches names' },
  });
});
