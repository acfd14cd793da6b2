import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readEndpointsFile, readSandboxStatus, type EndpointsFile } from '../endpoints';
import { ownScriptCommand } from '../package-paths';

/**
 * The sandbox as a child process (contract 2): the package's `infra/sandbox-cli` (`.js`
 * installed, `.ts` under tsx from source) `--state-dir <dir> --exit-on-stdin-close` writes `<dir>/endpoints.json` once every instance is
 * healthy and keeps `<dir>/status.json` current. It stops everything on SIGTERM/SIGINT or when
 * its stdin closes, so even a parent killed with SIGKILL leaves nothing behind: the pipe we hold
 * closes with us. Its output goes to `<dir>/sandbox.log`, followed line by line.
 */

export interface StartSandboxOptions {
  /** Per-run folder for endpoints.json, status.json and whatever the sandbox keeps. */
  stateDir: string;
  /** Give up (and stop the child) when endpoints.json has not appeared by then. Default 90 s. */
  timeoutMs?: number;
  /** Each line the sandbox prints (stdout and stderr, through its log file), e.g. its stage timings. */
  onLine?: (line: string) => void;
  /** Command to run instead of the sandbox CLI (tests use a fake); `{stateDir}` is substituted. */
  command?: string[];
  /** The project root, where the sandbox resolves the config's relative paths. Default: the working directory. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RunningSandbox {
  pid: number;
  stateDir: string;
  endpointsFile: string;
  statusFile: string;
  endpoints: EndpointsFile;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const LOG_TAIL_LINES = 30;

/**
 * The sandbox command: `HARNESS_SANDBOX_COMMAND` (a JSON array; `{stateDir}` is substituted) for
 * any program that keeps contract 2, else the package's sandbox CLI (one process, no wrapper).
 */
export function buildSandboxCommand(stateDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.HARNESS_SANDBOX_COMMAND) {
    const argv: unknown = JSON.parse(env.HARNESS_SANDBOX_COMMAND);
    if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')) {
      throw new Error('HARNESS_SANDBOX_COMMAND must be a JSON array of strings, e.g. ["node", "my-sandbox.js", "--state-dir", "{stateDir}"]');
    }
    return argv.map((a) => a.replaceAll('{stateDir}', stateDir));
  }
  return ownScriptCommand('infra/sandbox-cli', ['--state-dir', stateDir, '--exit-on-stdin-close']);
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

/**
 * SIGTERM goes to the sandbox alone so that it stops its services and Postgres in order; the
 * SIGKILL fallback goes to its whole process group (it leads one: detached).
 */
function signalChild(child: ChildProcess, signal: NodeJS.Signals, group = false): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(group ? -child.pid : child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Follow a growing log file: each complete line to `onLine`, polled every 100 ms until stopped. */
function followLog(file: string, onLine: (line: string) => void): { poll(): void; stop(): void } {
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(64 * 1024);
  let rest = '';
  let open = true;
  const poll = (): void => {
    if (!open) return;
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
      const lines = (rest + buffer.toString('utf8', 0, n)).split('\n');
      rest = lines.pop() ?? '';
      lines.forEach(onLine);
    }
  };
  const timer = setInterval(poll, 100);
  timer.unref();
  return {
    poll,
    stop() {
      poll();
      if (rest) onLine(rest);
      open = false;
      clearInterval(timer);
      closeSync(fd);
    },
  };
}

