/**
 * Generation at scale (issue 3): `npm run generate` on GitHub's REST spec (@octokit/openapi,
 * api.github.com.json, ~1,200 operations) beside openapi-typescript alone on the same file,
 * wall time and peak RSS, median of 3; then a regenerate where nothing changed (input hash
 * matches, so openapi-typescript is not even loaded). Run: `npx tsx bench/generate-bench.ts [runs]`.
 * Writes bench/results/generate-bench.json. Nothing here asserts a time.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GITHUB_SPEC } from './generation';
import { REPO, RESULTS, SCRATCH, loadNote, log, median, runTimed, stat, type Timed } from './lib';
import { installPeers } from './peers';

const RUNS = Number(process.argv[2] ?? 3);
/** GitHub's spec comes with the peers (bench/peers), not with the project's dependencies. */
const SPEC = GITHUB_SPEC;
const DIR = join(SCRATCH, 'generate');
const OUT = join(DIR, 'out');
const CONFIG = join(DIR, 'harness.config.json');

interface Series {
  label: string;
  runs: Timed[];
}

function summarise(s: Series) {
  const failed = s.runs.filter((r) => r.code !== 0);
  if (failed.length) log(`${s.label}: ${failed.length} run(s) failed: ${failed[0]?.stderr.slice(-500)}`);
  return {
    label: s.label,
    wallMs: median(s.runs.map((r) => r.wallMs)),
    peakRssMb: median(s.runs.map((r) => r.peakRssMb)),
    wallSeconds: stat(s.runs.map((r) => r.wallMs / 1000)),
    peakRss: stat(s.runs.map((r) => r.peakRssMb), 0),
    exitCodes: s.runs.map((r) => r.code),
  };
}

async function main(): Promise<void> {
  installPeers(); // brings @octokit/openapi, whose api.github.com.json is the spec measured here
  mkdirSync(DIR, { recursive: true });
  writeFileSync(CONFIG, JSON.stringify({ outDir: 'out', sandbox: false, services: [{ name: 'github', spec: SPEC, baseUrl: 'https://api.github.com' }] }));
  const env = { ...process.env, HARNESS_CONFIG: CONFIG };
  const tsx = [process.execPath, join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs')];
  const generate = [...tsx, join(REPO, 'generator', 'cli.ts')];
  const alone = [process.execPath, join(REPO, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), SPEC, '-o', join(DIR, 'alone.ts'), '--alphabetize'];
  log(`generate-bench: ${RUNS} run(s) each; ${loadNote()}`);

  const full: Series = { label: 'npm run generate, from scratch (types + clients + manifest + tests)', runs: [] };
  const ots: Series = { label: 'openapi-typescript alone (types only)', runs: [] };
  const again: Series = { label: 'npm run generate, nothing changed', runs: [] };
  for (let i = 0; i < RUNS; i++) {
    rmSync(OUT, { recursive: true, force: true });
    full.runs.push(await runTimed(generate, { env, timeoutMs: 600_000 }));
    log(`  generate #${i + 1}: ${(full.runs.at(-1)!.wallMs / 1000).toFixed(1)} s`);
    ots.runs.push(await runTimed(alone, { timeoutMs: 600_000 }));
    log(`  openapi-typescript #${i + 1}: ${(ots.runs.at(-1)!.wallMs / 1000).toFixed(1)} s`);
  }
  for (let i = 0; i < RUNS; i++) {
    again.runs.push(await runTimed(generate, { env, timeoutMs: 600_000 }));
    log(`  regenerate #${i + 1}: ${(again.runs.at(-1)!.wallMs / 1000).toFixed(1)} s`);
  }
  const reused = again.runs.every((r) => r.stdout.includes('openapi-typescript not loaded') && r.stdout.includes('nothing changed'));
  const manifest = JSON.parse(readFileSync(join(OUT, 'github', 'manifest.json'), 'utf8')) as { operations: { cases: { skipped?: string }[] }[] };
  const cases = manifest.operations.flatMap((o) => o.cases);
  const files = readdirSync(join(OUT, 'github'));
  const result = {
    date: new Date().toISOString(),
    machine: loadNote(),
    spec: { file: 'bench/peers/node_modules/@octokit/openapi/generated/api.github.com.json', bytes: statSync(SPEC).size, operations: manifest.operations.length },
    output: {
      testFiles: files.filter((f) => f.endsWith('.test.ts')).length,
      cases: cases.length,
      skippedCases: cases.filter((c) => c.skipped).length,
      bytes: files.reduce((n, f) => n + statSync(join(OUT, 'github', f)).size, 0),
    },
    series: [summarise(full), summarise(ots), summarise(again)],
    regenerateSkippedOpenapiTypescript: reused,
    stages: full.runs.at(-1)?.stdout.split('\n').find((l) => l.startsWith('stages:')),
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'generate-bench.json'), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(
    [
      `GitHub REST spec: ${result.spec.operations} operations, ${(result.spec.bytes / 1e6).toFixed(1)} MB; output ${result.output.testFiles} test files, ${result.output.cases} cases (${result.output.skippedCases} skipped with reasons)`,
      '| run | wall s, median (min-max) | peak RSS MB |',
      '|---|---|---|',
      ...result.series.map((s) => `| ${s.label} | ${s.wallSeconds} | ${s.peakRss} |`),
      `regenerate skipped openapi-typescript: ${reused}`,
      `last full run: ${result.stages ?? ''}`,
    ].join('\n') + '\n',
  );
}

main().catch((err: unknown) => {
  log(String((err as Error).stack ?? err));
  process.exitCode = 1;
});
