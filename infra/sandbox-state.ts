import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Phase } from './processes';
import { isAlive } from './processes';

/**
 * The sandbox's state folder (contract 2): endpoints.json, status.json, and a lock file that
 * makes one state folder belong to one live sandbox. A second sandbox on the same folder is
 * refused (naming the pid that owns it and suggesting `--state-dir`); a folder left by a
 * sandbox that died is taken over and its leftovers (a Postgres still running) removed.
 */

export interface EndpointsJson {
  /** The seeded run database. */
  databaseUrl: string;
  /** The empty run database (migrated, no rows). */
  emptyDatabaseUrl?: string;
  services: Record<string, { baseUrl: string; emptyBaseUrl: string }>;
  /** Admin URL of the server (database `postgres`): what a private platform clones its database with. */
  adminUrl?: string;
  /** The migrated and the seeded template databases this run cloned (a running run database cannot be a template). */
  templates?: { migrated: string; seeded: string };
}

export interface DeadServiceEntry {
  service: string;
  phase: Phase;
  exitCode: number | null;
  signal: string | null;
  logTail: string;
}

/**
 * Postgres gone after the start (`deadPostgres` in status.json, absent while it runs): the
 * embedded postmaster exited, or the existing server stopped answering. Beside `dead`, not in
 * it: `dead` lists service instances only, and its readers rely on that.
 */
export interface DeadPostgresEntry {
  /** `embedded`: the sandbox's own postmaster; `external`: the server of `DATABASE_URL`. */
  kind: 'embedded' | 'external';
  /** The embedded postmaster's data folder, or the external server's URL without its password. */
  where: string;
  /** The postmaster's pid (embedded only). */
  pid: number | null;
  exitCode: number | null;
  signal: string | null;
  /** What was seen, e.g. `exited (killed by SIGKILL)` or `3 checks in a row failed: connect ECONNREFUSED 127.0.0.1:5432`. */
  reason: string;
  /** Its log (embedded only: an existing server's log is its own). */
  logFile: string | null;
  logTail: string;
}

export type SandboxState = 'starting' | 'ready' | 'stopping' | 'failed';

export interface StatusJson {
  pid: number;
  state: SandboxState;
  dead: DeadServiceEntry[];
  deadPostgres?: DeadPostgresEntry;
}

export class SandboxBusyError extends Error {
  constructor(
    readonly stateDir: string,
    readonly ownerPid: number,
  ) {
    super(
      `a sandbox (pid ${ownerPid}) is already running with state dir ${stateDir}; ` +
        `stop it, or start another one with --state-dir <other folder>`,
    );
    this.name = 'SandboxBusyError';
  }
}

/** Write JSON to `file` atomically: a reader sees the old content or the new, never half. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

export interface StateDir {
  dir: string;
  endpointsFile: string;
  statusFile: string;
  lockFile: string;
  /** Folder for an embedded Postgres' data. */
  pgDir: string;
  /** `deadPostgres`, once recorded, is part of every later status, and the state stays `failed`. */
  writeStatus(status: Omit<StatusJson, 'pid' | 'deadPostgres'>): void;
  /** Postgres died: written now (state `failed`), and the status file outlives `release()` for the sandbox's readers. */
  recordPostgresDeath(entry: DeadPostgresEntry, dead: DeadServiceEntry[]): void;
  writeEndpoints(endpoints: EndpointsJson): void;
  /** Databases a previous owner created on an external server and never dropped (it was killed). */
  staleDatabases?: { adminUrl: string; names: string[] };
  /** Remember the databases we create on an external server, for the same reason. */
  recordDatabases(adminUrl: string, names: string[]): void;
  /** Remember the service processes, so that a successor can stop them if we die without stopping. */
  recordChildren(children: { pid: number; argv: string[] }[]): void;
  /** Remove what this run wrote; with `keepStatus` the status file stays (a failed start's post-mortem). */
  release(opts?: { keepStatus?: boolean }): void;
}

function readLockPid(lockFile: string): number {
  try {
    return Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10) || 0;
  } catch {
    return 0;
  }
}

