import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig } from './config';
import { clearRecordedCalls } from './jest/global-setup';
import type { TestSummary } from './jest/coverage-reporter';
import { buildJestCommand } from './jest/jest-command';
import { removeStaleStateDirs, startSandbox, type RunningSandbox } from './jest/sandbox-process';
import { ownScriptCommand } from './package-paths';
import { besideSchemaWarmup, stopSchemaWarmup } from './runtime/warm-schemas';
import { runCommand } from './run-command';
import { describeSandboxDeaths, readSandboxStatus, resolveCallsDir } from './endpoints';
import { formatReportsLine, formatSlowestLines, writeReports, type ReportsSummary } from './report/write-reports';
import { escapeHtml } from './report/render-coverage-html';
import { appendStepSummary } from './report/step-summary';
import { formatShard, fragmentDirName, parseShardId, writeFragment, type ShardId } from './shard/fragment';
import { digestInputs } from './shard/inputs-digest';

/**
 * `contract-harness gate` (`npm run gate`): generate, sandbox up, the suites under Jest, reports, teardown; each stage
 * timed, one summary line at the end; exit 1 when a test failed or a stage broke, 2 on a
 * config error. Children run in the project root (the config file's folder). The gate owns the sandbox and hands it to Jest through HARNESS_ENDPOINTS, so
 * the suites' global setup does not start a second one (contract 3).
 */

export interface Stage {
  name: string;
  ms: number;
  detail?: string;
}

const stages: Stage[] = [];
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function timeStage<T>(name: string, run: () => Promise<T>, detail?: () => string | undefined): Promise<T> {
  log(`[gate] ${name} ...`);
  const started = performance.now();
  try {
    return await run();
  } finally {
    const stage: Stage = { name, ms: performance.now() - started };
    const d = detail?.();
    if (d) stage.detail = d;
    stages.push(stage);
    log(`[gate] ${name.padEnd(11)} ${seconds(stage.ms).padStart(9)}${d ? `  (${d})` : ''}`);
  }
}

/** The child of the moment (generate or jest), stopped with us on SIGINT/SIGTERM. */
let activeChild: ChildProcess | undefined;
let sandbox: RunningSandbox | undefined;

function runChild(argv: string[], cwd: string, env: NodeJS.ProcessEnv, prefix?: string): Promise<number> {
  const [cmd, ...args] = argv as [string, ...string[]];
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env, stdio: prefix ? ['ignore', 'pipe', 'pipe'] : ['ignore', 2, 2] });
    activeChild = child;
    if (prefix) {
      for (const stream of [child.stdout, child.stderr]) {
        let rest = '';
        stream?.on('data', (chunk: Buffer) => {
          const lines = (rest + chunk.toString('utf8')).split('\n');
          rest = lines.pop() ?? '';
          for (const line of lines) log(`${prefix}${line}`);
        });
        stream?.on('end', () => rest && log(`${prefix}${rest}`));
      }
    }
    child.on('error', fail);
    child.on('close', (code, signal) => {
      activeChild = undefined;
      done(code ?? (signal ? 128 : 1));
    });
  });
}

/** Sandbox stage lines ("postgres 0.71 s", "[sandbox] seed: 312ms", ...) into sub-stage timings. */
export function parseSandboxTiming(line: string): { stage: string; ms: number } | undefined {
  const m = /\b(postgres|migrate|migrations|seed|databases|services)\b\D*?(\d+(?:\.\d+)?)\s*(ms|s)\b/i.exec(line);
  if (!m) return undefined;
  const value = Number(m[2]);
  return { stage: (m[1] as string).toLowerCase().replace('migrations', 'migrate'), ms: m[3] === 's' ? value * 1000 : value };
}

function readTestSummary(file: string): TestSummary | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TestSummary;
  } catch {
    return undefined;
  }
}

