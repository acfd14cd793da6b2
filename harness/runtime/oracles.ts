import type { ChainSpec, ChainStep, ComparedField, OracleName } from './chain-types';

/**
 * The chains' oracles: pure functions from the exchanges of one sequence to a verdict, each
 * failure named (`create-read-mismatch`...) like the response checks (checks.ts), so a report
 * counts them by name. The run time (run-chain.ts) sends the steps; the unit table
 * (oracles.test.ts) gives sequences and wants verdicts.
 */

/** One response of a chain, as the oracles see it. A list step that pages has one per page. */
export interface StepExchange {
  step: string;
  status: number;
  /** Parsed JSON body (undefined when empty or not JSON). */
  body: unknown;
  /** The body as sent, parsed (undefined when the request had none). */
  sent?: unknown;
}

export interface OracleFailure {
  check: OracleName;
  message: string;
}

export type ChainVerdict = { verdict: 'pass' } | { verdict: 'skip'; reason: string } | { verdict: 'fail'; failures: OracleFailure[] };

/** Judge one sequence: a setup step that did not make its record skips the chain; else every failure found. */
export function judgeChain(spec: ChainSpec, given: readonly StepExchange[]): ChainVerdict {
  const pointers = (spec.ignore ?? []).map((i) => i.pointer);
  const exchanges = given.map((e) => ({ ...e, body: withoutPointers(e.body, pointers), sent: withoutPointers(e.sent, pointers) }));
  for (const step of spec.steps.filter((s) => s.setup)) {
    const ex = exchanges.find((e) => e.step === step.name);
    if (!ex) return { verdict: 'skip', reason: `step "${step.name}" was not sent` };
    if (ex.status < 200 || ex.status > 299) return { verdict: 'skip', reason: `${step.name} (${step.method.toUpperCase()} ${step.path}) answered ${ex.status}, not 2xx: the chain has no record to work on` };
  }
  const failures: OracleFailure[] = [];
  for (const step of spec.steps.filter((s) => !s.setup)) {
    for (const ex of exchanges.filter((e) => e.step === step.name)) {
      if (!statusMatches(step.expect, ex.status)) failures.push({ check: spec.oracle, message: `${step.name} (${step.method.toUpperCase()} ${step.path}): expected ${step.expect}, got ${ex.status}` });
    }
  }
  failures.push(...ORACLES[spec.kind](spec, exchanges, failures.length > 0));
  return failures.length > 0 ? { verdict: 'fail', failures } : { verdict: 'pass' };
}

type Oracle = (spec: ChainSpec, exchanges: readonly StepExchange[], statusFailed: boolean) => OracleFailure[];

const ORACLES: Record<ChainSpec['kind'], Oracle> = {
  'create-read': (spec, ex, statusFailed) => {
    if (statusFailed) return [];
    const created = body(ex, 'create');
    const read = body(ex, 'read');
    return [...sameRecord(spec, created, read, 'read'), ...compareSent(spec, sent(ex, 'create'), read, 'read back')];
  },
  'create-list': (spec, ex) => missingFromList(spec, ex, 'list', 'list-missing-created'),
  'update-read': (spec, ex, statusFailed) => {
    if (statusFailed) return [];
    const update = spec.steps.find((s) => s.name === 'update');
    const before = body(ex, 'read');
    const after = body(ex, 'read-after');
    const sentUpdate = sent(ex, 'update');
    const out = compareSent(spec, sentUpdate, after, 'read after the update');
    if (update?.method === 'patch' && isObject(sentUpdate)) {
      // RFC 7396 merge patch, and every PATCH in practice: what is not sent stays as it was
      const unsent = spec.compare.filter((f) => !(f.name in sentUpdate));
      out.push(...compareFields(spec, unsent, before, after, (f, a, b) => `PATCH did not send /${f}, yet it changed from ${show(a)} to ${show(b)}`));
    }
    const answered = body(ex, 'update');
    if (isObject(answered) && isObject(after)) {
      const shared = Object.keys(answered).filter((k) => k in after).map((name) => ({ name }));
      out.push(...compareFields(spec, shared, answered, after, (f, a, b) => `the update answered /${f} = ${show(a)}, the read after it ${show(b)}`));
    }
    return out;
  },
  'read-twice': (spec, ex, statusFailed) => {
    if (statusFailed) return [];
    const first = body(ex, 'read');
    const again = body(ex, 'read-again');
    if (!isObject(first) || !isObject(again)) return equalJson(first, again) ? [] : [fail(spec, `two reads differ: ${show(first)} then ${show(again)}`)];
    const keys = [...new Set([...Object.keys(first), ...Object.keys(again)])].map((name) => ({ name }));
    return compareFields(spec, keys, first, again, (f, a, b) => `two reads of one record differ at /${f}: ${show(a)} then ${show(b)}`, true);
  },
  'delete-read': (spec, ex) => {
    const gone = spec.steps.some((s) => s.name === 'list') ? findCreated(spec, ex, 'list') : undefined;
    return gone ? [fail(spec, `the deleted record (${spec.idField} = ${show(createdId(spec, ex))}) is still listed by GET ${gone.path}`)] : [];
  },
  'nested-list': (spec, ex) => {
    const out = missingFromList(spec, ex, 'list', 'list-missing-created');
    const leak = findCreated(spec, ex, 'list-other');
    if (leak) out.push(fail(spec, `the child created under one parent is listed under another: GET ${leak.path} lists ${spec.idField} = ${show(createdId(spec, ex))}`));
    return out;
  },
};

function fail(spec: ChainSpec, message: string): OracleFailure {
  return { check: spec.oracle, message };
}

