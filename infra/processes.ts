import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { dirname } from 'node:path';

/**
 * Spawning and supervising service processes (contract 7): one OS process per service instance,
 * its stdout and stderr written straight to a log file (the file descriptor is handed to the
 * child, so the log survives us and costs no piping), readiness by polling `GET /health`.
 */

export type Phase = 'seeded' | 'empty';

export interface ExitInfo {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcessOptions {
  name: string;
  phase: Phase;
  /** argv; the first element is the executable. */
  command: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  port: number;
  logFile: string;
  /** Append to the log (a restart keeps what the first attempt said) instead of starting it afresh. */
  appendLog?: boolean;
  /** Path that answers 2xx once ready. Default `/health`. */
  health?: string;
}

export interface ServiceProcess {
  readonly name: string;
  readonly phase: Phase;
  readonly port: number;
  readonly baseUrl: string;
  readonly logFile: string;
  /** Path polled for readiness. */
  readonly health: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** Set once the process has exited. */
  exitInfo(): ExitInfo | undefined;
  /** The last `lines` lines of its log. */
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. Idempotent. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

/** The last `lines` lines of a file, reading at most its last 16 KB. */
export function readLogTail(file: string, lines = 20): string {
  if (!existsSync(file)) return '';
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 16 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const all = buffer.toString('utf8').replace(/\s+$/, '').split('\n');
    return all.slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}

/**
 * `count` distinct free ports on 127.0.0.1: every listener is held open until all are bound, so
 * the ports differ from each other; the kernel picks them, so two sandboxes rarely collide (and a
 * collision shows as a service that fails to bind, retried by the caller).
 */
export async function findFreePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      ports.push(
        await new Promise<number>((resolvePort, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            resolvePort(typeof address === 'object' && address ? address.port : 0);
          });
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function spawnService(opts: ServiceProcessOptions): ServiceProcess {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const logFd = openSync(opts.logFile, opts.appendLog ? 'a' : 'w');
  const [cmd, ...args] = opts.command as [string, ...string[]];
  let child: ChildProcess;
  try {
    child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd); // the child holds its own copy
  }
  let info: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolveExit) => {
    child.once('exit', (exitCode, signal) => {
      info = { exitCode, signal };
      resolveExit(info);
    });
    // spawn failures (ENOENT...) emit 'error' and no 'exit'
    child.once('error', () => {
      if (child.pid === undefined) {
        info = { exitCode: 127, signal: null };
        resolveExit(info);
      }
    });
  });
  let stopping: Promise<ExitInfo> | undefined;
  const signal = (sig: NodeJS.Signals) => {
    if (info) return;
    try {
      child.kill(sig);
    } catch {
      /* already gone */
    }
  };
  return {
    name: opts.name,
    phase: opts.phase,
    port: opts.port,
    baseUrl: `http://127.0.0.1:${opts.port}`,
    logFile: opts.logFile,
    health: opts.health ?? '/health',
    pid: child.pid ?? 0,
    child,
    exited,
    exitInfo: () => info,
    logTail: (lines = 20) => readLogTail(opts.logFile, lines),
    stop(graceMs = 5_000) {
      stopping ??= (async () => {
        signal('SIGTERM');
        const timer = setTimeout(() => signal('SIGKILL'), graceMs);
        const result = await exited;
        clearTimeout(timer);
        return result;
      })();
      return stopping;
    },
  };
}

export type HealthResult = { ok: true; ms: number } | { ok: false; reason: 'exited' | 'timeout' | 'aborted'; detail: string };

/** Does something accept TCP connections on 127.0.0.1:port? Far cheaper than an HTTP request. */
function portOpen(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolveOpen(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Poll until `GET <baseUrl><health>` (default `/health`) answers 2xx, the process exits, the timeout passes or
 * `signal` aborts. Until the port accepts connections only a TCP connect is tried, at an interval
 * growing from 25 to 100 ms: eight instances polled by HTTP every 50 ms cost real CPU on two
 * cores while they start. A 200 only counts while our process is alive: a port taken by someone
 * else must not pass for our service.
 */
export async function waitForHealth(
  proc: Pick<ServiceProcess, 'baseUrl' | 'port' | 'exitInfo' | 'exited'> & { health?: string },
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<HealthResult> {
  const started = performance.now();
  let interval = 25;
  let last = 'no answer yet';
  for (;;) {
    const exit = proc.exitInfo();
    if (exit) return { ok: false, reason: 'exited', detail: `exited with code ${exit.exitCode}, signal ${exit.signal}` };
    if (opts.signal?.aborted) return { ok: false, reason: 'aborted', detail: 'start aborted' };
    const elapsed = performance.now() - started;
    if (elapsed > opts.timeoutMs) return { ok: false, reason: 'timeout', detail: `no healthy answer after ${opts.timeoutMs} ms (last: ${last})` };
    // Whole milliseconds: AbortSignal.timeout throws ERR_OUT_OF_RANGE on a fraction.
    const budget = Math.floor(Math.max(200, Math.min(2_000, opts.timeoutMs - elapsed)));
    if (await portOpen(proc.port, budget)) {
      try {
        const res = await fetch(`${proc.baseUrl}${proc.health ?? '/health'}`, { signal: AbortSignal.timeout(budget) });
        await res.arrayBuffer();
        if (res.status >= 200 && res.status < 300 && !proc.exitInfo()) return { ok: true, ms: performance.now() - started };
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      }
    } else {
      last = 'port not open';
    }
    // wake early when the process exits rather than sleeping the whole interval
    await Promise.race([new Promise((r) => setTimeout(r, interval)), proc.exited]);
    interval = Math.min(100, Math.round(interval * 1.5));
  }
}
