import type { ListCheckName, ListCheckSpec } from './list-check-types';

/**
 * The list checks: pure functions from the exchanges of one check to a verdict, each failure
 * named (`list-filter`, `list-page-size`, `list-paging`, `list-parent`) like the response checks
 * (checks.ts) and the chains' oracles (oracles.ts), and carrying the requests and the items that
 * break it. The run time (run-list-check.ts) chooses the values and sends the requests; the unit
 * table (list-checks.test.ts) gives exchanges and wants verdicts.
 */

/** One answer of a list check. `label` says which request it was; a paged read has one per page. */
export interface ListExchange {
  label: 'sample' | 'filtered' | 'at-maximum' | 'below-count' | 'double' | 'page-1' | 'page-2' | 'double-again' | 'cursor' | 'children';
  /** The query values sent, after resolution. */
  query: Record<string, unknown>;
  /** The path values sent, after resolution. */
  path: Record<string, unknown>;
  status: number;
  body: unknown;
}

export interface ListFailure {
  check: ListCheckName;
  message: string;
  /** Labels of the requests that show it (the failure message prints each with its curl line). */
  requests: ListExchange['label'][];
  /** The items that break it (at most five). */
  items: unknown[];
}

export type ListVerdict = { verdict: 'pass' } | { verdict: 'skip'; reason: string } | { verdict: 'fail'; failures: ListFailure[] };

/** What the run time chose for a filter check: the seeded record whose value it filters by. */
export interface ListRun {
  exchanges: readonly ListExchange[];
  known?: Record<string, unknown>;
}

export function judgeList(spec: ListCheckSpec, run: ListRun): ListVerdict {
  const { exchanges } = run;
  const sample = exchanges.find((e) => e.label === 'sample' || e.label === 'at-maximum' || e.label === 'double');
  if (sample && !isSuccess(sample.status)) return { verdict: 'skip', reason: `the list answered ${sample.status}, not 2xx: its ok case says why` };
  const failures: ListFailure[] = [];
  for (const e of exchanges) {
    if (!isSuccess(e.status)) failures.push(fail(spec, `${e.label}: expected 2xx, got ${e.status} (query ${show(e.query)})`, [e.label], []));
  }
  if (failures.length > 0) return { verdict: 'fail', failures };
  const verdict = JUDGES[spec.kind](spec, run);
  return verdict;
}

type Judge = (spec: ListCheckSpec, run: ListRun) => ListVerdict;

const JUDGES: Record<ListCheckSpec['kind'], Judge> = {
  filter: (spec, { exchanges, known }) => {
    const { param, property } = spec.filter!;
    const pages = exchanges.filter((e) => e.label === 'filtered');
    if (!known || pages.length === 0) return { verdict: 'skip', reason: `no listed record has a value of "${property}" to filter by` };
    const value = pages[0]!.query[param];
    const out: ListFailure[] = [];
    const wrong = pages.flatMap((p) => itemsOf(spec, p.body)).filter((i) => !sameScalar(field(i, property), value));
    if (wrong.length > 0) out.push(fail(spec, `${param}=${show(value)}: ${wrong.length} listed item(s) have another ${property}: ${wrong.slice(0, 5).map((i) => show(field(i, property))).join(', ')}`, ['filtered'], wrong));
    const found = pages.some((p) => itemsOf(spec, p.body).some((i) => sameItem(spec, i, known)));
    if (!found) {
      out.push(fail(spec, `${param}=${show(value)}: a record that has it (${describeItem(spec, known)}, listed without the filter) is not in the answer (${pages.length} page(s), ${pages.reduce((n, p) => n + itemsOf(spec, p.body).length, 0)} item(s))`, ['sample', 'filtered'], [known]));
    }
    return verdictOf(out);
  },
  'page-size': (spec, { exchanges }) => {
    const { param } = spec.pageSize!;
    const out: ListFailure[] = [];
    for (const e of exchanges.filter((x) => x.label === 'at-maximum' || x.label === 'below-count')) {
      const size = Number(e.query[param]);
      const items = itemsOf(spec, e.body);
      if (Number.isFinite(size) && items.length > size) out.push(fail(spec, `${param}=${size} answered ${items.length} items, more than ${size}`, [e.label], items.slice(size)));
    }
    if (out.length > 0) return verdictOf(out);
    if (!exchanges.some((e) => e.label === 'below-count')) {
      const n = itemsOf(spec, exchanges.find((e) => e.label === 'at-maximum')?.body).length;
      return { verdict: 'skip', reason: `the list holds ${n} record(s): a page size below the count needs at least 2` };
    }
    return { verdict: 'pass' };
  },
  paging: (spec, run) => (spec.paging?.kind === 'cursor' ? judgeCursor(spec, run) : judgePages(spec, run)),
  parent: (spec, { exchanges }) => {
    const { param, property } = spec.parent!;
    const out: ListFailure[] = [];
    for (const page of exchanges.filter((e) => e.label === 'children')) {
      const parent = page.path[param];
      const wrong = itemsOf(spec, page.body).filter((i) => String(field(i, property)) !== String(parent));
      if (wrong.length > 0) out.push(fail(spec, `listed under ${param}=${show(parent)}, ${wrong.length} item(s) carry another ${property}: ${wrong.slice(0, 5).map((i) => show(field(i, property))).join(', ')}`, ['children'], wrong));
    }
    return verdictOf(out);
  },
};