function statusMatches(expected: string, status: number): boolean {
  return /^[1-5]XX$/i.test(expected) ? String(status)[0] === expected[0] : String(status) === expected;
}

function body(ex: readonly StepExchange[], step: string): unknown {
  return ex.find((e) => e.step === step)?.body;
}

function sent(ex: readonly StepExchange[], step: string): unknown {
  return ex.find((e) => e.step === step)?.sent;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function createdId(spec: ChainSpec, ex: readonly StepExchange[]): unknown {
  const created = body(ex, 'create');
  return isObject(created) ? created[spec.idField] : undefined;
}

/** The read names the record the create made (a read that returns another record is a failure). */
function sameRecord(spec: ChainSpec, created: unknown, read: unknown, what: string): OracleFailure[] {
  if (!isObject(created) || !(spec.idField in created)) return [];
  const got = isObject(read) ? read[spec.idField] : undefined;
  return equalJson(created[spec.idField], got) ? [] : [fail(spec, `the ${what} returned another record: ${spec.idField} ${show(got)}, created ${show(created[spec.idField])}`)];
}

/** Every compared field that was sent comes back equal. */
function compareSent(spec: ChainSpec, sentBody: unknown, got: unknown, what: string): OracleFailure[] {
  if (!isObject(sentBody)) return [];
  const fields = spec.compare.filter((f) => f.name in sentBody);
  return compareFields(spec, fields, sentBody, got, (f, a, b) => `/${f}: sent ${show(a)}, ${what} ${show(b)}`);
}

function compareFields(
  spec: ChainSpec,
  fields: readonly ComparedField[],
  a: unknown,
  b: unknown,
  describe: (field: string, a: unknown, b: unknown) => string,
  strict = false,
): OracleFailure[] {
  if (!isObject(a)) return [];
  const other = isObject(b) ? b : {};
  const hints = new Map(spec.compare.map((f) => [f.name, f]));
  return fields
    .filter((f) => !sameValue(a[f.name], other[f.name], strict ? { name: f.name } : (hints.get(f.name) ?? f)))
    .map((f) => fail(spec, describe(f.name, a[f.name], other[f.name])));
}

/**
 * Equal as the spec declares the field: a `date-time` or `date` as the instant it names (a server
 * may answer `Z` for `+00:00`, or add milliseconds), an `email` without case (RFC 5321 domains), a
 * number within half its `multipleOf` (the server may round), else as JSON.
 */
export function sameValue(sentValue: unknown, got: unknown, field: ComparedField): boolean {
  if (equalJson(sentValue, got)) return true;
  if (typeof sentValue === 'string' && typeof got === 'string') {
    if (field.format === 'date-time' || field.format === 'date') {
      const a = Date.parse(sentValue);
      return !Number.isNaN(a) && a === Date.parse(got);
    }
    if (field.format === 'email') return sentValue.toLowerCase() === got.toLowerCase();
  }
  if (typeof sentValue === 'number' && typeof got === 'number') {
    const tolerance = field.multipleOf !== undefined ? field.multipleOf / 2 : 0;
    return Math.abs(sentValue - got) <= tolerance + 1e-9 * Math.max(1, Math.abs(sentValue));
  }
  return false;
}

function missingFromList(spec: ChainSpec, ex: readonly StepExchange[], step: string, check: OracleName): OracleFailure[] {
  const listStep = spec.steps.find((s) => s.name === step);
  const pages = ex.filter((e) => e.step === step);
  if (!listStep || pages.length === 0 || pages.some((p) => !statusMatches(listStep.expect, p.status))) return [];
  if (findCreated(spec, ex, step)) return [];
  const count = pages.reduce((n, p) => n + recordsOf(listStep, p.body).length, 0);
  return [{ check, message: `the created record (${spec.idField} = ${show(createdId(spec, ex))}) is not listed by GET ${listStep.path} (${pages.length} page(s), ${count} record(s))` }];
}

function findCreated(spec: ChainSpec, ex: readonly StepExchange[], step: string): ChainStep | undefined {
  const listStep = spec.steps.find((s) => s.name === step);
  const id = createdId(spec, ex);
  if (!listStep?.list || id === undefined) return undefined;
  const field = listStep.list.field;
  const found = ex.filter((e) => e.step === step).some((p) => recordsOf(listStep, p.body).some((r) => isObject(r) && equalJson(r[field], id)));
  return found ? listStep : undefined;
}

/** The records of one page: the body, or its wrapping property. */
export function recordsOf(step: ChainStep, pageBody: unknown): unknown[] {
  const list = step.list?.listProperty !== undefined && isObject(pageBody) ? pageBody[step.list.listProperty] : pageBody;
  return Array.isArray(list) ? list : [];
}

/**
 * A copy without the fields the config says to ignore (`/updated_at`, `/meta/etag`: RFC 6901
 * pointers into a record; `~1` is `/`, `~0` is `~`). Own properties only.
 */
export function withoutPointers(value: unknown, pointers: readonly string[]): unknown {
  if (pointers.length === 0 || !isObject(value)) return value;
  const copy = structuredClone(value);
  for (const pointer of pointers) {
    const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node: unknown = copy;
    for (const seg of segments.slice(0, -1)) node = isObject(node) && Object.prototype.hasOwnProperty.call(node, seg) ? node[seg] : undefined;
    const last = segments.at(-1);
    if (last !== undefined && isObject(node) && Object.prototype.hasOwnProperty.call(node, last)) delete node[last];
  }
  return copy;
}

function equalJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** JSON with object keys sorted: equal values give equal text whatever the key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return v === undefined ? 'undefined' : JSON.stringify(v);
}

function show(v: unknown): string {
  const text = v === undefined ? '(absent)' : JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 120)}...` : text;
}
