import type { ChainKind, ChainSpec, ChainStep } from './chain-types';
import { judgeChain, sameValue, withoutPointers, type StepExchange } from './oracles';

const step = (name: string, method: string, path: string, expect: string, extra: Partial<ChainStep> = {}): ChainStep => ({ name, operationId: name, method, path, expect, ...extra });
const create = step('create', 'post', '/things', '201', { setup: true });
const parent = step('parent', 'post', '/parents', '201', { setup: true });
const other = step('other-parent', 'post', '/parents', '201', { setup: true });
const read = (name: string, expect = '200') => step(name, 'get', '/things/{id}', expect);
const list = (name = 'list') => step(name, 'get', '/things', '200', { list: { field: 'id' } });

const ORACLE = { 'create-read': 'create-read-mismatch', 'create-list': 'list-missing-created', 'update-read': 'update-not-persisted', 'read-twice': 'read-not-idempotent', 'delete-read': 'delete-not-effective', 'nested-list': 'nested-list-leak' } as const;

function chain(kind: ChainKind, steps: ChainStep[], extra: Partial<ChainSpec> = {}): ChainSpec {
  return { kind, oracle: ORACLE[kind], resource: '/things', steps, idField: 'id', compare: [{ name: 'name' }, { name: 'at', format: 'date-time' }, { name: 'price', multipleOf: 0.01 }, { name: 'note' }], ...extra };
}

const ex = (stepName: string, status: number, body?: unknown, sent?: unknown): StepExchange => ({ step: stepName, status, body, ...(sent !== undefined ? { sent } : {}) });
const sentThing = { name: 'a', at: '2026-01-02T03:04:05+00:00', price: 1.234, note: 'n' };
const storedThing = { id: 7, name: 'a', at: '2026-01-02T03:04:05.000Z', price: 1.23, note: 'n', createdAt: 'x' };
const made = ex('create', 201, storedThing, sentThing);

const createRead = chain('create-read', [create, read('read')]);
const readTwice = chain('read-twice', [create, read('read'), read('read-again')]);
const createList = chain('create-list', [create, list()]);
const patch = chain('update-read', [create, read('read'), step('update', 'patch', '/things/{id}', '200'), read('read-after')]);
const put = chain('update-read', [create, read('read'), step('update', 'put', '/things/{id}', '200'), read('read-after')]);
const deleted = chain('delete-read', [create, step('delete', 'delete', '/things/{id}', '204'), read('read-after-delete', '404'), list(), step('delete-again', 'delete', '/things/{id}', '404')]);
const nested = chain('nested-list', [parent, other, create, list(), list('list-other')]);