/** Page 1 and page 2 do not overlap and, in order, equal one page of twice the size; the list did not change meanwhile. */
function judgePages(spec: ListCheckSpec, { exchanges }: ListRun): ListVerdict {
  const get = (label: ListExchange['label']) => exchanges.find((e) => e.label === label);
  const [double, one, two, again] = [get('double'), get('page-1'), get('page-2'), get('double-again')];
  if (!double || !one || !two) return { verdict: 'skip', reason: `the list holds ${itemsOf(spec, (get('sample') ?? double)?.body).length} record(s): two pages need at least 2` };
  const ids = (e: ListExchange | undefined) => itemsOf(spec, e?.body).map((i) => identity(spec, i));
  if (again && ids(again).join('\n') !== ids(double).join('\n')) return { verdict: 'skip', reason: 'the list changed while it was paged (records created or deleted meanwhile)' };
  const out: ListFailure[] = [];
  const first = new Set(ids(one));
  const repeated = itemsOf(spec, two.body).filter((i) => first.has(identity(spec, i)));
  const p = spec.paging!.param;
  if (repeated.length > 0) out.push(fail(spec, `page 2 (${p}=${show(two.query[p])}) repeats ${repeated.length} item(s) of page 1 (${p}=${show(one.query[p])}): ${repeated.slice(0, 5).map((i) => describeItem(spec, i)).join(', ')}`, ['page-1', 'page-2'], repeated));
  const joined = [...ids(one), ...ids(two)];
  const whole = ids(double);
  if (joined.join('\n') !== whole.join('\n')) {
    const at = joined.findIndex((id, i) => id !== whole[i]);
    const index = at === -1 ? Math.min(joined.length, whole.length) : at;
    out.push(
      fail(
        spec,
        `pages 1 and 2 (${joined.length} items) are not the page of twice the size (${whole.length} items) in the same order: they differ at item ${index + 1} (${joined[index] ?? '(none)'} against ${whole[index] ?? '(none)'})`,
        ['page-1', 'page-2', 'double'],
        [],
      ),
    );
  }
  return verdictOf(out);
}

/** A cursor walks to the end (or the bound) without repeating a record. */
function judgeCursor(spec: ListCheckSpec, { exchanges }: ListRun): ListVerdict {
  const seen = new Set<string>();
  const repeated: unknown[] = [];
  for (const page of exchanges.filter((e) => e.label === 'cursor')) {
    for (const item of itemsOf(spec, page.body)) {
      const id = identity(spec, item);
      if (seen.has(id)) repeated.push(item);
      seen.add(id);
    }
  }
  if (repeated.length === 0) return { verdict: 'pass' };
  return verdictOf([fail(spec, `the cursor's walk lists ${repeated.length} item(s) twice: ${repeated.slice(0, 5).map((i) => describeItem(spec, i)).join(', ')}`, ['cursor'], repeated)]);
}

function verdictOf(failures: ListFailure[]): ListVerdict {
  return failures.length > 0 ? { verdict: 'fail', failures } : { verdict: 'pass' };
}

function fail(spec: ListCheckSpec, message: string, requests: ListExchange['label'][], items: unknown[]): ListFailure {
  return { check: spec.check, message, requests, items: items.slice(0, 5) };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The items of one answer: the body, or its wrapping property. */
export function itemsOf(spec: Pick<ListCheckSpec, 'list'>, body: unknown): unknown[] {
  const inner = spec.list.listProperty !== undefined && isObject(body) ? body[spec.list.listProperty] : body;
  return Array.isArray(inner) ? inner : [];
}

function field(item: unknown, name: string): unknown {
  return isObject(item) && Object.prototype.hasOwnProperty.call(item, name) ? item[name] : undefined;
}

/** An item's identity: its id field, else the whole item (a list of prices keyed by nothing). */
export function identity(spec: Pick<ListCheckSpec, 'list'>, item: unknown): string {
  const id = field(item, spec.list.idField);
  return id !== undefined ? canonical(id) : canonical(item);
}

function sameItem(spec: ListCheckSpec, a: unknown, b: unknown): boolean {
  return identity(spec, a) === identity(spec, b);
}

/** A query value arrives as text: `true` filters `true`, `3` filters `3`. */
function sameScalar(got: unknown, sent: unknown): boolean {
  return got !== undefined && got !== null && (got === sent || String(got) === String(sent));
}

function describeItem(spec: ListCheckSpec, item: unknown): string {
  const id = field(item, spec.list.idField);
  return id !== undefined ? `${spec.list.idField} ${show(id)}` : show(item);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return v === undefined ? 'undefined' : JSON.stringify(v);
}

export function show(v: unknown): string {
  const text = v === undefined ? '(absent)' : JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 120)}...` : text;
}
