/**
 * `contract-harness sandbox` (`npm run sandbox`): bring up Postgres, the migrated and seeded databases and every configured
 * service (seeded and empty instance), print each stage with its time, write
 * `<state-dir>/endpoints.json` once all are healthy, and run until SIGINT/SIGTERM (or, with
 * `--exit-on-stdin-close`, until stdin closes: a parent holding the pipe takes us down with it
 * even when it is SIGKILLed). Then stop everything and remove what this run wrote.
 *
 * One state folder belongs to one live sandbox: a second one on the same folder is refused with
 * a message suggesting `--state-dir`; with its own folder it gets its own ports, data and files.
 *
 * Exit codes: 0 stopped on request; 1 something did not come up (or the state folder is busy),
 * or Postgres died while it ran (then the services are stopped and status.json, kept, says why);
 * 2 configuration error.
 */
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig, type ResolvedConfig } from '../harness/config';
import { describeDeadPostgres } from '../harness/endpoints';
import { runCommand } from '../harness/run-command';
import { SandboxBusyError } from './sandbox-state';
import { conventionalLaunch, startSandbox, type Sandbox, type ServiceLaunch, type StageTiming } from './sandbox';

interface CliOptions {
  stateDir?: string;
  logsDir?: string;
  databaseUrl?: string;
  readyTimeout: number;
  stopGrace: number;
  exitOnStdinClose?: boolean;
  serviceCommand?: string;
  spawnEarly: boolean;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

function printStage(t: StageTiming): void {
  out(`${t.stage.padEnd(10)} ${seconds(t.ms).padStart(7)}${t.detail ? `  ${t.detail}` : ''}`);
}

/** `--service-command`: the same argv for every configured service (tests run fakes this way). */
function customLaunches(config: ResolvedConfig, json: string): ServiceLaunch[] {
  let argv: unknown;
  try {
    argv = JSON.parse(json);
  } catch {
    argv = undefined;
  }
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')) {
    throw new ConfigError('--service-command', '', 'must be a JSON array of strings');
  }
  // The command is replaced, not the environment: a service's own env (e.g. the base URL of a
  // service it calls, `{baseUrl.risk}`) still reaches the substitute.
  return config.services.map((svc) => {
    const launch = conventionalLaunch(svc.name, (argv as string[]).map((a) => a.replaceAll('{name}', svc.name)), config.rootDir);
    return { ...launch, env: { ...(svc.start?.env ?? {}), ...launch.env } };
  });
}

/** A duration flag in milliseconds: a whole number >= 0, else a usage error (exit 2). */
function parseMs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number of milliseconds');
  return n;
}

/** The `sandbox` command; `contract-harness sandbox` and this file run alone share it. */
export function sandboxCommand(): Command {
  return new Command('sandbox')
    .description('Run Postgres and every configured service (seeded and empty instance) until interrupted')
    .option('--state-dir <dir>', 'folder for endpoints.json, status.json and Postgres data (default: .sandbox beside the harness config)')
    .option('--logs-dir <dir>', 'service logs (<svc>-<phase>.log); default <reportsDir>/logs')
    .addOption(new Option('--database-url <url>', 'use this Postgres server (admin URL) instead of an embedded one').env('DATABASE_URL'))
    .option('--ready-timeout <ms>', "per instance, from spawn to healthy (default: the config's sandbox.readyTimeoutMs, 60000)", parseMs)
    .option('--stop-grace <ms>', 'SIGTERM -> SIGKILL grace for services', parseMs, 5_000)
    .option('--exit-on-stdin-close', 'stop when stdin closes (for a parent process that holds the pipe)')
    .option('--no-spawn-early', 'spawn the services only once their databases exist (default: before Postgres, to overlap)')
    .addOption(
      new Option('--service-command <json>', 'argv (JSON array) run for every service instead of its own; {name} is replaced').hideHelp(),
    )
    .showHelpAfterError()
    .action(async (opts: CliOptions) => {
      let code: number;
      try {
        code = await runSandbox(opts);
      } catch (e) {
        err(`sandbox: ${(e as Error)?.stack ?? String(e)}`);
        code = 1;
      }
      process.exit(code);
    });
}

async function runSandbox(opts: CliOptions): Promise<number> {
  // A stop requested during the start aborts it; after the start it stops the sandbox.
  const abort = new AbortController();
  let sandbox: Sandbox | undefined;
  let stopRequested: ((why: string) => void) | undefined;
  const requested = new Promise<string>((r) => (stopRequested = r));
  const request = (why: string) => {
    abort.abort();
    stopRequested?.(why);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => request(sig));
  if (opts.exitOnStdinClose) {
    process.stdin.on('end', () => request('stdin closed'));
    process.stdin.on('close', () => request('stdin closed'));
    process.stdin.on('error', () => request('stdin closed'));
    process.stdin.resume();
  }

  try {
    const config = loadConfig();
    const stateDir = resolve(opts.stateDir ?? join(config.rootDir, '.sandbox'));
    out(`sandbox: pid ${process.pid}, state in ${stateDir}`);
    sandbox = await startSandbox({
      config,
      stateDir,
      ...(opts.logsDir ? { logsDir: resolve(opts.logsDir) } : {}),
      ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
      ...(opts.readyTimeout !== undefined ? { readyTimeoutMs: opts.readyTimeout } : {}),
      stopGraceMs: opts.stopGrace,
      spawnEarly: opts.spawnEarly,
      signal: abort.signal,
      ...(opts.serviceCommand ? { services: customLaunches(config, opts.serviceCommand) } : {}),
      onStage: printStage,
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`sandbox: configuration error: ${e.message}`);
      return 2;
    }
    if (e instanceof SandboxBusyError) {
      err(`sandbox: ${e.message}`);
      return 1;
    }
    err(`sandbox: ${abort.signal.aborted ? 'start interrupted: ' : ''}${(e as Error).message}`);
    return 1;
  }

  const width = Math.max(...Object.keys(sandbox.services).map((n) => n.length));
  for (const [name, s] of Object.entries(sandbox.services)) out(`  ${name.padEnd(width)}  ${s.baseUrl}  (empty: ${s.emptyBaseUrl})`);
  out(`endpoints: ${sandbox.endpointsFile}`);
  out(`database:  ${sandbox.databaseUrl}`);
  const logsDir = sandbox.instances[0]?.logFile.replace(/\/[^/]+$/, '');
  if (logsDir) out(`logs:      ${logsDir}`);
  out(`running; ${opts.exitOnStdinClose ? 'close stdin or ' : ''}Ctrl-C to stop`);
  sandbox.events.on('service-exit', (d) => {
    err(`sandbox: service "${d.service}" (${d.phase}) exited unexpectedly (code ${d.exitCode}, signal ${d.signal}); last lines:`);
    err(d.logTail.replace(/^/gm, '  | '));
  });

  let postgresDied = false;
  sandbox.events.on('postgres-exit', (d) => {
    postgresDied = true;
    err(`sandbox: ${describeDeadPostgres(d)}`);
    request('Postgres died');
  });

  const why = await requested;
  const t = performance.now();
  out(`stopping (${why})...`);
  await sandbox.stop();
  out(`stopped in ${seconds(performance.now() - t)}`);
  return postgresDied ? 1 : 0;
}

if (require.main === module) void runCommand(sandboxCommand());
