/**
 * Where the test stage's time goes (issue 13): our suites (generated and hand-written) against one
 * sandbox, Jest's process and its two workers under `node --cpu-prof`, every CPU sample put in one
 * bucket by the code it was in (Jest start-up, module loading, TypeScript transform, schema
 * compilation, the HTTP client, the harness's own checks, tests and Jest, GC, idle), plus Jest's
 * per-file timings (`--json` perfStats). `checkouts` profiles other checkouts of this repository
 * (a commit before a change, `git worktree add`) against the same sandbox, databases reset
 * before each run, so a breakdown before and after a change comes from one run.
 *
 * `npm run bench -- --only profile [--profile-before <dir>]`. Nothing here asserts a time.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RunningSandbox } from '../harness/jest/sandbox-process';
import { REPO, SCRATCH, mdTable, resetDatabases, runTimed } from './lib';

export const BUCKETS = [
  'module loading (compile, resolve, registry)',
  'TypeScript transform',
  'schema compilation (ajv, TypeBox)',
  'HTTP client and sockets',
  'harness checks and recorder',
  'tests, assertions and Jest',
  'garbage collection',
  'other',
] as const;
type Bucket = (typeof BUCKETS)[number];

export interface ProfileRun {
  label: string;
  /** The checkout profiled (relative to this repository when inside it). */
  checkout: string;
  wallMs: number;
  tests: { passed: number; failed: number; skipped: number };
  /** CPU ms of Jest's own process (start-up, config, global setup, scheduling, reporters). */
  mainCpuMs: number;
  /** CPU ms of the workers by bucket, summed over the workers. */
  workerCpuMs: Record<Bucket, number>;
  /** Ms the workers sat idle (waiting for the services and Postgres), summed. */
  workerIdleMs: number;
  workers: number;
  /** Jest's per-file timings: wall ms from the file's start to its end, slowest first. */
  files: { file: string; ms: number }[];
}

interface CpuProfile {
  startTime: number;
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  timeDeltas: number[];
}

