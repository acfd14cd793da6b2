import { escapeMdText, formatMdCode } from './render-coverage-md';
import type { RecordedCall } from './report-types';

/**
 * The latency profile, as the profiler of seed 001: wall-clock time per API call, p50/p95/p99
 * per operation and overall, operations over the slow threshold (500 ms by default) flagged.
 * Percentiles are nearest-rank (the smallest value with at least p% of samples at or below it),
 * so every reported number is a duration that was measured. An operation is slow when its p95
 * exceeds the threshold: one cold first call does not flag it, a slow habit does.
 */

export const DEFAULT_SLOW_MS = 500;

export interface LatencyStats {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface OperationLatency extends LatencyStats {
  service: string;
  operationId: string;
  method: string;
  path: string;
  slow: boolean;
}

export interface LatencyProfile {
  version: 1;
  slowThresholdMs: number;
  overall: LatencyStats;
  operations: OperationLatency[];
}

/** Nearest-rank percentile of ascending-sorted values; 0 for no values. */
export function computePercentile(sortedAsc: readonly number[], p: number): number {
  if (sortedAsc.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sortedAsc.length));
  return sortedAsc[Math.min(rank, sortedAsc.length) - 1] as number;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

export function computeStats(durations: readonly number[]): LatencyStats {
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round(computePercentile(sorted, 50)),
    p95: round(computePercentile(sorted, 95)),
    p99: round(computePercentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? 0),
  };
}

/** Profile the calls that got a response; operations sorted by service, path, method. */
export function buildLatencyProfile(calls: readonly RecordedCall[], slowThresholdMs = DEFAULT_SLOW_MS): LatencyProfile {
  const answered = calls.filter((c) => c.status !== 0);
  const groups = new Map<string, { call: RecordedCall; durations: number[] }>();
  for (const call of answered) {
    const key = `${call.service}\u0000${call.operationId}\u0000${call.method}\u0000${call.path}`;
    const group = groups.get(key) ?? { call, durations: [] };
    group.durations.push(call.durationMs);
    groups.set(key, group);
  }
  const operations = [...groups.values()]
    .map(({ call, durations }): OperationLatency => {
      const stats = computeStats(durations);
      return { service: call.service, operationId: call.operationId, method: call.method, path: call.path, ...stats, slow: stats.p95 > slowThresholdMs };
    })
    .sort((a, b) => a.service.localeCompare(b.service) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  return { version: 1, slowThresholdMs, overall: computeStats(answered.map((c) => c.durationMs)), operations };
}

/** latency.md: overall line, slow operations, then every operation slowest first (p95). */
export function renderLatencyMd(profile: LatencyProfile, maxRows = 100): string {
  const o = profile.overall;
  const slow = profile.operations.filter((op) => op.slow);
  const lines = [
    '## Latency profile',
    '',
    `${o.count} calls · p50 **${o.p50} ms** · p95 **${o.p95} ms** · p99 **${o.p99} ms** · max ${o.max} ms · ${slow.length} slow operations (p95 over ${profile.slowThresholdMs} ms)`,
    '',
  ];
  const bySlowest = [...profile.operations].sort((a, b) => b.p95 - a.p95 || b.max - a.max);
  if (bySlowest.length > 0) {
    lines.push('| operation | route | calls | p50 ms | p95 ms | p99 ms | max ms | |', '|---|---|---|---|---|---|---|---|');
    for (const op of bySlowest.slice(0, maxRows)) {
      lines.push(
        `| ${escapeMdText(op.service)} ${formatMdCode(op.operationId)} | ${op.method} ${formatMdCode(op.path)} | ${op.count} | ${op.p50} | ${op.p95} | ${op.p99} | ${op.max} | ${op.slow ? '**slow**' : ''} |`,
      );
    }
    if (bySlowest.length > maxRows) lines.push(`| … ${bySlowest.length - maxRows} more in latency.json | | | | | | | |`);
  }
  return `${lines.join('\n')}\n`;
}
