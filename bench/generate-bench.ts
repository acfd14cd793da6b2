/**
 * The generation targets (issue 13), on GitHub's REST spec (@octokit/openapi, ~1,200 operations),
 * paired in one run: our `generate` as a user runs it (the packed CLI, compiled JavaScript:
 * `node dist/harness/cli.js generate`), from scratch and again with nothing changed, against
 * openapi-typescript alone on the same file, interleaved A B A B so that the machine's load falls
 * on both alike. Wall time and peak RSS (/usr/bin/time -v), medians, ratios and the verdict
 * against each target. `npm run bench -- --only targets`, or alone: `npx tsx bench/generate-bench.ts [runs]`.
 * Nothing here asserts a time.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GITHUB_SPEC } from './generation';
import { REPO, RESULTS, SCRATCH, loadNote, log, mdTable, median, runTimed, stat, type Timed } from './lib';
import { installPeers } from './peers';

const DIR = join(SCRATCH, 'generate-targets');
const OUT = join(DIR, 'out');
const CONFIG = join(DIR, 'harness.config.json');

export interface GenerateTargets {
  date: string;
  machine: string;
  spec: { operations: number; bytes: number };
  output: { testFiles: number; cases: number; skippedCases: number };
  cold: Timed[];
  warm: Timed[];
  /** The same no-change regenerate through tsx, as `npm run generate` runs it in this repository. */
  warmTsx: Timed[];
  openapiTypescript: Timed[];
  stages?: string;
}

/** Build the package as `npm pack` would (dist/), so the timed CLI is the compiled one a user installs. */
function buildPackage(): void {
  const res = spawnSync(process.execPath, [join(REPO, 'scripts', 'build-package.cjs')], { cwd: REPO, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`npm run build failed:\n${res.stdout}${res.stderr}`);
}

export async function runGenerateTargets(runs: number): Promise<GenerateTargets> {
  installPeers(); // brings @octokit/openapi, whose api.github.com.json is the spec measured here
  buildPackage();
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  writeFileSync(CONFIG, JSON.stringify({ outDir: 'out', sandbox: false, services: [{ name: 'github', spec: GITHUB_SPEC, baseUrl: 'https://api.github.com' }] }));
  const env = { ...process.env, HARNESS_CONFIG: CONFIG };
  const generate = [process.execPath, join(REPO, 'dist', 'harness', 'cli.js'), 'generate', '--quiet'];
  const generateTsx = [process.execPath, join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(REPO, 'harness', 'cli.ts'), 'generate', '--quiet'];
  const alone = [process.execPath, join(REPO, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), GITHUB_SPEC, '-o', join(DIR, 'alone.ts'), '--alphabetize'];
  log(`[targets] generate on GitHub's spec, ${runs} paired run(s); ${loadNote()}`);
  const result: GenerateTargets = { date: new Date().toISOString(), machine: loadNote(), spec: { operations: 0, bytes: statSync(GITHUB_SPEC).size }, output: { testFiles: 0, cases: 0, skippedCases: 0 }, cold: [], warm: [], warmTsx: [], openapiTypescript: [] };
  const timed = async (series: Timed[], label: string, argv: string[], withEnv = true): Promise<void> => {
    const run = await runTimed(argv, { ...(withEnv ? { env } : {}), timeoutMs: 600_000 });
    if (run.code !== 0) throw new Error(`${label} exited ${run.code}: ${run.stderr.slice(-800)}`);
    series.push(run);
    log(`[targets]   ${label} #${series.length}: ${(run.wallMs / 1000).toFixed(2)} s, ${run.peakRssMb.toFixed(0)} MB`);
  };
  for (let i = 0; i < runs; i++) {
    rmSync(OUT, { recursive: true, force: true });
    await timed(result.cold, 'generate from scratch', generate);
    await timed(result.openapiTypescript, 'openapi-typescript alone', alone, false);
    await timed(result.warm, 'generate, nothing changed', generate);
    await timed(result.warmTsx, 'generate through tsx, nothing changed', generateTsx);
  }
  const again = spawnSync(generate[0]!, [generate[1]!, 'generate'], { env, encoding: 'utf8', cwd: REPO });
  if (!/stages: input stamp/.test(again.stdout)) log(`[targets] warning: a no-change regenerate did not decide from the input stamp:\n${again.stdout}`);
  rmSync(OUT, { recursive: true, force: true });
  const cold = spawnSync(generate[0]!, [generate[1]!, 'generate'], { env, encoding: 'utf8', cwd: REPO });
  result.stages = cold.stdout.split('\n').find((l) => l.startsWith('stages:'));
  const manifest = JSON.parse(readFileSync(join(OUT, 'github', 'manifest.json'), 'utf8')) as { operations: { cases: { skipped?: string }[] }[] };
  const cases = manifest.operations.flatMap((o) => o.cases);
  result.spec.operations = manifest.operations.length;
  result.output = { testFiles: readdirSync(join(OUT, 'github')).filter((f) => f.endsWith('.test.ts')).length, cases: cases.length, skippedCases: cases.filter((c) => c.skipped).length };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'generate-targets.raw.json'), JSON.stringify(result, null, 2) + '\n');
  return result;
}