/** Start the sandbox and resolve once endpoints.json exists; reject with its last log lines if it dies or times out. */
export async function startSandbox(options: StartSandboxOptions): Promise<RunningSandbox> {
  const stateDir = resolve(options.stateDir);
  mkdirSync(stateDir, { recursive: true });
  const endpointsFile = join(stateDir, 'endpoints.json');
  const statusFile = join(stateDir, 'status.json');
  const argv = (options.command ?? buildSandboxCommand(stateDir)).map((a) => a.replaceAll('{stateDir}', stateDir));
  const [cmd, ...args] = argv as [string, ...string[]];
  // The sandbox writes to a log file, not to pipes: if we die, only its stdin closes (its cue to
  // stop), never the stdout it is still writing its shutdown lines to.
  const logFile = join(stateDir, 'sandbox.log');
  const logFd = openSync(logFile, 'w');
  const child = spawn(cmd, args, {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    // stdin stays a pipe we never write: its end-of-file tells the sandbox we are gone
    stdio: ['pipe', logFd, logFd],
    detached: true,
  });
  closeSync(logFd);
  const tail: string[] = [];
  const follower = followLog(logFile, (line) => {
    tail.push(line);
    if (tail.length > LOG_TAIL_LINES) tail.shift();
    options.onLine?.(line);
  });
  child.stdin?.on('error', () => undefined); // EPIPE once the child is gone
  let spawnError: Error | undefined;
  child.on('error', (err) => {
    spawnError = err;
  });
  // 'exit' covers process.exit(); a signal kills us without 'exit' handlers, hence the relay:
  // stop the sandbox, then exit as a process interrupted by that signal would (128 + n). Not
  // re-raising: other listeners (signal-exit, loaded by Jest) would swallow it and keep us alive.
  const killOnExit = (): void => signalChild(child, 'SIGTERM');
  process.once('exit', killOnExit);
  const relaySignal = (signal: NodeJS.Signals): void => {
    void stop(5_000).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', relaySignal);
  process.once('SIGTERM', relaySignal);

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 15_000): Promise<void> => {
    stopping ??= (async () => {
      signalChild(child, 'SIGTERM');
      child.stdin?.end();
      const timer = setTimeout(() => signalChild(child, 'SIGKILL', true), graceMs);
      await waitForExit(child);
      clearTimeout(timer);
      process.removeListener('exit', killOnExit);
      process.removeListener('SIGINT', relaySignal);
      process.removeListener('SIGTERM', relaySignal);
      follower.stop();
    })();
    return stopping;
  };

  const describeFailure = (why: string): Error =>
    new Error(`sandbox ${why}\n--- last lines of the sandbox (${argv.slice(1).join(' ')}) ---\n${tail.join('\n')}`);
  const timeoutMs = options.timeoutMs ?? 90_000;
  const started = Date.now();
  try {
    for (;;) {
      follower.poll();
      if (existsSync(endpointsFile)) {
        const endpoints = readEndpointsFile(endpointsFile);
        return { pid: child.pid ?? 0, stateDir, endpointsFile, statusFile, endpoints, stop };
      }
      if (spawnError) throw describeFailure(`could not be started: ${spawnError.message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        follower.poll();
        throw describeFailure(`exited before it was healthy (code ${child.exitCode}, signal ${child.signalCode})`);
      }
      const status = readSandboxStatus(statusFile);
      if (status?.state === 'failed') {
        const dead = status.dead.map((d) => `${d.service} (${d.phase}):\n${d.logTail}`).join('\n');
        throw describeFailure(`reported state "failed"${dead ? `\n${dead}` : ''}`);
      }
      if (Date.now() - started > timeoutMs) throw describeFailure(`not healthy after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop(5_000);
    throw err;
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Remove the per-run state folders (`jest-<pid>`, `gate-<pid>`) of runs whose process is gone:
 * a failed start keeps its folder for a post-mortem (status.json, sandbox.log) until the next
 * run. A folder whose sandbox lock names a live process is left alone.
 */
export function removeStaleStateDirs(parent: string): void {
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    const m = /^(?:jest|gate)-(\d+)$/.exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
    const dir = join(parent, name);
    const lock = join(dir, 'sandbox.lock');
    const lockPid = existsSync(lock) ? Number.parseInt(readFileSync(lock, 'utf8'), 10) : 0;
    if (lockPid && isAlive(lockPid)) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}
