import { LIST_CHECK_NAMES, type ListCheckKind, type ListCheckSpec } from './list-check-types';
import { judgeList, type ListExchange, type ListRun } from './list-checks';

function spec(kind: ListCheckKind, extra: Partial<ListCheckSpec> = {}): ListCheckSpec {
  return {
    kind,
    check: LIST_CHECK_NAMES[kind],
    list: { operationId: 'listThings', method: 'get', path: '/things', expect: '200', idField: 'id' },
    pageSize: { param: 'limit', maximum: 100, minimum: 1 },
    paging: { kind: 'offset', param: 'offset' },
    maxPages: 10,
    ...extra,
  };
}

const thing = (id: number, status = 'OPEN', ownerId = 'p1') => ({ id, status, ownerId });
const ex = (label: ListExchange['label'], query: Record<string, unknown>, body: unknown, status = 200, path: Record<string, unknown> = {}): ListExchange => ({ label, query, path, status, body });
const all = [thing(1), thing(2, 'DONE'), thing(3), thing(4, 'DONE')];

const filter = spec('filter', { filter: { param: 'status', property: 'status' } });
const pageSize = spec('page-size');
const paging = spec('paging');
const cursor = spec('paging', { paging: { kind: 'cursor', param: 'cursor', cursorField: 'next' }, list: { operationId: 'listThings', method: 'get', path: '/things', expect: '200', idField: 'id', listProperty: 'items' } });
const parent = spec('parent', { parent: { param: 'ownerId', property: 'ownerId' }, list: { operationId: 'listThings', method: 'get', path: '/owners/{ownerId}/things', expect: '200', idField: 'id' } });
const pricesPaging = spec('paging', { list: { operationId: 'listPrices', method: 'get', path: '/prices', expect: '200', idField: 'id' } });

const pages = (k: number, body: (offset: number, limit: number) => unknown[], again = body): ListExchange[] => [
  ex('sample', { limit: 100 }, all),
  ex('double', { limit: 2 * k, offset: 0 }, body(0, 2 * k)),
  ex('page-1', { limit: k, offset: 0 }, body(0, k)),
  ex('page-2', { limit: k, offset: k }, body(k, k)),
  ex('double-again', { limit: 2 * k, offset: 0 }, again(0, 2 * k)),
];
const honest = (offset: number, limit: number) => all.slice(offset, offset + limit);

