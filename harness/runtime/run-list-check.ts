import type { RequestPlan, RunOutcome, Scalar, ValueSource } from './case-types';
import { curlLine, excerpt, findFailures, FoundFailure, mask } from './check-response';
import type { CheckFailure } from './checks';
import type { ListCheckSpec } from './list-check-types';
import { itemsOf, judgeList, show, type ListExchange, type ListFailure, type ListRun } from './list-checks';
import { exchanges } from './record-calls';
import { parse, resolveValue, send, type CaseRuntime } from './run-case';

/** A paged read (a filter, a parent's children) reads at most this many items per page when the list documents no maximum. */
const DEFAULT_PAGE = 100;
/** A paging check whose list changed meanwhile (another test created a record) is tried again, at most this often. */
const ATTEMPTS = 3;

interface SentExchange extends ListExchange {
  curl: string;
  bodyText: string;
}

/** A list check that found a bug: every failure, named, with the requests and the items that break it. */
export class ListCheckFailure extends FoundFailure<ListFailure | CheckFailure> {
  constructor(message: string, failures: readonly (ListFailure | CheckFailure)[]) {
    super('ListCheckFailure', message, failures);
  }
}

/**
 * Execute one generated list check on the seeded instance: resolve the list's own values (a
 * parent discovered from the seed) once, send the requests the check needs, choosing sizes and
 * values from what the list holds, check every response against the contract, and judge them.
 * A list that cannot show the property (too few records, no value to filter by) returns the
 * reason (the caller records a skip); a failure throws ListCheckFailure.
 */
