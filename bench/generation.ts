/**
 * Generation bench (ours vs openapi-typescript alone, orval, Portman on a small and a large spec)
 * and the scale bench (synthetic specs of 10, 100, 1,000 and 5,000 operations: generate, and the gate
 * against the synthetic service). Every run is cold: the output folder is removed first, so our
 * generator cannot take its unchanged-inputs shortcut (that one is measured apart: "warm").
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { log, mdTable, PEERS, REPO, runTimed, SCRATCH, stat, type Timed } from './lib';
import { startSynthService, synthSpec } from './synth';

export type GenTool = 'ours' | 'ours (warm)' | 'openapi-typescript' | 'orval' | 'portman';
export const GEN_TOOLS: GenTool[] = ['ours', 'ours (warm)', 'openapi-typescript', 'orval', 'portman'];

export const GITHUB_SPEC = join(PEERS, 'node_modules', '@octokit', 'openapi', 'generated', 'api.github.com.json');
export const SMALL_SPEC = join(REPO, 'openapi', 'trading.yaml');

const bin = (name: string) => join(PEERS, 'node_modules', '.bin', name);

function ourConfig(dir: string, name: string, spec: string, baseUrl = 'http://127.0.0.1:9'): string {
  const file = join(dir, 'harness.json');
  writeFileSync(file, JSON.stringify({ outDir: 'out', reportsDir: 'reports', sandbox: false, services: [{ name, spec, baseUrl }] }, null, 2));
  return file;
}

export interface GenSample {
  tool: GenTool;
  spec: string;
  wallMs: number;
  peakRssMb: number;
  ok: boolean;
  error?: string;
}

async function genOnce(tool: GenTool, specLabel: string, spec: string, dir: string): Promise<GenSample> {
  const out = join(dir, 'out');
  if (tool !== 'ours (warm)') rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  let res: Timed;
  switch (tool) {
    case 'ours':
    case 'ours (warm)': {
      const config = ourConfig(dir, specLabel === 'small' ? 'trading' : 'github', spec);
      res = await runTimed([process.execPath, '--import', 'tsx', join(REPO, 'generator', 'cli.ts'), '--quiet'], {
        env: { ...process.env, HARNESS_CONFIG: config },
        timeoutMs: 600_000,
      });
      break;
    }
    case 'openapi-typescript':
      res = await runTimed([bin('openapi-typescript'), spec, '-o', join(out, 'schema.ts')], { cwd: dir, timeoutMs: 600_000 });
      break;
    case 'orval':
      res = await runTimed([bin('orval'), '--input', spec, '--output', join(out, 'api.ts')], { cwd: dir, timeoutMs: 600_000 });
      break;
    case 'portman':
      res = await runTimed([bin('portman'), '-l', spec, '-o', join(out, 'collection.json')], { cwd: dir, timeoutMs: 600_000 });
      break;
  }
  const ok = res.code === 0;
  return { tool, spec: specLabel, wallMs: res.wallMs, peakRssMb: res.peakRssMb, ok, ...(ok ? {} : { error: `exit ${res.code}: ${(res.stderr || res.stdout).slice(-300)}` }) };
}

export async function runGeneration(opts: { runs: number; large: boolean; largeRuns: number; tools: GenTool[] }): Promise<GenSample[]> {
  const samples: GenSample[] = [];
  const specs: [string, string, number][] = [['small', SMALL_SPEC, opts.runs]];
  if (opts.large) {
    if (existsSync(GITHUB_SPEC)) specs.push(['large', GITHUB_SPEC, opts.largeRuns]);
    else log(`[gen] ${GITHUB_SPEC} missing: large spec skipped`);
  }
  for (const [label, spec, runs] of specs) {
    for (const tool of opts.tools) {
      const dir = join(SCRATCH, 'gen', label, tool.replace(/\W+/g, '-'));
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      // the warm run needs a generated folder to find unchanged: one cold run first, not counted
      if (tool === 'ours (warm)') await genOnce('ours', label, spec, dir);
      for (let i = 0; i < runs; i++) {
        const s = await genOnce(tool, label, spec, dir);
        samples.push(s);
        log(`[gen] ${label} ${tool} ${i + 1}/${runs}: ${(s.wallMs / 1000).toFixed(2)} s, ${s.peakRssMb.toFixed(0)} MB${s.ok ? '' : ` FAILED ${s.error}`}`);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return samples;
}

function countOperations(file: string): number {
  try {
    const doc = parse(readFileSync(file, 'utf8')) as { paths?: Record<string, Record<string, unknown>> };
    return Object.values(doc.paths ?? {}).reduce((a, item) => a + Object.keys(item).filter((k) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'].includes(k)).length, 0);
  } catch {
    return Number.NaN;
  }
}

export function generationMarkdown(samples: GenSample[]): string {
  const rows: (string | number)[][] = [];
  const smallOps = countOperations(SMALL_SPEC);
  const largeOps = existsSync(GITHUB_SPEC) ? countOperations(GITHUB_SPEC) : Number.NaN;
  for (const spec of ['small', 'large']) {
    for (const tool of GEN_TOOLS) {
      const xs = samples.filter((s) => s.spec === spec && s.tool === tool);
      if (xs.length === 0) continue;
      const good = xs.filter((s) => s.ok);
      rows.push([
        spec === 'small' ? `small: openapi/trading.yaml (${smallOps} operations)` : `large: GitHub's api.github.com.json (@octokit/openapi 23.0.2, 13 MB, ${largeOps} operations)`,
        tool,
        good.length ? stat(good.map((s) => s.wallMs / 1000), 2) : 'failed',
        good.length ? stat(good.map((s) => s.peakRssMb), 0) : '',
        `${good.length}/${xs.length}`,
      ]);
    }
  }
  const produces: string[] = [
    '- ours: types (openapi-typescript), an openapi-fetch client, the contract (schemas for the response checks), manifest.json and the baseline Jest tests.',
    '- ours (warm): the same command again with nothing changed (input hashes match, nothing rewritten).',
    '- openapi-typescript: types only. orval: an axios client and types (its default output). portman: a Postman collection with contract tests.',
  ];
  return [
    '## Generation: wall time and peak memory',
    '',
    'Cold runs (output folder removed first). Wall time in seconds and peak RSS of the largest process in MB (/usr/bin/time -v): median (min-max).',
    '',
    mdTable(['spec', 'tool', 'wall s', 'peak RSS MB', 'ok runs'], rows),
    '',
    ...produces,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Scale

export interface ScaleSample {
  operations: number;
  generateMs: number;
  generateRssMb: number;
  testFiles: number;
  cases: number;
  gateWallMs?: number;
  gateStages?: Record<string, number>;
  gateTests?: { passed: number; failed: number; skipped: number; total: number };
  otsMs?: number;
}

export async function runScale(opts: { sizes: number[]; runs: number; gate: boolean }): Promise<ScaleSample[]> {
  const samples: ScaleSample[] = [];
  for (const n of opts.sizes) {
    const dir = join(SCRATCH, 'scale', String(n));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const spec = join(dir, `synthetic-${n}.json`);
    writeFileSync(spec, JSON.stringify(synthSpec(n), null, 2));
    const service = opts.gate ? await startSynthService(n) : undefined;
    try {
      const config = ourConfig(dir, 'synth', spec, service?.url);
      for (let i = 0; i < opts.runs; i++) {
        rmSync(join(dir, 'out'), { recursive: true, force: true });
        const gen = await runTimed([process.execPath, '--import', 'tsx', join(REPO, 'generator', 'cli.ts'), '--quiet'], { env: { ...process.env, HARNESS_CONFIG: config }, timeoutMs: 600_000 });
        if (gen.code !== 0) throw new Error(`generate ${n}: exit ${gen.code}: ${gen.stderr.slice(-500)}`);
        const manifest = JSON.parse(readFileSync(join(dir, 'out', 'synth', 'manifest.json'), 'utf8')) as { operations: { cases: unknown[] }[] };
        const ots = await runTimed([bin('openapi-typescript'), spec, '-o', join(dir, 'ots.ts')], { timeoutMs: 300_000 });
        const sample: ScaleSample = {
          operations: manifest.operations.length,
          generateMs: gen.wallMs,
          generateRssMb: gen.peakRssMb,
          testFiles: countTestFiles(join(dir, 'out', 'synth')),
          cases: manifest.operations.reduce((a, o) => a + o.cases.length, 0),
          otsMs: ots.wallMs,
        };
        if (service) {
          // the gate over what was just generated: its generate stage finds nothing changed
          const gate = await runTimed([process.execPath, '--import', 'tsx', join(REPO, 'harness', 'gate-cli.ts')], { env: { ...process.env, HARNESS_CONFIG: config }, timeoutMs: 600_000 });
          const stagesFile = join(dir, 'reports', 'gate-stages.json');
          if (existsSync(stagesFile)) {
            const st = JSON.parse(readFileSync(stagesFile, 'utf8')) as { wallMs: number; stages: { name: string; ms: number }[]; tests: ScaleSample['gateTests'] | null };
            sample.gateWallMs = st.wallMs;
            sample.gateStages = Object.fromEntries(st.stages.map((s) => [s.name, s.ms]));
            if (st.tests) sample.gateTests = st.tests;
          } else {
            log(`[scale] ${n}: gate wrote no stage timings (exit ${gate.code}): ${gate.stderr.slice(-400)}`);
          }
        }
        samples.push(sample);
        log(`[scale] ${n} ops ${i + 1}/${opts.runs}: generate ${(gen.wallMs / 1000).toFixed(2)} s (${sample.testFiles} test files, ${sample.cases} cases)` +
          (sample.gateWallMs ? `, gate ${(sample.gateWallMs / 1000).toFixed(2)} s (${sample.gateTests?.passed} passed, ${sample.gateTests?.failed} failed)` : ''));
      }
    } finally {
      await service?.close();
    }
  }
  return samples;
}

function countTestFiles(dir: string): number {
  try {
    return require('node:fs').readdirSync(dir).filter((f: string) => f.endsWith('.test.ts')).length;
  } catch {
    return 0;
  }
}

export function scaleMarkdown(samples: ScaleSample[]): string {
  const sizes = [...new Set(samples.map((s) => s.operations))].sort((a, b) => a - b);
  const per = (xs: number[], n: number) => stat(xs.map((x) => x / n), 2);
  const rows = sizes.map((n) => {
    const xs = samples.filter((s) => s.operations === n);
    const gate = xs.filter((s) => s.gateWallMs !== undefined);
    const tests = gate.map((s) => s.gateStages?.tests ?? 0);
    return [
      n,
      xs[0]?.testFiles ?? '',
      xs[0]?.cases ?? '',
      stat(xs.map((s) => s.generateMs / 1000), 2),
      per(xs.map((s) => s.generateMs), n),
      stat(xs.map((s) => s.generateRssMb), 0),
      stat(xs.map((s) => (s.otsMs ?? 0) / 1000), 2),
      gate.length ? stat(gate.map((s) => (s.gateWallMs ?? 0) / 1000), 2) : 'n/a',
      gate.length ? stat(tests.map((t) => t / 1000), 2) : 'n/a',
      gate.length ? per(tests, n) : 'n/a',
      gate[0]?.gateTests ? `${gate[0].gateTests.passed}/${gate[0].gateTests.failed}/${gate[0].gateTests.skipped}` : '',
    ];
  });
  return [
    '## Scale: synthetic specs of 10, 100, 1,000 and 5,000 operations',
    '',
    'bench/synth.ts: n/5 CRUD resources, 25 operations per tag (one test file per tag). Generate is cold; the gate runs against the synthetic in-memory service (`"sandbox": false`), its generate stage finding nothing changed. Seconds, median (min-max); "ms/op" divides by the operation count.',
    '',
    mdTable(['operations', 'test files', 'cases', 'generate s', 'generate ms/op', 'generate RSS MB', 'openapi-typescript alone s', 'gate wall s', 'gate tests stage s', 'tests ms/op', 'passed/failed/skipped'], rows),
    '',
  ].join('\n');
}