/** given a list check and the exchanges it made, want the verdict: pass, skip, or the names of the failures. */
const table: [string, { spec: ListCheckSpec; given: ListRun; want: 'pass' | 'skip' | string[] }][] = [
  ['filter: every item has the value and the known record is in it', { spec: filter, given: { known: thing(2, 'DONE'), exchanges: [ex('sample', { limit: 100 }, all), ex('filtered', { status: 'DONE', limit: 100 }, [thing(2, 'DONE'), thing(4, 'DONE')])] }, want: 'pass' }],
  ['filter: ignored, so items of other values are listed', { spec: filter, given: { known: thing(2, 'DONE'), exchanges: [ex('sample', { limit: 100 }, all), ex('filtered', { status: 'DONE', limit: 100 }, all)] }, want: ['list-filter'] }],
  ['filter: an empty answer does not pass: the known record is missing', { spec: filter, given: { known: thing(2, 'DONE'), exchanges: [ex('sample', { limit: 100 }, all), ex('filtered', { status: 'DONE', limit: 100 }, [])] }, want: ['list-filter'] }],
  ['filter: a boolean filter matches the text it was sent as', { spec: spec('filter', { filter: { param: 'active', property: 'active' } }), given: { known: { id: 1, active: true }, exchanges: [ex('sample', {}, [{ id: 1, active: true }]), ex('filtered', { active: true }, [{ id: 1, active: true }])] }, want: 'pass' }],
  ['filter: no listed record has the property: skipped, not passed', { spec: filter, given: { exchanges: [ex('sample', { limit: 100 }, [])] }, want: 'skip' }],
  ['filter: the filtered request answers 500', { spec: filter, given: { known: thing(2, 'DONE'), exchanges: [ex('sample', { limit: 100 }, all), ex('filtered', { status: 'DONE' }, { detail: 'x' }, 500)] }, want: ['list-filter'] }],
  ['filter: the unfiltered list answers 404: skipped (its ok case fails)', { spec: filter, given: { exchanges: [ex('sample', { limit: 100 }, { detail: 'x' }, 404)] }, want: 'skip' }],
  ['page size: at most that many, at the maximum and below the count', { spec: pageSize, given: { exchanges: [ex('at-maximum', { limit: 100 }, all), ex('below-count', { limit: 3 }, all.slice(0, 3))] }, want: 'pass' }],
  ['page size: ignored', { spec: pageSize, given: { exchanges: [ex('at-maximum', { limit: 100 }, all), ex('below-count', { limit: 3 }, all)] }, want: ['list-page-size'] }],
  ['page size: off by one (limit + 1 items)', { spec: pageSize, given: { exchanges: [ex('at-maximum', { limit: 2 }, all.slice(0, 3))] }, want: ['list-page-size'] }],
  ['page size: a list of one record cannot show it: skipped', { spec: pageSize, given: { exchanges: [ex('at-maximum', { limit: 100 }, [thing(1)])] }, want: 'skip' }],
  ['paging: pages 1 and 2 make the double page', { spec: paging, given: { exchanges: pages(2, honest) }, want: 'pass' }],
  ['paging: offset ignored (page 2 repeats page 1)', { spec: paging, given: { exchanges: pages(2, (_o, l) => all.slice(0, l)) }, want: ['list-paging', 'list-paging'] }],
  ['paging: offset off by one (a gap)', { spec: paging, given: { exchanges: pages(2, (o, l) => all.slice(o === 0 ? 0 : o + 1, (o === 0 ? 0 : o + 1) + l)) }, want: ['list-paging'] }],
  ['paging: offset off by one (an overlap)', { spec: paging, given: { exchanges: pages(2, (o, l) => all.slice(Math.max(0, o - 1), Math.max(0, o - 1) + l)) }, want: ['list-paging', 'list-paging'] }],
  ['paging: the page of twice the size in another order', { spec: paging, given: { exchanges: pages(2, (o, l) => (l === 4 ? [...all].reverse() : honest(o, l)), (_o, _l) => [...all].reverse()) }, want: ['list-paging'] }],
  ['paging: the list changed meanwhile: skipped, not failed', { spec: paging, given: { exchanges: pages(2, (_o, l) => all.slice(0, l), (_o, l) => [thing(9), ...all].slice(0, l)) }, want: 'skip' }],
  ['paging: items without an id are compared whole', { spec: pricesPaging, given: { exchanges: pages(1, (o, l) => [{ t: 'A' }, { t: 'B' }].slice(o, o + l)) }, want: 'pass' }],
  ['paging: a list of one record: skipped', { spec: paging, given: { exchanges: [ex('sample', { limit: 100 }, [thing(1)])] }, want: 'skip' }],
  ['cursor: walks to the end without repeats', { spec: cursor, given: { exchanges: [ex('cursor', {}, { items: all.slice(0, 2), next: 'c2' }), ex('cursor', { cursor: 'c2' }, { items: all.slice(2), next: null })] }, want: 'pass' }],
  ['cursor: a cursor that starts over repeats records', { spec: cursor, given: { exchanges: [ex('cursor', {}, { items: all.slice(0, 2), next: 'c2' }), ex('cursor', { cursor: 'c2' }, { items: all.slice(0, 2), next: 'c2' })] }, want: ['list-paging'] }],
  ['parent: every child carries its parent id', { spec: parent, given: { exchanges: [ex('children', { limit: 100 }, [thing(1), thing(2)], 200, { ownerId: 'p1' })] }, want: 'pass' }],
  ['parent: the list leaks another parent\'s children', { spec: parent, given: { exchanges: [ex('children', { limit: 100 }, [thing(1), thing(2, 'OPEN', 'p2')], 200, { ownerId: 'p1' })] }, want: ['list-parent'] }],
  ['parent: an empty list carries nothing wrong', { spec: parent, given: { exchanges: [ex('children', { limit: 100 }, [], 200, { ownerId: 'p1' })] }, want: 'pass' }],
];

test.each(table)('%s', (_name, { spec: s, given, want }) => {
  const verdict = judgeList(s, given);
  if (want === 'pass' || want === 'skip') expect(verdict.verdict).toBe(want);
  else {
    expect(verdict.verdict).toBe('fail');
    expect(verdict.verdict === 'fail' ? verdict.failures.map((f) => f.check) : []).toEqual(want);
  }
});

test('a failure names the requests and the items that break it', () => {
  const verdict = judgeList(parent, { exchanges: [ex('children', { limit: 100 }, [thing(1), thing(2, 'OPEN', 'p2')], 200, { ownerId: 'p1' })] });
  expect(verdict).toEqual({
    verdict: 'fail',
    failures: [{ check: 'list-parent', message: 'listed under ownerId="p1", 1 item(s) carry another ownerId: "p2"', requests: ['children'], items: [thing(2, 'OPEN', 'p2')] }],
  });
});
