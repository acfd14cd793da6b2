import type { Expectation } from '../../harness/config-types';
import type { OperationIr } from '../ir/types';

/** Where a changed expectation comes from: the config entry (file#pointer) and its stated reason. */
export interface ExpectationOrigin {
  by: string;
  reason?: string;
}

export type ExpectedKind = 'ok' | 'not-found' | 'invalid';

/** The config's word on one operation, merged from `"*"` and its own entry (field by field). */
export interface OperationExpectation {
  skip?: ExpectationOrigin & { reason: string };
  status: Partial<Record<ExpectedKind, { status: string } & ExpectationOrigin>>;
}

/** A service's `expect` entries and the file#pointer they sit at (`harness.config.json#/services/0/expect`). */
export interface ConfigExpectations {
  entries: Readonly<Record<string, Expectation>>;
  origin: string;
}

const KINDS: readonly ExpectedKind[] = ['ok', 'not-found', 'invalid'];

const pointerSegment = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

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
    const at = `${config.origin}/${pointerSegment(key)}`;
    const reason = entry.reason !== undefined ? { reason: entry.reason } : {};
    if (entry.skip !== undefined) out.skip = { by: `${at}/skip`, reason: entry.skip };
    for (const kind of KINDS) {
      const status = entry[kind];
      if (status !== undefined) out.status[kind] = { status, by: `${at}/${kind}`, ...reason };
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

/** How a skip or a changed status reads in a test name's reason and in the report. */
export function describeOrigin(origin: ExpectationOrigin): string {
  return origin.reason ? `config ${origin.by}: ${origin.reason}` : `config ${origin.by}`;
}
