import { describeOrigin, type Expectation, type ExpectationOrigin } from '../../harness/config-types';
import type { OperationIr } from '../ir/types';

export { describeOrigin, type ExpectationOrigin } from '../../harness/config-types';

export type ExpectedKind = 'ok' | 'not-found' | 'invalid';

/** The config's word on one operation, merged from `"*"` and its own entry (field by field). */
export interface OperationExpectation {
  skip?: ExpectationOrigin & { reason: string };
  /** `"empty-list": "skip"`: even an empty database fills this list (roles, built-in settings). */
  skipEmptyList?: ExpectationOrigin & { reason: string };
  status: Partial<Record<ExpectedKind, { status: string } & ExpectationOrigin>>;
  /** Response fields the chains leave out of their comparisons, each with the entry that says so. */
  ignore?: { pointer: string; by: string }[];
  /** List query parameters the config reads otherwise than their names say: not a filter, or a filter of another property. */
  filters?: Record<string, ListParameterOverride>;
}

/** `"filters": { "q": "search" }`: q is not a filter; `{ "status": { "of": "state" } }`: it filters `state`. */
export interface ListParameterOverride {
  /** Set: a filter of this property. Absent: not a filter; `meaning` says what it is. */
  of?: string;
  meaning?: string;
  by: string;
  reason: string;
}

/** A service's `expect` entries and where they sit (`harness.config.json services[0].expect`). */
export interface ConfigExpectations {
  entries: Readonly<Record<string, Expectation>>;
  origin: string;
}

const KINDS: readonly ExpectedKind[] = ['ok', 'not-found', 'invalid'];

/** The keys an operation answers to, most specific last: `*`, its operationId, `METHOD /path`. */
function keysOf(op: OperationIr): string[] {
  return ['*', op.operationId, `${op.method.toUpperCase()} ${op.path}`];
}

export function expectationFor(config: ConfigExpectations | undefined, op: OperationIr): OperationExpectation | undefined {
  if (!config) return undefined;
  const out: OperationExpectation = { status: {} };
  let any = false;
  for (const key of keysOf(op)) {
    const entry = Object.prototype.hasOwnProperty.call(config.entries, key) ? config.entries[key] : undefined;
    if (!entry) continue;
    any = true;
    // a path a reader can follow, keys quoted as in the file (a JSON pointer would spell `/` as ~1)
    const at = `${config.origin}[${JSON.stringify(key)}]`;
    const field = (name: string) => (/^[a-z]+$/.test(name) ? `${at}.${name}` : `${at}[${JSON.stringify(name)}]`);
    const reason = entry.reason !== undefined ? { reason: entry.reason } : {};
    if (entry.skip !== undefined) out.skip = { by: field('skip'), reason: entry.skip };
    // the schema requires a reason beside it
    if (entry['empty-list'] === 'skip') out.skipEmptyList = { by: field('empty-list'), reason: entry.reason ?? 'no reason given' };
    if (entry.ignore !== undefined) {
      const by = describeOrigin({ by: field('ignore'), ...reason });
      out.ignore = [...(out.ignore ?? []).filter((i) => !entry.ignore!.includes(i.pointer)), ...entry.ignore.map((pointer) => ({ pointer, by }))];
    }
    if (entry.filters !== undefined) {
      out.filters = { ...(out.filters ?? {}) };
      for (const [param, value] of Object.entries(entry.filters)) {
        const meaning = typeof value === 'string' ? { meaning: value } : { of: value.of };
        Object.defineProperty(out.filters, param, { value: { ...meaning, by: `${field('filters')}[${JSON.stringify(param)}]`, reason: entry.reason ?? 'no reason given' }, enumerable: true, writable: true, configurable: true });
      }
    }
    for (const kind of KINDS) {
      const status = entry[kind];
      if (status !== undefined) out.status[kind] = { status, by: field(kind), ...reason };
    }
  }
  return any ? out : undefined;
}

/** Entries that name no operation of the spec (a typo, or an operation since removed). */
export function unmatchedExpectations(config: ConfigExpectations | undefined, operations: readonly OperationIr[]): string[] {
  if (!config) return [];
  const known = new Set(operations.flatMap(keysOf));
  return Object.keys(config.entries).filter((k) => !known.has(k));
}