export async function runListCheck(rt: CaseRuntime, spec: ListCheckSpec): Promise<RunOutcome> {
  const base = await literalPlan(rt, spec.list);
  const contractFailures: CheckFailure[] = [];
  let sent: SentExchange[] = [];
  const get = (label: ListExchange['label'], query: Record<string, Scalar | undefined>) => getFrom(base, label, query);
  const getFrom = async (from: RequestPlan, label: ListExchange['label'], query: Record<string, Scalar | undefined>): Promise<SentExchange> => {
    const plan = withQuery(from, query);
    const { result, text } = await send(rt, 'seeded', plan, {});
    const exchange = exchanges.get(result.response);
    const found = findFailures(rt.contract, result, spec.list.expect, { bodyText: text }).failures.filter((f) => f.check !== 'status');
    contractFailures.push(...found.map((f) => ({ ...f, message: `${label}: ${f.message}` })));
    const literal = (values: Record<string, ValueSource> | undefined) => Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [k, 'value' in v ? v.value : undefined]));
    const out: SentExchange = { label, query: literal(plan.params?.query), path: literal(plan.params?.path), status: result.response.status, body: parse(text), bodyText: text, curl: exchange ? curlLine(exchange, rt.secrets()) : '(not recorded)' };
    sent.push(out);
    return out;
  };
  const size = spec.pageSize;
  const largest = size?.maximum ?? (size ? DEFAULT_PAGE : undefined);
  const sizeQuery = (n: number | undefined) => (size && n !== undefined ? { [size.param]: n } : {});
  let run: ListRun = { exchanges: sent };

  if (spec.kind === 'filter') {
    const { param, property, pattern } = spec.filter!;
    const sample = await get('sample', sizeQuery(largest));
    // a seeded record: one a test created may be changed or deleted by that test meanwhile
    const created = rt.createdIds();
    const withValue = itemsOf(spec, sample.body).filter((i): i is Record<string, unknown> => isScalarAt(i, property) && !created.has(String((i as Record<string, unknown>)[spec.list.idField])));
    const allowed = patternOf(pattern);
    const known = withValue.find((i) => !allowed || allowed.test(String(i[property])));
    if (!known && withValue.length > 0 && allowed) {
      return { ran: false, reason: `no listed ${property} matches the pattern of ?${param} (${pattern}): the parameter takes another syntax than the property's values (the config's "filters" can say what it is)` };
    }
    if (known) await readPages(spec, 'filtered', { [param]: known[property] as Scalar, ...sizeQuery(largest) }, get, largest);
    run = { exchanges: sent, ...(known ? { known } : {}) };
  } else if (spec.kind === 'page-size') {
    const atMax = await get('at-maximum', sizeQuery(size!.maximum));
    const n = itemsOf(spec, atMax.body).length;
    const below = Math.max(n - 1, size!.minimum ?? 1);
    if (n >= 2 && below < n) await get('below-count', sizeQuery(below));
  } else if (spec.kind === 'paging' && spec.paging!.kind === 'cursor') {
    const { param, cursorField } = spec.paging as { param: string; cursorField: string };
    let cursor: Scalar | undefined;
    for (let page = 0; page < spec.maxPages; page++) {
      const answer = await get('cursor', { ...sizeQuery(largest), ...(cursor !== undefined ? { [param]: cursor } : {}) });
      const next = answer.body && typeof answer.body === 'object' ? (answer.body as Record<string, unknown>)[cursorField] : undefined;
      if (typeof next !== 'string' || next === '' || !isSuccess(answer.status)) break;
      cursor = next;
    }
  } else if (spec.kind === 'paging') {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      if (attempt > 1) sent = [];
      const sample = await get('sample', sizeQuery(largest));
      const k = Math.floor(itemsOf(spec, sample.body).length / 2);
      if (k >= Math.max(1, size?.minimum ?? 1) && isSuccess(sample.status)) {
        const at = (page: 0 | 1, pageSize: number) => ({ ...sizeQuery(pageSize), ...pageQueryAt(spec, page, pageSize) });
        await get('double', at(0, 2 * k));
        await get('page-1', at(0, k));
        await get('page-2', at(1, k));
        await get('double-again', at(0, 2 * k));
      }
      run = { exchanges: sent };
      const verdict = judgeList(spec, run);
      if (verdict.verdict !== 'skip' || !verdict.reason.startsWith('the list changed')) break;
    }
  } else {
    await readPages(spec, 'children', sizeQuery(largest), get, largest);
    // more parents from the parent collection: a list that ignores its parent shows it under one with no children of its own
    for (const other of await otherParents(rt, spec, base)) {
      const under: RequestPlan = { ...base, params: { ...base.params, path: { ...base.params?.path, [spec.parent!.param]: { value: other } } } };
      await readPages(spec, 'children', sizeQuery(largest), (label, query) => getFrom(under, label, query), largest);
    }
  }
  run = { ...run, exchanges: sent };
  const verdict = judgeList(spec, run);
  if (verdict.verdict === 'skip') return { ran: false, reason: verdict.reason };
  const failures = [...(verdict.verdict === 'fail' ? verdict.failures : []), ...contractFailures];
  if (failures.length === 0) return { ran: true };
  throw new ListCheckFailure(describeListFailure(rt, spec, failures, sent), failures);
}

/** At most this many other parents are listed under (parent checks). */
const OTHER_PARENTS = 3;

/** Ids of the first few seeded parents other than the planned one, from the parent collection's list; none when it cannot be read. */
async function otherParents(rt: CaseRuntime, spec: ListCheckSpec, base: RequestPlan): Promise<Scalar[]> {
  const others = spec.parent?.others;
  if (!others) return [];
  const planned = base.params?.path?.[spec.parent!.param];
  const { result, text } = await send(rt, 'seeded', { operationId: '', method: 'get', path: others.path }, {});
  if (result.response.status < 200 || result.response.status > 299) return [];
  const body = parse(text);
  const records = others.listProperty !== undefined && body && typeof body === 'object' ? (body as Record<string, unknown>)[others.listProperty] : body;
  const created = rt.createdIds();
  const ids = (Array.isArray(records) ? records : [])
    .map((r) => (r && typeof r === 'object' ? (r as Record<string, unknown>)[others.field] : undefined))
    .filter((v): v is Scalar => (typeof v === 'string' || typeof v === 'number') && !created.has(String(v)) && !(planned && 'value' in planned && planned.value === v));
  return ids.slice(0, OTHER_PARENTS);
}