/** given one chain and the exchanges of its sequence, want the verdict: pass, skip, or the names of the failures. */
const table: [string, { spec: ChainSpec; given: StepExchange[]; want: 'pass' | 'skip' | string[] }][] = [
  ['create-read: what was sent reads back (instants, rounding to multipleOf)', { spec: createRead, given: [made, ex('read', 200, storedThing)], want: 'pass' }],
  ['create-read: a field dropped on create', { spec: createRead, given: [made, ex('read', 200, { ...storedThing, note: null })], want: ['create-read-mismatch'] }],
  ['create-read: not persisted (read 404)', { spec: createRead, given: [made, ex('read', 404, { detail: 'nope' })], want: ['create-read-mismatch'] }],
  ['create-read: the read returns another record', { spec: createRead, given: [made, ex('read', 200, { ...storedThing, id: 8 })], want: ['create-read-mismatch'] }],
  ['create-read: a rounding beyond multipleOf', { spec: createRead, given: [made, ex('read', 200, { ...storedThing, price: 1.2 })], want: ['create-read-mismatch'] }],
  ['create-read: the create answered 409: skipped, not passed', { spec: createRead, given: [ex('create', 409, { detail: 'taken' })], want: 'skip' }],
  ['create-read: a config-ignored field may differ', { spec: { ...createRead, ignore: [{ pointer: '/note', by: 'config x' }] }, given: [made, ex('read', 200, { ...storedThing, note: 'trimmed' })], want: 'pass' }],
  ['read-twice: same body', { spec: readTwice, given: [made, ex('read', 200, storedThing), ex('read-again', 200, { ...storedThing })], want: 'pass' }],
  ['read-twice: a field changes between reads', { spec: readTwice, given: [made, ex('read', 200, storedThing), ex('read-again', 200, { ...storedThing, createdAt: 'y' })], want: ['read-not-idempotent'] }],
  ['create-list: listed on the second page', { spec: createList, given: [made, ex('list', 200, [{ id: 1 }]), ex('list', 200, [{ id: 7 }])], want: 'pass' }],
  ['create-list: never listed', { spec: createList, given: [made, ex('list', 200, [{ id: 1 }, { id: 2 }])], want: ['list-missing-created'] }],
  ['create-list: wrapped list', { spec: chain('create-list', [create, step('list', 'get', '/things', '200', { list: { field: 'id', listProperty: 'items' } })]), given: [made, ex('list', 200, { items: [{ id: 7 }] })], want: 'pass' }],
  [
    'update-read: PATCH visible, unsent fields kept, update answer equals the read',
    { spec: patch, given: [made, ex('read', 200, storedThing), ex('update', 200, { ...storedThing, name: 'b' }, { name: 'b' }), ex('read-after', 200, { ...storedThing, name: 'b' })], want: 'pass' },
  ],
  ['update-read: answers right, stores nothing', { spec: patch, given: [made, ex('read', 200, storedThing), ex('update', 200, { ...storedThing, name: 'b' }, { name: 'b' }), ex('read-after', 200, storedThing)], want: ['update-not-persisted', 'update-not-persisted'] }],
  ['update-read: PATCH clears an unsent field', { spec: patch, given: [made, ex('read', 200, storedThing), ex('update', 200, { ...storedThing, name: 'b', note: null }, { name: 'b' }), ex('read-after', 200, { ...storedThing, name: 'b', note: null })], want: ['update-not-persisted'] }],
  ['update-read: PUT may reset what it did not send', { spec: put, given: [made, ex('read', 200, storedThing), ex('update', 200, { ...storedThing, name: 'b', note: null }, { name: 'b' }), ex('read-after', 200, { ...storedThing, name: 'b', note: null })], want: 'pass' }],
  ['delete-read: gone everywhere', { spec: deleted, given: [made, ex('delete', 204), ex('read-after-delete', 404, {}), ex('list', 200, [{ id: 1 }]), ex('delete-again', 404, {})], want: 'pass' }],
  ['delete-read: 204 but nothing deleted', { spec: deleted, given: [made, ex('delete', 204), ex('read-after-delete', 200, storedThing), ex('list', 200, [storedThing]), ex('delete-again', 204)], want: ['delete-not-effective', 'delete-not-effective', 'delete-not-effective'] }],
  ['delete-read: read 404 but still listed', { spec: deleted, given: [made, ex('delete', 204), ex('read-after-delete', 404, {}), ex('list', 200, [storedThing]), ex('delete-again', 404, {})], want: ['delete-not-effective'] }],
  ['nested-list: under its parent only', { spec: nested, given: [ex('parent', 201, { id: 1 }), ex('other-parent', 201, { id: 2 }), made, ex('list', 200, [storedThing]), ex('list-other', 200, [])], want: 'pass' }],
  ['nested-list: listed under every parent', { spec: nested, given: [ex('parent', 201, { id: 1 }), ex('other-parent', 201, { id: 2 }), made, ex('list', 200, [storedThing]), ex('list-other', 200, [storedThing])], want: ['nested-list-leak'] }],
  ['nested-list: missing under its parent', { spec: nested, given: [ex('parent', 201, { id: 1 }), ex('other-parent', 201, { id: 2 }), made, ex('list', 200, []), ex('list-other', 200, [])], want: ['list-missing-created'] }],
  ['nested-list: no second parent: skipped', { spec: nested, given: [ex('parent', 201, { id: 1 }), ex('other-parent', 422, {})], want: 'skip' }],
];

test.each(table)('oracle %s', (_name, { spec, given, want }) => {
  const verdict = judgeChain(spec, given);
  const got = verdict.verdict === 'fail' ? verdict.failures.map((f) => f.check) : verdict.verdict;
  expect(got).toEqual(want);
});

test('a failure message names the field, what was sent and what came back', () => {
  const verdict = judgeChain(createRead, [made, ex('read', 200, { ...storedThing, note: null })]);
  expect(verdict).toEqual({ verdict: 'fail', failures: [{ check: 'create-read-mismatch', message: '/note: sent "n", read back null' }] });
});

/** given two values and what the spec says of the field, want whether they are the same. */
const values: [string, { a: unknown; b: unknown; field: Parameters<typeof sameValue>[2]; want: boolean }][] = [
  ['date-time, another offset', { a: '2026-01-02T04:04:05+01:00', b: '2026-01-02T03:04:05Z', field: { name: 'x', format: 'date-time' }, want: true }],
  ['date-time, another instant', { a: '2026-01-02T04:04:05Z', b: '2026-01-02T03:04:05Z', field: { name: 'x', format: 'date-time' }, want: false }],
  ['date-time text without the format', { a: '2026-01-02T03:04:05+00:00', b: '2026-01-02T03:04:05Z', field: { name: 'x' }, want: false }],
  ['email case', { a: 'A@Example.com', b: 'a@example.com', field: { name: 'x', format: 'email' }, want: true }],
  ['multipleOf rounding', { a: 10.004, b: 10, field: { name: 'x', multipleOf: 0.01 }, want: true }],
  ['a plain number changed', { a: 10.5, b: 10, field: { name: 'x' }, want: false }],
  ['objects in another key order', { a: { p: 1, q: [1, 2] }, b: { q: [1, 2], p: 1 }, field: { name: 'x' }, want: true }],
];

test.each(values)('same value: %s', (_n, { a, b, field, want }) => expect(sameValue(a, b, field)).toBe(want));

test('ignored pointers are removed from a copy, nested ones too, escapes decoded', () => {
  const given = { a: 1, meta: { 'x/y': 2, z: 3 } };
  expect(withoutPointers(given, ['/a', '/meta/x~1y', '/missing/deep'])).toEqual({ meta: { z: 3 } });
  expect(given).toEqual({ a: 1, meta: { 'x/y': 2, z: 3 } });
});
