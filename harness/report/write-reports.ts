import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../config-types';
import { buildCoverage, summarizeCoverage } from './build-coverage';
import { buildLatencyProfile, DEFAULT_SLOW_MS, renderLatencyMd, type LatencyStats, type OperationLatency } from './build-latency';
import { readManifests, readRecordedCalls, readRuntimeSkips } from './read-inputs';
import { renderCoverageHtml } from './render-coverage-html';
import { renderCoverageMd } from './render-coverage-md';
import type { CoverageTotals, Manifest, RecordedCall, RecordedSkip } from './report-types';

/** Everything the reports stage writes into `reportsDir` (junit.xml is jest-junit's). */
export const REPORT_FILES = ['coverage.json', 'coverage.md', 'coverage.html', 'latency.json', 'latency.md'] as const;

export interface WriteReportsOptions {
  config: Pick<ResolvedConfig, 'outDir' | 'reportsDir' | 'services'>;
  callsDir: string;
  slowThresholdMs?: number;
}

export interface ReportsSummary {
  reportsDir: string;
  coverage: CoverageTotals;
  latency: LatencyStats;
  slowOperations: number;
  /** The five operations with the highest p95, slowest first. */
  slowest: OperationLatency[];
  calls: number;
  unmatchedCalls: number;
  malformedLines: number;
  /** Services of the config with no manifest (not generated): absent from coverage. */
  missingManifests: string[];
  /** Generated cases declared skipped at run time (no value to discover). */
  runtimeSkips: number;
  coverageMd: string;
}

/** Join the recorded calls with the manifests and write every report. */
export function writeReports(options: WriteReportsOptions): ReportsSummary {
  const { config, callsDir } = options;
  const { manifests, missing } = readManifests(config.outDir, config.services.map((s) => s.name));
  const { calls, malformedLines } = readRecordedCalls(callsDir);
  const skips = readRuntimeSkips(callsDir);
  return writeReportsFrom({ reportsDir: config.reportsDir, manifests, missingManifests: missing, calls, malformedLines, skips, ...(options.slowThresholdMs ? { slowThresholdMs: options.slowThresholdMs } : {}) });
}

/** What the reports are made of, however it was gathered: one run's folders, or shards' fragments (merge). */
export interface ReportInputs {
  reportsDir: string;
  manifests: Manifest[];
  missingManifests: string[];
  calls: RecordedCall[];
  malformedLines: number;
  skips: RecordedSkip[];
  slowThresholdMs?: number;
}

export function writeReportsFrom(inputs: ReportInputs): ReportsSummary {
  const { reportsDir, manifests, calls, skips } = inputs;
  const slowThresholdMs = inputs.slowThresholdMs ?? (Number(process.env.HARNESS_SLOW_MS) || DEFAULT_SLOW_MS);
  const { report, unmatchedCalls } = buildCoverage(manifests, calls, skips);
  const latency = buildLatencyProfile(calls, slowThresholdMs);
  const coverageMd = renderCoverageMd(report);
  mkdirSync(reportsDir, { recursive: true });
  const write = (name: (typeof REPORT_FILES)[number], text: string): void => writeFileSync(join(reportsDir, name), text);
  write('coverage.json', `${JSON.stringify(report, null, 2)}\n`);
  write('coverage.md', coverageMd);
  write('coverage.html', renderCoverageHtml(report));
  write('latency.json', `${JSON.stringify(latency, null, 2)}\n`);
  write('latency.md', renderLatencyMd(latency));
  return {
    reportsDir,
    coverage: summarizeCoverage(report.operations),
    latency: latency.overall,
    slowOperations: latency.operations.filter((o) => o.slow).length,
    slowest: [...latency.operations].sort((a, b) => b.p95 - a.p95).slice(0, 5),
    calls: calls.length,
    unmatchedCalls: unmatchedCalls.length,
    malformedLines: inputs.malformedLines,
    missingManifests: inputs.missingManifests,
    runtimeSkips: skips.length,
    coverageMd,
  };
}

/** The profiler's closing table (seed 001), in one line per operation. */
export function formatSlowestLines(s: ReportsSummary): string[] {
  const l = s.latency;
  return [
    `latency over ${l.count} calls: p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms; slowest by p95:`,
    ...s.slowest.map((o) => `  ${o.slow ? 'SLOW ' : ''}${o.service} ${o.method} ${o.path} (${o.operationId}): p50 ${o.p50} ms, p95 ${o.p95} ms, p99 ${o.p99} ms, ${o.count} calls`),
  ];
}

/** One line for logs: what the reports say. */
export function formatReportsLine(s: ReportsSummary): string {
  const c = s.coverage;
  const extra = [
    s.unmatchedCalls ? `${s.unmatchedCalls} calls matched no manifest operation` : '',
    s.malformedLines ? `${s.malformedLines} malformed call lines` : '',
    s.missingManifests.length ? `no manifest for ${s.missingManifests.join(', ')}` : '',
    s.runtimeSkips ? `${s.runtimeSkips} cases skipped at run time, reasons in coverage.md` : '',
  ].filter(Boolean);
  return (
    `operations covered ${c.operationsCovered}/${c.operations}, statuses covered ${c.documentedStatusesTested}/${c.documentedStatuses}` +
    `, ${c.undocumentedObserved} undocumented observed; ${s.calls} calls, p95 ${s.latency.p95} ms, ${s.slowOperations} slow` +
    (extra.length ? ` (${extra.join('; ')})` : '')
  );
}
