import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from './processes';
import { writeJsonAtomic } from './sandbox-state';

/**
 * What a fault suite's private platform (`harness/runtime/faults.ts`) leaves in the sandbox's
 * state folder: `private-<pid>_<hex>.json`, the processes it spawned and the database it cloned.
 * The platform removes its file when it is disposed of; a Jest worker that died before (SIGKILL,
 * an OOM) leaves it, and the sandbox's stop kills what it lists and drops its database, so no
 * private instance outlives the run.
 */

export interface PrivateRecord {
  /** The process that owns the platform (a Jest worker). */
  owner: number;
  /** As /proc/<pid>/cmdline shows it: argv joined and ended by NULs, so a reused pid is never killed. */
  children: { pid: number; cmdline: string }[];
  /** The private database's name on the sandbox's server. */
  database: string;
}

/** `id`: the owner's pid, `_`, a random hex suffix (one platform of several in a worker). */
export const privateRecordFile = (stateDir: string, id: string): string => join(stateDir, `private-${id}.json`);

export function writePrivateRecord(file: string, record: PrivateRecord): void {
  writeJsonAtomic(file, record);
}

const cmdlineOf = (argv: readonly string[]): string => `${argv.join('\0')}\0`;
export { cmdlineOf as privateCmdline };

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/**
 * SIGKILL every private instance recorded in `stateDir` that still runs its recorded command, and
 * remove the records. Returns the databases they name, for the caller to drop (an embedded
 * server goes with its data anyway).
 */
export function killPrivateInstances(stateDir: string): string[] {
  if (!existsSync(stateDir)) return [];
  const databases: string[] = [];
  for (const name of readdirSync(stateDir)) {
    if (!/^private-\d+_[0-9a-f]+\.json$/.test(name)) continue;
    const file = join(stateDir, name);
    try {
      const record = JSON.parse(readFileSync(file, 'utf8')) as PrivateRecord;
      for (const { pid, cmdline } of record.children ?? []) {
        if (!pid || !cmdline || !isAlive(pid) || readCmdline(pid) !== cmdline) continue;
        process.kill(pid, 'SIGKILL');
      }
      if (record.database) databases.push(record.database);
    } catch {
      /* unreadable, or gone meanwhile: nothing more to stop */
    }
    rmSync(file, { force: true });
  }
  return databases;
}
