import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestSummary } from '../jest/coverage-reporter';
import { writeReportsFrom, type ReportsSummary } from '../report/write-reports';
import { escapeHtml } from '../report/render-coverage-html';
import { formatShard, readFragment, type Fragment, type FragmentMeta } from './fragment';
import { mergeJunit, type JunitInput } from './merge-junit';

/**
 * `merge`: the shards' fragments joined into the reports one unsharded run writes (coverage.json,
 * .md, .html, latency, junit.xml, test-summary.json) plus shards.json (each shard's verdict and
 * stage times). It refuses, before writing anything, fragments that do not make one whole run:
 * a shard missing or given twice, shard counts that differ, or fragments made from different
 * specs or generated files (their digests, see inputs-digest.ts).
 */

/** Fragments that are not one run's shards. Exit 2, nothing written. */
export class MergeRefused extends Error {
  override name = 'MergeRefused';
}

const list = (items: readonly string[]): string => items.join(', ');

/** Throw MergeRefused naming the first problem that keeps these fragments from being one run. */
export function checkFragments(fragments: readonly Fragment[]): void {
  const [first] = fragments;
  if (!first) throw new MergeRefused('no fragments given');
  const counts = new Set(fragments.map((f) => f.meta.shard.count));
  if (counts.size > 1) {
    throw new MergeRefused(`fragments disagree on the number of shards: ${list(fragments.map((f) => `${f.dir} is shard ${formatShard(f.meta.shard)}`))}`);
  }
  const count = first.meta.shard.count;
  const byIndex = new Map<number, Fragment>();
  for (const f of fragments) {
    const seen = byIndex.get(f.meta.shard.index);
    if (seen) throw new MergeRefused(`shard ${formatShard(f.meta.shard)} is given twice: ${seen.dir} and ${f.dir}`);
    byIndex.set(f.meta.shard.index, f);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    const given = [...byIndex.values()].sort((a, b) => a.meta.shard.index - b.meta.shard.index).map((f) => `${formatShard(f.meta.shard)} from ${f.dir}`);
    throw new MergeRefused(
      `shard ${list(missing.map((i) => `${i}/${count}`))} ${missing.length > 1 ? 'are' : 'is'} missing (given: ${list(given)}): its job ended before writing a fragment, or its artifact was not downloaded`,
    );
  }
  for (const f of fragments) {
    const problem = compareInputs(first, f);
    if (problem) throw new MergeRefused(problem);
  }
}

function compareInputs(a: Fragment, b: Fragment): string | undefined {
  const names = (f: Fragment): string => list(f.meta.inputs.map((d) => d.service));
  if (names(a) !== names(b)) return `fragments ran different services: ${a.dir} ran ${names(a)}, ${b.dir} ran ${names(b)}`;
  for (const [i, da] of a.meta.inputs.entries()) {
    const db = b.meta.inputs[i];
    if (!db) continue;
    if (da.spec !== db.spec) return `fragments were made from different specs: service "${da.service}"'s spec differs between ${a.dir} and ${b.dir} (run every shard on one commit)`;
    if (da.generated !== db.generated) {
      return `fragments were made from different generated files: service "${da.service}"'s generated folder differs between ${a.dir} and ${b.dir} (regenerate, or run every shard on one commit)`;
    }
  }
  return undefined;
}

export interface MergeOptions {
  fragmentDirs: string[];
  reportsDir: string;
  /** Fail when fewer documented statuses than this percent are tested, over the merged run. */
  minStatusesPercent?: number;
}

export interface MergeResult {
  passed: boolean;
  /** Why the merged run failed: shards that failed, a threshold missed. */
  failures: string[];
  shards: FragmentMeta[];
  tests: TestSummary;
  reports: ReportsSummary;
}

function sumTests(metas: readonly FragmentMeta[]): TestSummary {
  const total: TestSummary = { passed: 0, failed: 0, skipped: 0, total: 0, failedFiles: 0, success: true };
  for (const m of metas) {
    if (!m.tests) {
      total.success = false;
      continue;
    }
    for (const k of ['passed', 'failed', 'skipped', 'total', 'failedFiles'] as const) total[k] += m.tests[k];
    total.success &&= m.tests.success;
  }
  return total;
}