/**
 * A postmaster left by a sandbox that was killed (SIGKILL leaves no chance to stop it): stop it
 * if its pid still is a postgres process, so stale runs do not pile up.
 */
function stopStalePostgres(pgDir: string): void {
  if (!existsSync(pgDir)) return;
  for (const entry of readdirSync(pgDir)) {
    const pidFile = join(pgDir, entry, 'postmaster.pid');
    if (!existsSync(pidFile)) continue;
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
    if (!pid || !isAlive(pid)) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes('postgres') && cmdline.includes(join(pgDir, entry))) {
      try {
        process.kill(pid, 'SIGQUIT'); // immediate shutdown: the data is disposable
      } catch {
        /* gone meanwhile */
      }
    }
  }
  rmSync(pgDir, { recursive: true, force: true });
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** Service processes of a sandbox that was killed: SIGKILL those still running the same command (not a reused pid). */
function stopStaleChildren(file: string): void {
  if (!existsSync(file)) return;
  try {
    for (const { pid, cmdline } of JSON.parse(readFileSync(file, 'utf8')) as { pid: number; cmdline: string }[]) {
      if (pid && cmdline && isAlive(pid) && readCmdline(pid) === cmdline) process.kill(pid, 'SIGKILL');
    }
  } catch {
    /* unreadable or already gone: nothing to stop */
  }
  rmSync(file, { force: true });
}

/** Take the state folder for this process, or throw SandboxBusyError if a live sandbox owns it. */
export function acquireStateDir(dir: string): StateDir {
  mkdirSync(dir, { recursive: true });
  const lockFile = join(dir, 'sandbox.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 3) throw err;
      const owner = readLockPid(lockFile);
      if (owner && isAlive(owner)) throw new SandboxBusyError(dir, owner);
      rmSync(lockFile, { force: true }); // stale: its owner is gone
    }
  }
  let deadPostgres: DeadPostgresEntry | undefined;
  const state: StateDir = {
    dir,
    endpointsFile: join(dir, 'endpoints.json'),
    statusFile: join(dir, 'status.json'),
    lockFile,
    pgDir: join(dir, 'pg'),
    // a sandbox whose Postgres died stays `failed`, whatever it does next (its stop says `stopping`)
    writeStatus: (status) =>
      writeJsonAtomic(state.statusFile, { pid: process.pid, ...status, ...(deadPostgres ? { state: 'failed', deadPostgres } : {}) }),
    recordPostgresDeath(entry, dead) {
      deadPostgres = entry;
      state.writeStatus({ state: 'failed', dead });
    },
    writeEndpoints: (endpoints) => writeJsonAtomic(state.endpointsFile, endpoints),
    recordDatabases: (adminUrl, names) => writeJsonAtomic(join(dir, 'databases.json'), { adminUrl, names }),
    recordChildren: (children) =>
      writeJsonAtomic(
        join(dir, 'children.json'),
        // as /proc/<pid>/cmdline shows it once the child has exec'd: argv joined and ended by NULs
        children.map((c) => ({ pid: c.pid, cmdline: `${c.argv.join('\0')}\0` })),
      ),
    release(opts = {}) {
      rmSync(state.endpointsFile, { force: true });
      if (!opts.keepStatus && !deadPostgres) rmSync(state.statusFile, { force: true });
      rmSync(state.pgDir, { recursive: true, force: true });
      rmSync(join(dir, 'children.json'), { force: true });
      rmSync(join(dir, 'databases.json'), { force: true });
      if (readLockPid(lockFile) === process.pid) rmSync(lockFile, { force: true });
      try {
        if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
      } catch {
        /* already gone */
      }
    },
  };
  // Leftovers of a previous owner that did not stop cleanly.
  rmSync(state.endpointsFile, { force: true });
  stopStaleChildren(join(dir, 'children.json'));
  stopStalePostgres(state.pgDir);
  const staleDbs = join(dir, 'databases.json');
  if (existsSync(staleDbs)) {
    try {
      state.staleDatabases = JSON.parse(readFileSync(staleDbs, 'utf8')) as { adminUrl: string; names: string[] };
    } catch {
      /* unreadable: nothing to drop */
    }
    rmSync(staleDbs, { force: true });
  }
  return state;
}
