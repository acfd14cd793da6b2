import { describeOrigin } from '../config-types';
import { buildChains } from './build-chains';
import { buildLists } from './build-lists';
import type { CoverageOperation, CoverageReport, CoverageStatus, CoverageTotals, Manifest, RecordedCall, RecordedSkip } from './report-types';

/**
 * The coverage join (contract 6): every manifest operation x documented status, with the calls
 * recorded for it (contract 4), plus statuses observed but not documented, flagged
 * `documented: false`. A call is matched to its operation by service + operationId, falling back
 * to service + method + path template; its status to the exact documented code, else to a
 * documented range ("4XX"), else to "default" (OpenAPI 3.1 §4.8.16.2), else it is undocumented.
 */

export interface CoverageResult {
  report: CoverageReport;
  /** Calls that match no manifest operation (a hand-written test of an undocumented route, a stale manifest). */
  unmatchedCalls: RecordedCall[];
}

const opKey = (service: string, operationId: string): string => `${service}\u0000${operationId}`;
const routeKey = (service: string, method: string, path: string): string => `${service}\u0000${method.toUpperCase()}\u0000${path}`;

/** The documented response key a status falls under, if any. */
export function matchDocumentedStatus(status: number, documented: readonly string[]): string | undefined {
  const exact = String(status);
  if (documented.includes(exact)) return exact;
  const range = `${exact[0] ?? ''}XX`;
  const rangeKey = documented.find((d) => d.toUpperCase() === range);
  if (rangeKey) return rangeKey;
  return documented.includes('default') ? 'default' : undefined;
}

interface Tally {
  calls: number;
  tests: Set<string>;
  /** The faults active during its calls (RecordedCall.fault), and how many calls had none. */
  faults: Set<string>;
  healthyCalls: number;
}

/** Response keys in reading order: 200 < 204 < 2XX < 404 < 4XX < 500 < default. */
export function compareStatuses(a: string, b: string): number {
  const rank = (s: string): number => {
    if (/^\d{3}$/.test(s)) return Number(s);
    if (/^\dXX$/i.test(s)) return Number(s[0]) * 100 + 99.5;
    return 1_000;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

function buildOperation(service: string, op: Manifest['operations'][number], tallies: Map<string, Tally>, runtimeSkips: ReadonlyMap<string, string>): CoverageOperation {
  const entry = (status: string, documented: boolean): CoverageStatus => {
    const tally = tallies.get(status);
    const cases = op.cases.filter((c) => c.status === status);
    const skipped = cases.flatMap((c) => {
      if (c.skipped) return [c.skipped];
      const atRunTime = runtimeSkips.get(`${service}\u0000${c.name}`);
      return atRunTime === undefined ? [] : [`run time: ${atRunTime}`];
    });
    const expectedBy = cases.flatMap((c) => (c.override && !c.skipped ? [describeOrigin(c.override)] : []));
    const out: CoverageStatus = { status, documented, tested: (tally?.calls ?? 0) > 0, calls: tally?.calls ?? 0, tests: [...(tally?.tests ?? [])].sort() };
    if (skipped.length > 0) out.skipped = [...new Set(skipped)];
    if (expectedBy.length > 0) out.expectedBy = [...new Set(expectedBy)];
    if (tally && tally.faults.size > 0) {
      out.faults = [...tally.faults].sort();
      if (tally.healthyCalls === 0) out.onlyUnderFault = true;
    }
    return out;
  };
  const statuses = op.statuses.map((status) => entry(status, true));
  // statuses a config entry expects but the spec does not document, and those observed anyway
  const expected = op.cases.filter((c) => c.override && !c.skipped).map((c) => c.status);
  const undocumented = [...new Set([...tallies.keys(), ...expected])].filter((s) => !op.statuses.includes(s)).sort(compareStatuses);
  for (const status of undocumented) statuses.push(entry(status, false));
  return { service, operationId: op.operationId, method: op.method.toUpperCase(), path: op.path, statuses };
}

/**
 * Join manifests with recorded calls (and the cases skipped at run time). Services in the given
 * order, operations in manifest order.
 */
export function buildCoverage(manifests: readonly Manifest[], calls: readonly RecordedCall[], skips: readonly RecordedSkip[] = []): CoverageResult {
  const runtimeSkips = new Map(skips.map((s) => [`${s.service}\u0000${s.testName}`, s.reason]));
  const byId = new Map<string, Manifest['operations'][number]>();
  const byRoute = new Map<string, Manifest['operations'][number]>();
  for (const m of manifests) {
    for (const op of m.operations) {
      byId.set(opKey(m.service, op.operationId), op);
      byRoute.set(routeKey(m.service, op.method, op.path), op);
    }
  }
  // operation -> documented status key (or the raw code when undocumented) -> tally
  const tallies = new Map<Manifest['operations'][number], Map<string, Tally>>();
  const unmatchedCalls: RecordedCall[] = [];
  for (const call of calls) {
    if (call.status === 0) continue; // no response: a transport failure, not a status of the API
    const op = byId.get(opKey(call.service, call.operationId)) ?? byRoute.get(routeKey(call.service, call.method, call.path));
    if (!op) {
      unmatchedCalls.push(call);
      continue;
    }
    const key = matchDocumentedStatus(call.status, op.statuses) ?? String(call.status);
    let perOp = tallies.get(op);
    if (!perOp) tallies.set(op, (perOp = new Map()));
    let tally = perOp.get(key);
    if (!tally) perOp.set(key, (tally = { calls: 0, tests: new Set(), faults: new Set(), healthyCalls: 0 }));
    tally.calls += 1;
    if (call.fault) tally.faults.add(call.fault);
    else tally.healthyCalls += 1;
    if (call.testFile) tally.tests.add(call.testFile);
  }
  const operations = manifests.flatMap((m) => m.operations.map((op) => buildOperation(m.service, op, tallies.get(op) ?? new Map(), runtimeSkips)));
  const chains = buildChains(manifests, calls, skips);
  const lists = buildLists(manifests, calls, skips);
  return { report: { version: 1, operations, ...(chains ? { chains } : {}), ...(lists ? { lists } : {}) }, unmatchedCalls };
}

export function summarizeCoverage(operations: readonly CoverageOperation[]): CoverageTotals {
  const totals: CoverageTotals = { operations: 0, operationsCovered: 0, documentedStatuses: 0, documentedStatusesTested: 0, undocumentedObserved: 0 };
  for (const op of operations) {
    totals.operations += 1;
    const documented = op.statuses.filter((s) => s.documented);
    totals.documentedStatuses += documented.length;
    totals.documentedStatusesTested += documented.filter((s) => s.tested).length;
    totals.undocumentedObserved += op.statuses.filter((s) => !s.documented && s.tested).length;
    if (documented.some((s) => s.tested)) totals.operationsCovered += 1;
  }
  return totals;
}

/** Operations grouped by service, services in first-seen order. */
export function groupByService(operations: readonly CoverageOperation[]): Map<string, CoverageOperation[]> {
  const groups = new Map<string, CoverageOperation[]>();
  for (const op of operations) {
    const list = groups.get(op.service) ?? [];
    list.push(op);
    groups.set(op.service, list);
  }
  return groups;
}