function stopOnSignals(): void {
  const handle = (signal: NodeJS.Signals): void => {
    log(`[gate] ${signal}: stopping`);
    activeChild?.kill('SIGTERM');
    stopSchemaWarmup();
    // with a sandbox up, its own handler (sandbox-process) stops it and then exits
    if (!sandbox) process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', handle);
  process.once('SIGTERM', handle);
}

/**
 * Fail fast: when the sandbox reports Postgres or a service instance dead (status.json, contract
 * 2), stop the tests at once, naming it, rather than letting every remaining test fail one by one.
 */
function watchSandbox(statusFile: string | undefined): { stop(): void } {
  if (!statusFile) return { stop: () => undefined };
  const timer = setInterval(() => {
    const deaths = describeSandboxDeaths(readSandboxStatus(statusFile));
    if (!deaths || !activeChild) return;
    clearInterval(timer);
    log(`[gate] ${deaths}\n[gate] stopping the tests (--no-fail-fast to run them all anyway)`);
    activeChild.kill('SIGTERM');
  }, 250);
  return { stop: () => clearInterval(timer) };
}

export interface GateOptions {
  failFast: boolean;
  generate: boolean;
  sandboxTimeout: number;
  /** Run Jest's shard i of n and write a fragment for `merge` instead of the reports. */
  shard?: ShardId;
}

/** Where `gate --shard i/n` writes its fragment: `<reportsDir>/fragments/shard-<i>-of-<n>`. */
export const fragmentDir = (reportsDir: string, shard: ShardId): string => join(reportsDir, 'fragments', fragmentDirName(shard));

async function runGate(options: GateOptions): Promise<number> {
  const wallStart = performance.now();
  const config = loadConfig();
  const root = config.rootDir;
  // children run in the project root, and read the very config file this run found
  const env: NodeJS.ProcessEnv = { ...process.env, HARNESS_CONFIG: config.file };
  log(`[gate] config ${relative(process.cwd(), config.file) || config.file}: ${config.services.map((s) => s.name).join(', ')}${config.sandbox ? '' : ' (sandbox: false)'}`);
  stopOnSignals();

  if (options.generate) {
    const code = await timeStage('generate', () => runChild(ownScriptCommand('generator/cli'), root, env, '  generate | '));
    if (code !== 0) {
      process.stdout.write(`gate FAILED: generate exited with code ${code}\n`);
      return code === 2 ? 2 : 1; // 2: a bad config or spec, as generate itself says
    }
  }

  let summary: TestSummary | undefined;
  let reports: ReportsSummary | undefined;
  let jestCode = 1;
  let aborted = '';
  let broke = '';
  const shard = options.shard;
  try {
    if (config.sandbox && !env.HARNESS_ENDPOINTS) {
      removeStaleStateDirs(join(root, '.sandbox'));
      const timings: Stage[] = [];
      const started = await besideSchemaWarmup(config, env, () =>
        timeStage(
          'sandbox up',
          () =>
            startSandbox({
              stateDir: join(root, '.sandbox', `gate-${process.pid}`),
              cwd: root,
              timeoutMs: options.sandboxTimeout,
              onLine: (line) => {
                log(`  sandbox | ${line}`);
                const t = parseSandboxTiming(line);
                if (t) timings.push({ name: `sandbox ${t.stage}`, ms: t.ms });
              },
            }),
          () => timings.map((t) => `${t.name.slice('sandbox '.length)} ${seconds(t.ms)}`).join(', ') || undefined,
        ),
      );
      sandbox = started.value;
      const warmed = started.warmed;
      stages.push(...timings);
      // usually done by now: Postgres's start takes longer than compiling the reference platform's validators
      const line = await timeStage('schemas', () => warmed);
      log(`[gate] schemas: ${line}`);
      env.HARNESS_ENDPOINTS = sandbox.endpointsFile;
      env.HARNESS_SANDBOX_STATUS = sandbox.statusFile;
    }
    if (env.HARNESS_ENDPOINTS && !env.HARNESS_SANDBOX_STATUS) {
      // a sandbox started by hand (`npm run sandbox`): its status.json sits beside endpoints.json
      const status = join(dirname(resolve(env.HARNESS_ENDPOINTS)), 'status.json');
      if (existsSync(status)) env.HARNESS_SANDBOX_STATUS = status;
    }
    const callsDir = resolveCallsDir(config, env);
    clearRecordedCalls(callsDir);
    env.HARNESS_CALLS_DIR = callsDir;
    env.HARNESS_REPORTS_BY = 'gate';
    const summaryFile = join(config.reportsDir, 'test-summary.json');
    const junitFile = join(config.reportsDir, 'junit.xml');
    rmSync(summaryFile, { force: true });
    rmSync(junitFile, { force: true });
    const jest = buildJestCommand(config);
    // Jest's own sharding (by test file); a shard that draws no file is an empty, passing one
    if (shard) jest.argv.push(`--shard=${formatShard(shard)}`, '--passWithNoTests');
    const watcher = options.failFast ? watchSandbox(env.HARNESS_SANDBOX_STATUS) : undefined;
    try {
      jestCode = await timeStage('tests', () => runChild(jest.argv, jest.cwd, env));
    } finally {
      watcher?.stop();
    }
    summary = readTestSummary(summaryFile);
    const status = readSandboxStatus(env.HARNESS_SANDBOX_STATUS);
    const dead = status?.dead ?? [];
    const deaths = describeSandboxDeaths(status);
    if (deaths) {
      aborted = [
        status?.deadPostgres ? `Postgres (${status.deadPostgres.where}) died during the tests` : '',
        dead.length > 0 ? `service ${[...new Set(dead.map((d) => `"${d.service}" (${d.phase})`))].join(', ')} died during the tests` : '',
      ].filter(Boolean).join('; ');
      log(`[gate] the sandbox lost ${status?.deadPostgres ? 'Postgres' : 'services'} during the run:\n${deaths}`);
      // Jest was stopped before its reporters ran: CI still gets a junit.xml that says why
      if (!existsSync(junitFile)) writeFileSync(junitFile, abortedJunit(aborted, deaths));
    }
    if (!shard) {
      reports = await timeStage('reports', async () => writeReports({ config, callsDir }));
      log(`[gate] reports in ${relative(process.cwd(), reports.reportsDir) || '.'}: ${formatReportsLine(reports)}`);
      if (reports.calls > 0) for (const line of formatSlowestLines(reports)) log(`[gate] ${line}`);
      appendStepSummary(reports.coverageMd, `the whole report is coverage.md and coverage.html in ${relative(process.cwd(), reports.reportsDir) || '.'}`);
    }
  } catch (err) {
    broke = (err as Error).message;
    log(`[gate] ${broke}`);
  } finally {
    const running = sandbox;
    if (running) {
      await timeStage('teardown', () => running.stop());
      if (!process.env.HARNESS_KEEP_SANDBOX_STATE) rmSync(running.stateDir, { recursive: true, force: true });
    }
    sandbox = undefined;
  }

  const wallMs = performance.now() - wallStart;
  const wall = seconds(wallMs);
  const passed = jestCode === 0 && summary?.success === true && !aborted;
  const problems = [
    summary?.failedFiles ? `${summary.failedFiles} test files failed to run` : '',
    summary && jestCode !== 0 && summary.success ? `jest exited with code ${jestCode}` : '',
  ].filter(Boolean);
  if (aborted) problems.unshift(aborted);
  if (broke && !summary) problems.unshift(broke);
  const tests = summary
    ? `tests ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped${problems.length ? ` (${problems.join(', ')})` : ''}`
    : `tests did not report${problems.length ? ` (${problems.join(', ')})` : ''}`;
  if (shard) {
    const dir = fragmentDir(config.reportsDir, shard);
    const junitFile = join(config.reportsDir, 'junit.xml');
    writeFragment({
      dir,
      meta: { version: 1, shard, inputs: digestInputs(config), tests: summary ?? null, passed, problems, wallMs, stages },
      callsDir: resolveCallsDir(config, env),
      outDir: config.outDir,
      junitFile,
    });
    // the merged run writes these; a shard leaves only its fragment
    for (const f of [junitFile, join(config.reportsDir, 'test-summary.json')]) rmSync(f, { force: true });
    process.stdout.write(`gate ${passed ? 'passed' : 'FAILED'}: shard ${formatShard(shard)} · ${tests} · fragment ${relative(process.cwd(), dir)} · wall ${wall}\n`);
    return passed ? 0 : 1;
  }
  const cov = reports
    ? `operations covered ${reports.coverage.operationsCovered}/${reports.coverage.operations} · statuses covered ${reports.coverage.documentedStatusesTested}/${reports.coverage.documentedStatuses}`
    : 'no reports';
  // the one line for CI logs and `| tail -1`: on stdout, where Jest and the stages do not write
  process.stdout.write(`gate ${passed ? 'passed' : 'FAILED'}: ${tests} · ${cov} · wall ${wall}\n`);
  writeStageTimings(config.reportsDir, { passed, wallMs, stages, tests: summary ?? null });
  return passed ? 0 : 1;
}

/** The junit.xml of a run the gate stopped: one failed test case that names the dead services. */
export function abortedJunit(message: string, details: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites name="gate" tests="1" failures="1" errors="0">',
    '  <testsuite name="sandbox" tests="1" failures="1" errors="0" skipped="0">',
    `    <testcase classname="gate" name="the services stay up during the tests"><failure message="${escapeHtml(message)}">${escapeHtml(details)}</failure></testcase>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** `<reportsDir>/gate-stages.json`: the stage timings of this run, for CI dashboards and bench/. */
function writeStageTimings(reportsDir: string, value: { passed: boolean; wallMs: number; stages: Stage[]; tests: TestSummary | null }): void {
  mkdirSync(reportsDir, { recursive: true });
  writeFileSync(join(reportsDir, 'gate-stages.json'), `${JSON.stringify(value, null, 2)}\n`);
}

/** The `gate` command; `contract-harness gate` and this file run alone share it. */
export function gateCommand(): Command {
  return new Command('gate')
    .description('Generate, bring up the sandbox, run every suite, write the reports, tear down')
    .option('--no-generate', 'skip the generate stage (use the generated files as they are)')
    .option('--no-fail-fast', 'keep running the tests when a service of the sandbox dies')
    .option('--sandbox-timeout <ms>', 'how long the sandbox may take to be healthy', parseMs, 90_000)
    .option('--shard <i/n>', "run Jest's shard i of n against a sandbox of its own and write a fragment for merge instead of the reports", parseShard)
    .showHelpAfterError()
    .action(async (opts: GateOptions) => {
      try {
        process.exitCode = await runGate(opts);
      } catch (err) {
        if (err instanceof ConfigError) {
          log(`gate: ${err.message}`);
          process.exitCode = 2;
          return;
        }
        throw err;
      }
    });
}

/** A duration flag: a positive whole number of milliseconds, or commander's usage error (exit 2 via the CLI's exitOverride). */
export function parseMs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a positive number of milliseconds');
  return n;
}

/** `--shard i/n`, or commander's usage error (exit 2) saying what a shard must be. */
export function parseShard(value: string): ShardId {
  try {
    return parseShardId(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

if (require.main === module) void runCommand(gateCommand());
