/**
 * Shared pieces of the bench scripts: statistics, timed child processes (wall time and peak RSS
 * through /usr/bin/time -v), a sandbox over the bug-zoo launcher, and our suites run under Jest
 * against a given sandbox. Nothing here asserts a time.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { startSandbox as startSandboxProcess, type RunningSandbox } from '../harness/jest/sandbox-process';

export const REPO = resolve(__dirname, '..');
export const BENCH = join(REPO, 'bench');
export const PEERS = join(BENCH, 'peers');
export const RESULTS = join(BENCH, 'results');
export const SCRATCH = join(REPO, '.tmp', 'bench');

export const median = (xs: number[]): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** "12.3 (11.9-13.0)": median and min-max, in the unit the caller chose. */
export function stat(xs: number[], digits = 1): string {
  if (xs.length === 0) return 'n/a';
  const f = (x: number) => x.toFixed(digits);
  if (xs.length === 1) return f(xs[0] as number);
  return `${f(median(xs))} (${f(Math.min(...xs))}-${f(Math.max(...xs))})`;
}

const LOG_T0 = performance.now();
/** Elapsed time since the bench started, as [m:ss]: every progress line carries it. */
export const elapsed = (): string => {
  const s = Math.round((performance.now() - LOG_T0) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
export const log = (line: string): void => void process.stderr.write(`[${elapsed()}] ${line}\n`);

export function loadNote(): string {
  const [one, five] = loadavg();
  return `load average ${one?.toFixed(1)} (1 min), ${five?.toFixed(1)} (5 min)`;
}

export interface Timed {
  code: number;
  wallMs: number;
  /** Peak resident set size of the largest process of the tree, in MB (/usr/bin/time -v). */
  peakRssMb: number;
  stdout: string;
  stderr: string;
}

/** Run a command under /usr/bin/time -v; its report goes to a file so stderr stays the command's. */
export function runTimed(argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<Timed> {
  mkdirSync(SCRATCH, { recursive: true });
  const timeFile = join(SCRATCH, `time-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const useTime = existsSync('/usr/bin/time');
  const full = useTime ? ['/usr/bin/time', '-v', '-o', timeFile, ...argv] : argv;
  const [cmd, ...args] = full as [string, ...string[]];
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? REPO, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.stdin.end(opts.input ?? '');
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          stderr += `\n[bench] timed out after ${opts.timeoutMs} ms\n`;
          try {
            process.kill(-(child.pid as number), 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        }, opts.timeoutMs)
      : undefined;
    child.on('error', fail);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const wallMs = performance.now() - started;
      let peakRssMb = Number.NaN;
      if (useTime && existsSync(timeFile)) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'));
        if (m) peakRssMb = Number(m[1]) / 1024;
        rmSync(timeFile, { force: true });
      }
      done({ code: code ?? (signal ? 128 : 1), wallMs, peakRssMb, stdout, stderr });
    });
  });
}

/** The bug-zoo launcher as the sandbox's service command. */
export const ZOO_SERVICE_COMMAND = JSON.stringify([process.execPath, '--import', 'tsx', join(BENCH, 'bug-zoo', 'main.ts'), '{name}']);

export interface BenchSandbox extends RunningSandbox {
  upMs: number;
}

/**
 * The reference sandbox (infra/sandbox-cli.ts) with every service launched through the bug zoo,
 * `BUG` set (or not) in their environment. Each call gets its own state folder and ports.
 */
export async function startZooSandbox(label: string, bug: string | undefined): Promise<BenchSandbox> {
  const stateDir = join(SCRATCH, `sandbox-${label}-${process.pid}`);
  rmSync(stateDir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (bug) env.BUG = bug;
  else delete env.BUG;
  const started = performance.now();
  const lines: string[] = [];
  try {
    const sb = await startSandboxProcess({
      stateDir,
      timeoutMs: 180_000,
      env,
      onLine: (l) => lines.push(l),
      command: [
        process.execPath, '--import', 'tsx', join(REPO, 'infra', 'sandbox-cli.ts'),
        '--state-dir', '{stateDir}', '--logs-dir', join(stateDir, 'logs'), '--exit-on-stdin-close',
        '--ready-timeout', '120000', '--service-command', ZOO_SERVICE_COMMAND,
      ],
    });
    return Object.assign(sb, { upMs: performance.now() - started });
  } catch (err) {
    throw new Error(`sandbox ${label} did not come up: ${(err as Error).message}\n${lines.slice(-15).join('\n')}`);
  }
}

export interface SuiteRun {
  wallMs: number;
  total: number;
  failed: number;
  passed: number;
  skipped: number;
  /** "file :: test title" of every failed test. */
  failedNames: string[];
  /** First line of the failure message, by failed name. */
  messages: Record<string, string>;
  /** HTTP exchanges the suites sent (recorded calls, contract 4) and the sum of their durations. */
  requests: number;
  httpMs: number;
  /** "file :: test title" of every test that recorded a skip (a chain whose setup made no record passes in Jest). */
  recordedSkips?: string[];
}

/**
 * The fault suites (tests/faults-*.test.ts) run instances of their own from the config's `start`:
 * a zoo variant swapped into the sandbox is not among them, no proxy of the floor fronts them, and
 * their time is mostly process start-ups and deadlines waited for on purpose. The bench's suite
 * runs leave them out; the gate section's full gate runs them.
 */
export const FAULT_SUITES = '/tests/faults-[^/]*\\.test\\.ts$';

/**
 * Our generated and hand-written suites under Jest against a running sandbox: the gate's test
 * stage (same project, roots and environment contract) without the fault suites (FAULT_SUITES),
 * without touching reports/ (calls and Jest's JSON go to a scratch folder, reporters limited to
 * the summary).
 */
export async function runOurSuites(sb: RunningSandbox, label: string, dirs: string[] = ['generated', 'tests'], opts: { testNamePattern?: string } = {}): Promise<SuiteRun> {
  const out = join(SCRATCH, `jest-${label}.json`);
  rmSync(out, { force: true });
  const callsDir = join(SCRATCH, `calls-${label}`);
  rmSync(callsDir, { recursive: true, force: true });
  const present = dirs.map((d) => join(REPO, d)).filter((d) => existsSync(d));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HARNESS_ENDPOINTS: sb.endpointsFile,
    HARNESS_SANDBOX_STATUS: sb.statusFile,
    HARNESS_CALLS_DIR: callsDir,
  };
  const argv = [
    process.execPath, '--experimental-vm-modules', '--disable-warning=ExperimentalWarning', join(REPO, 'node_modules', 'jest', 'bin', 'jest.js'),
    ...present.flatMap((d) => ['--roots', d]),
    ...present.flatMap((d) => ['--testMatch', `${d}/**/*.test.ts`]),
    '--selectProjects', 'suites', '--reporters', 'summary', '--json', '--outputFile', out,
    '--testPathIgnorePatterns', FAULT_SUITES,
    ...(opts.testNamePattern ? ['--testNamePattern', opts.testNamePattern] : []),
  ];
  const res = await runTimed(argv, { env, timeoutMs: 300_000 });
  if (!existsSync(out)) throw new Error(`jest wrote no results (exit ${res.code}): ${res.stderr.slice(-2000)}`);
  const json = JSON.parse(readFileSync(out, 'utf8')) as {
    numTotalTests: number; numFailedTests: number; numPassedTests: number; numPendingTests: number; numTodoTests: number;
    testResults: { name: string; message: string; assertionResults: { title: string; fullName: string; status: string; failureMessages: string[] }[] }[];
  };
  const failedNames: string[] = [];
  const messages: Record<string, string> = {};
  for (const file of json.testResults) {
    const rel = file.name.startsWith(REPO) ? file.name.slice(REPO.length + 1) : file.name;
    if (file.assertionResults.length === 0 && file.message) {
      failedNames.push(`${rel} :: (file failed to run)`);
      messages[`${rel} :: (file failed to run)`] = file.message.split('\n').find((l) => l.trim()) ?? '';
    }
    for (const t of file.assertionResults) {
      if (t.status !== 'failed') continue;
      const name = `${rel} :: ${t.fullName}`;
      failedNames.push(name);
      messages[name] = (t.failureMessages[0] ?? '').split('\n').filter((l) => l.trim()).slice(0, 2).join(' | ').slice(0, 240);
    }
  }
  let requests = 0;
  let httpMs = 0;
  const recordedSkips: string[] = [];
  if (existsSync(callsDir)) {
    for (const f of readdirSync(callsDir).filter((n) => n.startsWith('skips-') && n.endsWith('.jsonl'))) {
      for (const line of readFileSync(join(callsDir, f), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const skip = JSON.parse(line) as { testFile?: string; testName?: string };
        const file = skip.testFile?.startsWith(REPO) ? skip.testFile.slice(REPO.length + 1) : (skip.testFile ?? '?');
        recordedSkips.push(`${file} :: ${skip.testName ?? '?'}`);
      }
    }
    for (const f of readdirSync(callsDir).filter((n) => n.startsWith('calls-') && n.endsWith('.jsonl'))) {
      for (const line of readFileSync(join(callsDir, f), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        requests++;
        httpMs += Number((JSON.parse(line) as { durationMs?: number }).durationMs ?? 0);
      }
    }
  }
  return {
    requests,
    httpMs,
    recordedSkips: recordedSkips.sort(),
    wallMs: res.wallMs,
    total: json.numTotalTests,
    failed: json.numFailedTests,
    passed: json.numPassedTests,
    skipped: json.numPendingTests + json.numTodoTests,
    failedNames,
    messages,
  };
}

export function writeResult(name: string, markdown: string, raw: unknown): void {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, `${name}.md`), markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  writeFileSync(join(RESULTS, `${name}.raw.json`), `${JSON.stringify(raw, null, 2)}\n`);
}

export function mdTable(header: string[], rows: (string | number)[][]): string {
  const esc = (v: string | number) => String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${header.map(esc).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

/**
 * Put the sandbox's databases back as they were when it came up (the seeded one from its seeded
 * template, the empty one from the migrated template), without restarting the services: their
 * pools lose their idle connections and open new ones. Lets several tools run on one sandbox
 * without one tool's writes (a deleted seeded company, a taken ticker) failing the next one.
 */
export async function resetDatabases(sb: RunningSandbox): Promise<number> {
  const { prefix } = runDatabases(sb);
  return recreate(sb, [[`${prefix}_seeded_run`, `${prefix}_seeded`], [`${prefix}_empty_run`, `${prefix}_migrated`]]);
}

function runDatabases(sb: RunningSandbox): { prefix: string } {
  const seeded = decodeURIComponent(new URL(sb.endpoints.databaseUrl).pathname.slice(1));
  const m = /^(.*)_seeded_run$/.exec(seeded);
  if (!m) throw new Error(`cannot reset ${seeded}: not a sandbox run database`);
  return { prefix: m[1] as string };
}

/**
 * A third seeded database beside the sandbox's two (`<prefix>_seeded_peers`, from the seeded
 * template), made again on each call: the bug zoo runs the peers against an instance over it
 * while our suites use the run databases. Returns its URL.
 */
export async function resetPeerDatabase(sb: RunningSandbox): Promise<string> {
  const { prefix } = runDatabases(sb);
  await recreate(sb, [[`${prefix}_seeded_peers`, `${prefix}_seeded`]]);
  const url = new URL(sb.endpoints.databaseUrl);
  url.pathname = `/${prefix}_seeded_peers`;
  return url.toString();
}

async function recreate(sb: RunningSandbox, pairs: (readonly [string, string])[]): Promise<number> {
  const started = performance.now();
  const url = new URL(sb.endpoints.databaseUrl);
  url.pathname = '/postgres';
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    for (const [db, template] of pairs) {
      await client.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${db}" TEMPLATE "${template}"`);
    }
  } finally {
    await client.end();
  }
  return performance.now() - started;
}