function bucketOf(functionName: string, url: string): Bucket | 'idle' {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (/node_modules\/(typescript|ts-jest|ts-node|@jest\/transform|babel-|@babel|esbuild|tsx)\//.test(url)) return 'TypeScript transform';
  if (/node_modules\/(ajv\/dist\/(compile|core|vocabularies|ajv|2020)|ajv-formats\/dist\/index|fast-uri|json-schema-traverse|@sinclair\/typebox)/.test(url)) return 'schema compilation (ajv, TypeBox)';
  if (/^node:internal\/(modules|vm)|^node:vm|node_modules\/(jest-resolve|jest-runtime|jest-haste-map|@jest\/core|jest-config)\//.test(url) || ['internalCompileFunction', 'compileFunction', 'wrapSafe', 'internalModuleStat', 'readFileUtf8'].includes(functionName)) return 'module loading (compile, resolve, registry)';
  if (/^node:(internal\/deps\/undici|net|_http|internal\/stream|internal\/webstreams|internal\/(url|abort_controller|event_target))|node_modules\/(openapi-fetch|undici|pg|pg-protocol|pg-pool)\/|\/harness\/runtime\/http-client/.test(url) || ['writev', 'writeUtf8String', 'writeLatin1String', 'writeBuffer'].includes(functionName)) return 'HTTP client and sockets';
  if (/\/harness\/(runtime|[a-z-]+\.ts)|\.cache\/contract-harness|node_modules\/ajv\/dist\/runtime/.test(url)) return 'harness checks and recorder';
  if (/node_modules\/(jest-|expect|@jest|pretty-format|@sinonjs)|\/(generated|tests)\//.test(url)) return 'tests, assertions and Jest';
  return 'other';
}

function readProfile(file: string): { startTime: number; byBucket: Map<Bucket | 'idle', number> } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const byBucket = new Map<Bucket | 'idle', number>();
  p.samples.forEach((id, i) => {
    const frame = nodes.get(id);
    const b = frame ? bucketOf(frame.functionName, frame.url) : 'other';
    byBucket.set(b, (byBucket.get(b) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return { startTime: p.startTime, byBucket };
}

/** One profiled run of the test stage of `checkout` (a checkout of this repository with node_modules) against `sb`. */
export async function profileTestStage(sb: RunningSandbox, label: string, checkout: string): Promise<ProfileRun> {
  await resetDatabases(sb);
  const dir = join(SCRATCH, `profile-${label}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'jest.json');
  const roots = ['generated', 'tests'].map((d) => join(checkout, d));
  const res = await runTimed(
    [
      process.execPath, '--cpu-prof', '--cpu-prof-dir', join(dir, 'cpu'), '--experimental-vm-modules', '--disable-warning=ExperimentalWarning',
      join(checkout, 'node_modules', 'jest', 'bin', 'jest.js'), ...roots.flatMap((d) => ['--roots', d]), ...roots.flatMap((d) => ['--testMatch', `${d}/**/*.test.ts`]),
      '--selectProjects', 'suites', '--reporters', 'summary', '--json', '--outputFile', out,
    ],
    { cwd: checkout, env: { ...process.env, HARNESS_ENDPOINTS: sb.endpointsFile, HARNESS_SANDBOX_STATUS: sb.statusFile, HARNESS_CALLS_DIR: join(dir, 'calls') }, timeoutMs: 300_000 },
  );
  const json = JSON.parse(readFileSync(out, 'utf8')) as {
    numPassedTests: number; numFailedTests: number; numPendingTests: number;
    testResults: { name: string; startTime: number; endTime: number }[];
  };
  const profiles = readdirSync(join(dir, 'cpu')).map((f) => readProfile(join(dir, 'cpu', f))).sort((a, b) => a.startTime - b.startTime);
  const [main, ...rest] = profiles;
  // Jest's workers are the processes that ran test code; anything else it started (none today) would count as its own
  const workers = rest.filter((p) => (p.byBucket.get('tests, assertions and Jest') ?? 0) > 0);
  const workerCpuMs = Object.fromEntries(BUCKETS.map((b) => [b, workers.reduce((s, w) => s + (w.byBucket.get(b) ?? 0), 0)])) as Record<Bucket, number>;
  const sumCpu = (m: Map<Bucket | 'idle', number> | undefined) => [...(m ?? new Map()).entries()].filter(([k]) => k !== 'idle').reduce((s, [, v]) => s + v, 0);
  const shown = relative(REPO, checkout);
  return {
    label,
    checkout: shown.startsWith('..') ? checkout : shown || '.',
    wallMs: res.wallMs,
    tests: { passed: json.numPassedTests, failed: json.numFailedTests, skipped: json.numPendingTests },
    mainCpuMs: sumCpu(main?.byBucket) + rest.filter((p) => !workers.includes(p)).reduce((s, p) => s + sumCpu(p.byBucket), 0),
    workerCpuMs,
    workerIdleMs: workers.reduce((s, w) => s + (w.byBucket.get('idle') ?? 0), 0),
    workers: workers.length,
    files: json.testResults
      .map((t) => ({ file: relative(checkout, t.name), ms: t.endTime - t.startTime }))
      .sort((a, b) => b.ms - a.ms),
  };
}

const s = (ms: number) => (ms / 1000).toFixed(2);

export function profileMarkdown(runs: ProfileRun[]): string {
  const head = ['', ...runs.map((r) => r.label)];
  const rows: (string | number)[][] = [
    ['checkout', ...runs.map((r) => `\`${r.checkout}\``)],
    ['tests passed / failed / skipped', ...runs.map((r) => `${r.tests.passed} / ${r.tests.failed} / ${r.tests.skipped}`)],
    ['**test stage wall s** (Jest, 2 workers)', ...runs.map((r) => `**${s(r.wallMs)}**`)],
    ['Jest start-up, config, global setup, reporters (CPU s, main process)', ...runs.map((r) => s(r.mainCpuMs))],
    ...BUCKETS.map((b) => [`workers: ${b} (CPU s)`, ...runs.map((r) => s(r.workerCpuMs[b]))]),
    ['workers: CPU s in all', ...runs.map((r) => s(Object.values(r.workerCpuMs).reduce((a, v) => a + v, 0)))],
    ['workers: idle s (waiting for the services and Postgres)', ...runs.map((r) => s(r.workerIdleMs))],
  ];
  const files = [...new Set(runs.flatMap((r) => r.files.map((f) => f.file)))];
  const fileRows = files.map((f) => [`\`${f}\``, ...runs.map((r) => { const hit = r.files.find((x) => x.file === f); return hit ? s(hit.ms) : '–'; })]);
  return [
    'CPU seconds by where the sample was (node --cpu-prof on Jest and each worker, summed over the two workers; idle is time a worker waited). One run each, databases reset before each, against the same sandbox.',
    '',
    mdTable(head, rows),
    '',
    "Jest's per-file timings (wall s from the file's start to its end, in its worker):",
    '',
    mdTable(['test file', ...runs.map((r) => r.label)], fileRows),
  ].join('\n');
}