/** The junit.xml of a shard whose Jest never reported: one failed case that says so. */
function junitOfSilentShard(f: Fragment): JunitInput {
  const why = f.meta.problems.length ? f.meta.problems.join('; ') : 'Jest did not report';
  return {
    file: f.dir,
    xml: [
      '<testsuites tests="1" failures="1" errors="0" time="0">',
      `  <testsuite name="shard ${formatShard(f.meta.shard)}" tests="1" failures="1" errors="0" skipped="0">`,
      `    <testcase classname="gate" name="shard ${formatShard(f.meta.shard)} reports its tests"><failure message="${escapeHtml(why)}">${escapeHtml(why)}</failure></testcase>`,
      '  </testsuite>',
      '</testsuites>',
    ].join('\n'),
  };
}

/** Read, check and join the fragments; write the reports into `reportsDir`. Throws FragmentError or MergeRefused (exit 2) before writing. */
export function mergeFragments(options: MergeOptions): MergeResult {
  const fragments = options.fragmentDirs.map(readFragment);
  checkFragments(fragments);
  fragments.sort((a, b) => a.meta.shard.index - b.meta.shard.index);
  const [first] = fragments as [Fragment, ...Fragment[]];
  const junit = mergeJunit(fragments.map((f) => (f.junit === undefined ? junitOfSilentShard(f) : { file: join(f.dir, 'junit.xml'), xml: f.junit })));
  const reports = writeReportsFrom({
    reportsDir: options.reportsDir,
    manifests: first.manifests,
    missingManifests: [],
    calls: fragments.flatMap((f) => f.calls),
    malformedLines: fragments.reduce((n, f) => n + f.malformedLines, 0),
    skips: fragments.flatMap((f) => f.skips),
  });
  const shards = fragments.map((f) => f.meta);
  const tests = sumTests(shards);
  mkdirSync(options.reportsDir, { recursive: true });
  writeFileSync(join(options.reportsDir, 'junit.xml'), junit);
  writeFileSync(join(options.reportsDir, 'test-summary.json'), `${JSON.stringify(tests, null, 2)}\n`);
  writeFileSync(join(options.reportsDir, 'shards.json'), `${JSON.stringify({ version: 1, shards }, null, 2)}\n`);

  const failures = shards.filter((s) => !s.passed).map((s) => `shard ${formatShard(s.shard)} failed${describeShardFailure(s)}`);
  const c = reports.coverage;
  if (options.minStatusesPercent !== undefined) {
    const percent = c.documentedStatuses === 0 ? 100 : (100 * c.documentedStatusesTested) / c.documentedStatuses;
    if (percent < options.minStatusesPercent) {
      failures.push(`documented statuses tested ${c.documentedStatusesTested}/${c.documentedStatuses} (${percent.toFixed(1)}%) is under --min-statuses ${options.minStatusesPercent}%`);
    }
  }
  return { passed: failures.length === 0, failures, shards, tests, reports };
}

function describeShardFailure(s: FragmentMeta): string {
  const parts = [s.tests ? `${s.tests.failed} tests failed` : 'its tests did not report', ...s.problems];
  return ` (${parts.join('; ')})`;
}

/** The shards as a Markdown table, for the step summary above coverage.md. */
export function renderShardsMd(shards: readonly FragmentMeta[]): string {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const stage = (s: FragmentMeta, name: string): string => {
    const found = s.stages.find((st) => st.name === name);
    return found ? seconds(found.ms) : '-';
  };
  return [
    '| shard | verdict | passed | failed | skipped | sandbox up | tests | wall |',
    '|---|---|---|---|---|---|---|---|',
    ...shards.map((s) => {
      const t = s.tests;
      return `| ${formatShard(s.shard)} | ${s.passed ? 'passed' : 'FAILED'} | ${t?.passed ?? '-'} | ${t?.failed ?? '-'} | ${t?.skipped ?? '-'} | ${stage(s, 'sandbox up')} | ${stage(s, 'tests')} | ${seconds(s.wallMs)} |`;
    }),
    '',
  ].join('\n');
}
