import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import reference from '../../harness.config';
import type { CoverageReport } from '../report/report-types';
import { childEnv, runHarnessScript, type ScriptRun } from '../test/run-script';

/**
 * The reference platform's gate, once whole and as three shards run one after another, each
 * against a sandbox of its own, then merged: the same tested statuses (and skips, chains, tests
 * per status), the same test counts and the same verdict. Call counts and latency may differ and
 * are left out. Four gates of ~25 s each: the one slow test of the unit project, run as
 * `gate.test.ts` runs gates (the gate CLI as a child, its own reports folder, no inherited
 * sandbox), with --no-generate since `npm test` checks generated/ first.
 */

const REPO = resolve(__dirname, '..', '..');
let work: string;
let configFile: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'harness-shards-'));
  // the reference config with its reports elsewhere: a config's paths resolve from its folder, hence the root
  configFile = join(REPO, `.tmp-shards-${process.pid}.harness.json`);
  writeFileSync(configFile, JSON.stringify({ ...reference, reportsDir: join(work, 'reports') }));
});
afterAll(() => {
  rmSync(configFile, { force: true });
  rmSync(work, { recursive: true, force: true });
});

const runCli = (args: string[]) => runHarnessScript('cli.ts', args, childEnv({ HARNESS_CONFIG: configFile }));

/** What a user compares: every status's verdict, without call counts. */
/**
 * A chain or list check skipped at run time ("run time: the list changed while it was paged",
 * "run time: its setup made no record") depends on what other test files write at that moment,
 * and a shard runs beside other files than the whole run does: those two outcomes are one here.
 * Every other field, and every status, must be equal.
 */
function ranOrSkippedAtRunTime<T extends { state: string; reason?: string }>(entry: T): unknown {
  if (entry.state !== 'run' && !entry.reason?.startsWith('run time')) return entry;
  const { reason: _reason, ...rest } = entry;
  return { ...rest, state: 'run, or skipped at run time' };
}

function testedStatuses(file: string): unknown {
  const report = JSON.parse(readFileSync(file, 'utf8')) as CoverageReport;
  return {
    ...report,
    operations: report.operations.map((o) => ({ ...o, statuses: o.statuses.map(({ calls: _calls, ...s }) => s) })),
    ...(report.chains ? { chains: report.chains.map((c) => ({ ...c, chains: c.chains.map(ranOrSkippedAtRunTime) })) } : {}),
    ...(report.lists ? { lists: report.lists.map((l) => ({ ...l, checks: l.checks.map(ranOrSkippedAtRunTime) })) } : {}),
  };
}

/** junit's test cases as (file, name, outcome), sorted: shards finish files in another order. */
function junitCases(file: string): string[] {
  const xml = readFileSync(file, 'utf8');
  return [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"[^>]*?file="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)]
    .map((m) => `${m[3]} | ${m[1]} | ${m[2]} | ${/<failure/.test(m[5] ?? '') ? 'failed' : /<skipped/.test(m[5] ?? '') ? 'skipped' : 'passed'}`)
    .sort();
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** What a failed run's assertion shows: Jest's lines for each failed test and the gate's own. */
const failedTests = (run: ScriptRun): string[] => run.stderr.split('\n').filter((l) => /✕|●|^\[gate\] .*(died|stopping|FAILED)/.test(l));

test('three shards, merged, give the tested statuses, test counts and verdict of one unsharded run', async () => {
  const whole = await runCli(['gate', '--no-generate']);
  expect({ stdout: whole.stdout, failed: failedTests(whole) }).toEqual({ stdout: expect.stringMatching(/^gate passed: /), failed: [] });
  const reports = join(work, 'reports');
  const wholeCoverage = testedStatuses(join(reports, 'coverage.json'));
  const wholeCases = junitCases(join(reports, 'junit.xml'));
  const wholeTests = readJson(join(reports, 'test-summary.json')) as { total: number };
  expect(wholeCases).toHaveLength(wholeTests.total);

  const shards: ScriptRun[] = [];
  for (const i of [1, 2, 3]) shards.push(await runCli(['gate', '--no-generate', '--shard', `${i}/3`]));
  shards.forEach((s, i) =>
    expect({ code: s.code, stdout: s.stdout, failed: failedTests(s) }).toEqual({ code: 0, stdout: expect.stringMatching(new RegExp(`^gate passed: shard ${i + 1}/3 · tests \\d+ passed`)), failed: [] }),
  );

  const merged = join(work, 'merged');
  const fragments = [1, 2, 3].map((i) => join(reports, 'fragments', `shard-${i}-of-3`));
  const merge = await runCli(['merge', ...fragments, '--out', merged]);
  expect(merge.code).toBe(whole.code);
  expect(merge.stdout.replace(/^merge passed: 3 shards · /, 'gate passed: ')).toBe(whole.stdout.replace(/ · wall .*\n$/, '\n'));
  expect(readJson(join(merged, 'test-summary.json'))).toEqual(wholeTests);
  expect(junitCases(join(merged, 'junit.xml'))).toEqual(wholeCases);
  expect(testedStatuses(join(merged, 'coverage.json'))).toEqual(wholeCoverage);
}, 600_000);
