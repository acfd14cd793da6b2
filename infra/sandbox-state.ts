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
  databaseUrl: string;
  services: Record<string, { baseUrl: string; emptyBaseUrl: string }>;
}

export interface DeadServiceEntry {
  service: string;
  phase: Phase;
  exitCode: number | null;
  signal: string | null;
  logTail: string;
}

export type SandboxState = 'starting' | 'ready' | 'stopping' | 'failed';

export interface StatusJson {
  pid: number;
  state: SandboxState;
  dead: DeadServiceEntry[];
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
  writeStatus(status: Omit<StatusJson, 'pid'>): void;
  writeEndpoints(endpoints: EndpointsJson): void;
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
  const state: StateDir = {
    dir,
    endpointsFile: join(dir, 'endpoints.json'),
    statusFile: join(dir, 'status.json'),
    lockFile,
    pgDir: join(dir, 'pg'),
    writeStatus: (status) => writeJsonAtomic(state.statusFile, { pid: process.pid, ...status }),
    writeEndpoints: (endpoints) => writeJsonAtomic(state.endpointsFile, endpoints),
    release(opts = {}) {
      rmSync(state.endpointsFile, { force: true });
      if (!opts.keepStatus) rmSync(state.statusFile, { force: true });
      rmSync(state.pgDir, { recursive: true, force: true });
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
  stopStalePostgres(state.pgDir);
  return state;
}