/** The list's own values (a parent id, a required query value) resolved once, so every request names the same parent. */
async function literalPlan(rt: CaseRuntime, plan: RequestPlan): Promise<RequestPlan> {
  const params: NonNullable<RequestPlan['params']> = {};
  for (const [loc, values] of Object.entries(plan.params ?? {}) as [keyof NonNullable<RequestPlan['params']>, Record<string, ValueSource> | undefined][]) {
    const out: Record<string, ValueSource> = Object.create(null) as Record<string, ValueSource>;
    for (const [name, source] of Object.entries(values ?? {})) out[name] = { value: (await resolveValue(rt, source, {}, name)) as Scalar };
    params[loc] = out;
  }
  return { operationId: plan.operationId, method: plan.method, path: plan.path, params };
}

function withQuery(plan: RequestPlan, query: Record<string, Scalar | undefined>): RequestPlan {
  const merged: Record<string, ValueSource> = { ...(plan.params?.query ?? {}) };
  for (const [k, v] of Object.entries(query)) if (v !== undefined) merged[k] = { value: v };
  return { ...plan, params: { ...plan.params, query: merged } };
}

/** Read page after page (offset or page number) while pages come back full, at most maxPages. */
async function readPages(spec: ListCheckSpec, label: 'filtered' | 'children', query: Record<string, Scalar>, get: (l: ListExchange['label'], q: Record<string, Scalar | undefined>) => Promise<SentExchange>, pageSize: number | undefined): Promise<void> {
  const pages = spec.paging && spec.paging.kind !== 'cursor' && pageSize !== undefined ? spec.maxPages : 1;
  for (let page = 0; page < pages; page++) {
    const answer = await get(label, { ...query, ...(page > 0 && pageSize !== undefined ? pageQueryAt(spec, page, pageSize) : {}) });
    if (!isSuccess(answer.status) || pageSize === undefined || itemsOf(spec, answer.body).length < pageSize) break;
  }
}

/** The query of page `page` (from 0) of this size: an offset, or a page number counted from the spec's first. */
function pageQueryAt(spec: ListCheckSpec, page: number, pageSize: number): Record<string, Scalar> {
  const paging = spec.paging;
  if (!paging || paging.kind === 'cursor') return {};
  return { [paging.param]: paging.kind === 'offset' ? page * pageSize : paging.first + page };
}

/** The parameter's pattern as a RegExp (JSON Schema patterns are ECMA-262, unanchored); none when it does not compile. */
function patternOf(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

function isScalarAt(item: unknown, property: string): boolean {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return false;
  const v = (item as Record<string, unknown>)[property];
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}

function describeListFailure(rt: CaseRuntime, spec: ListCheckSpec, failures: readonly (ListFailure | CheckFailure)[], sent: readonly SentExchange[]): string {
  const secrets = rt.secrets();
  const what = spec.filter?.param ?? spec.parent?.param ?? spec.paging?.param ?? spec.pageSize?.param ?? '';
  const lines = [`${rt.service} ${spec.check} on ${spec.list.method.toUpperCase()} ${spec.list.path} (${what}): ${[...new Set(failures.map((f) => f.check))].join(', ')}`];
  for (const f of failures) {
    lines.push(`  - [${f.check}] ${mask(f.message, secrets)}`);
    if ('items' in f) for (const item of f.items) lines.push(`      item: ${mask(show(item), secrets)}`);
  }
  const shown = new Set(failures.flatMap((f) => ('requests' in f ? f.requests : [])));
  lines.push('  requests:');
  sent.forEach((s, i) => {
    if (shown.size > 0 && !shown.has(s.label)) return;
    lines.push(`  ${i + 1}. ${s.label}: ${spec.list.method.toUpperCase()} ${spec.list.path} ${show(s.query)} -> ${s.status} (${itemsOf(spec, s.body).length} items)`);
    lines.push(`     body: ${mask(excerpt(s.bodyText, 300), secrets)}`);
    lines.push(`     reproduce: ${s.curl}`);
  });
  return lines.join('\n');
}
