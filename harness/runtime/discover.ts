import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BaselineCase, RequestPlan, ValueSource } from './case-types';

/**
 * Values discovered from the seeded instance's lists (a path id for a read-only case). The
 * suites' global setup resolves every discover source of every service once, before any test
 * file loads, into `$HARNESS_CALLS_DIR/discovered.json`: a case whose value cannot be found is
 * then declared skipped, with the reason, instead of failing. Without that file (a run that
 * bypassed the global setup) the run time discovers lazily and a missing value fails the case.
 */

export type DiscoverSpec = Extract<ValueSource, { discover: unknown }>['discover'];
/** What discovery found for one source: a value, or why there is none. */
export type Discovered = { value: unknown } | { reason: string };
/** By service, then by `discoverKey`. */
export type DiscoveredFile = Record<string, Record<string, Discovered>>;

export const DISCOVERED_FILE = 'discovered.json';

/** A stable key for a discover source, whatever the order its fields were written in. */
export function discoverKey(spec: DiscoverSpec): string {
  return JSON.stringify(spec, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : value,
  );
}

/** A discover source a case needs, and what it fills: a parameter name, or a body field. */
export interface NeededValue {
  what: string;
  spec: DiscoverSpec;
}

/** Every discover source a request plan needs at its top level (nested parents are resolved with them). */
function sourcesOfPlan(plan: RequestPlan | undefined, out: NeededValue[]): void {
  if (!plan) return;
  for (const values of Object.values(plan.params ?? {})) {
    for (const [what, source] of Object.entries(values ?? {})) if ('discover' in source) out.push({ what, spec: source.discover });
  }
  for (const fill of plan.body?.fill ?? []) if ('discover' in fill.source) out.push({ what: fill.pointer.split('/').pop() ?? fill.pointer, spec: fill.source.discover });
}

export function discoverSourcesOf(c: BaselineCase): NeededValue[] {
  const out: NeededValue[] = [];
  sourcesOfPlan(c.create, out);
  sourcesOfPlan(c, out);
  return out;
}

/** What a user reads when a value is missing: which one, why, and the binding that would supply it. */
export function missingValue(what: string, why: string): string {
  return why.startsWith('no value for ') ? why : `no value for ${what}: ${why}; seed a record or set bindings.${what} in the harness config`;
}

/** The records of a list response: the array itself, or the array under `listProperty` of a wrapped list. */
export function listItems(body: unknown, listProperty: string | undefined): unknown[] | undefined {
  if (listProperty === undefined) return Array.isArray(body) ? body : undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const inner = Object.prototype.hasOwnProperty.call(body, listProperty) ? (body as Record<string, unknown>)[listProperty] : undefined;
  return Array.isArray(inner) ? inner : undefined;
}

export type ListFetcher = (path: string, pathValues: Record<string, unknown>) => Promise<{ status: number; text: string }>;

/**
 * Resolve one discover source: its parents first, then `GET path` and the first record's field
 * (skipping records in `exclude`: ones the tests created). Never throws: a failure is a reason,
 * which names the value and its binding when `what` is given (a parent's always is).
 */
export async function discover(spec: DiscoverSpec, fetchList: ListFetcher, exclude: ReadonlySet<string> = new Set(), what?: string): Promise<Discovered> {
  const fail = (why: string): Discovered => ({ reason: what === undefined ? why : missingValue(what, why) });
  const pathValues: Record<string, unknown> = {};
  for (const [name, parent] of Object.entries(spec.params ?? {})) {
    if ('value' in parent) pathValues[name] = parent.value;
    else if ('discover' in parent) {
      const up = await discover(parent.discover, fetchList, exclude, name);
      if ('reason' in up) return up;
      pathValues[name] = up.value;
    } else return fail(`"${name}" of ${spec.path} would come from a created record, which discovery has none of`);
  }
  let status: number;
  let text: string;
  try {
    ({ status, text } = await fetchList(spec.path, pathValues));
  } catch (err) {
    return fail(`GET ${spec.path} failed (${(err as Error).message})`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const items = listItems(body, spec.listProperty);
  const records = (items ?? []).filter((i): i is Record<string, unknown> => !!i && typeof i === 'object' && !Array.isArray(i));
  const first = records.find((r) => !exclude.has(String(r[spec.field]))) ?? records[0];
  const value = first?.[spec.field];
  if (value !== undefined && value !== null) return { value };
  const listed = spec.listProperty ? `${spec.path} (under "${spec.listProperty}")` : spec.path;
  const found = items === undefined ? `answered ${status}, not a list` : records.length === 0 ? `listed no record` : `listed records without "${spec.field}"`;
  return fail(`GET ${listed} on the seeded instance ${found}`);
}

let cache: { file: string; data: DiscoveredFile } | undefined;

/** The global setup's discoveries, when it made them (`$HARNESS_CALLS_DIR/discovered.json`). */
export function readDiscovered(env: NodeJS.ProcessEnv = process.env): DiscoveredFile | undefined {
  const dir = env.HARNESS_CALLS_DIR;
  if (!dir) return undefined;
  const file = join(dir, DISCOVERED_FILE);
  if (cache?.file === file) return cache.data;
  if (!existsSync(file)) return undefined;
  cache = { file, data: JSON.parse(readFileSync(file, 'utf8')) as DiscoveredFile };
  return cache.data;
}

/** Why a case cannot run, from the global setup's discoveries; undefined when it can (or nobody looked). */
export function unavailableReason(service: string, c: BaselineCase, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const found = readDiscovered(env)?.[service];
  if (!found) return undefined;
  for (const { what, spec } of discoverSourcesOf(c)) {
    const entry = found[discoverKey(spec)];
    if (entry && 'reason' in entry) return missingValue(what, entry.reason);
  }
  return undefined;
}