const ratio = (a: Timed[], b: Timed[], key: 'wallMs' | 'peakRssMb'): number => median(a.map((r) => r[key])) / median(b.map((r) => r[key]));
const verdict = (value: number, target: number): string => (value <= target ? `met (<= ${target})` : `missed (target <= ${target})`);

export function generateTargetsMarkdown(r: GenerateTargets): string {
  const s = (xs: Timed[]) => stat(xs.map((x) => x.wallMs / 1000), 2);
  const mb = (xs: Timed[]) => stat(xs.map((x) => x.peakRssMb), 0);
  const coldWall = ratio(r.cold, r.openapiTypescript, 'wallMs');
  const coldRss = ratio(r.cold, r.openapiTypescript, 'peakRssMb');
  const warm = ratio(r.warm, r.openapiTypescript, 'wallMs');
  const warmTsx = ratio(r.warmTsx, r.openapiTypescript, 'wallMs');
  return [
    '## Generation targets: GitHub\'s spec against openapi-typescript alone',
    '',
    `GitHub's api.github.com.json (@octokit/openapi 23.0.2, ${(r.spec.bytes / 1e6).toFixed(1)} MB, ${r.spec.operations} operations; our output ${r.output.testFiles} test files, ${r.output.cases} cases, ${r.output.skippedCases} skipped with reasons). ${r.cold.length} paired runs, interleaved (ours from scratch, openapi-typescript, ours again with nothing changed, the same through tsx). Wall seconds and peak RSS MB, median (min-max); ratios of medians.`,
    '',
    mdTable(
      ['run', 'wall s', 'peak RSS MB', 'anchor', 'ratio', 'target', 'verdict'],
      [
        ['ours: `contract-harness generate` from scratch (types, client, contract, manifest, tests)', s(r.cold), mb(r.cold), 'openapi-typescript alone (types only)', `${coldWall.toFixed(2)} wall`, '<= 1.2', verdict(coldWall, 1.2)],
        ['', '', '', '', `${coldRss.toFixed(2)} peak RSS`, '<= 1.2', verdict(coldRss, 1.2)],
        ['ours: `contract-harness generate`, nothing changed', s(r.warm), mb(r.warm), 'openapi-typescript alone', `${warm.toFixed(3)} wall`, '<= 0.15', verdict(warm, 0.15)],
        ['(the same through tsx: `npm run generate` in this repository)', s(r.warmTsx), mb(r.warmTsx), 'openapi-typescript alone', `${warmTsx.toFixed(3)} wall`, '(none)', ''],
        ['openapi-typescript 7.13 alone, `--alphabetize`', s(r.openapiTypescript), mb(r.openapiTypescript), '', '1.00', '', ''],
      ],
    ),
    '',
    `Our stages in one more run from scratch: ${r.stages ?? 'n/a'}.`,
    '',
  ].join('\n');
}

if (require.main === module) {
  runGenerateTargets(Number(process.argv[2] ?? 3))
    .then((r) => process.stdout.write(generateTargetsMarkdown(r)))
    .catch((err: unknown) => {
      log(String((err as Error).stack ?? err));
      process.exitCode = 1;
    });
}
