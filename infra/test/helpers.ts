import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isAlive } from '../processes';
import { conventionalLaunch, type ServiceLaunch } from '../sandbox';

export const FAKE_SERVICE = resolve(__dirname, 'fixtures', 'fake-service.ts');

/** A fake service (infra/test/fixtures/fake-service.ts) under `name`, in a FAKE_MODE. */
export function fakeLaunch(name: string, mode = 'ok', extraEnv: NodeJS.ProcessEnv = {}): ServiceLaunch {
  const launch = conventionalLaunch(name, [process.execPath, '--require', require.resolve('tsx/cjs'), FAKE_SERVICE], process.cwd());
  return { ...launch, env: { ...launch.env, FAKE_MODE: mode, ...(extraEnv as Record<string, string>) } };
}

/** Every process whose ancestry leads to `root` (from /proc), root excluded. */
export function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(join('/proc', entry, 'stat'), 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
    } catch {
      /* exited while we looked */
    }
  }
  const out: number[] = [];
  const frontier = [root];
  while (frontier.length) {
    const p = frontier.pop() as number;
    for (const [pid, ppid] of parent) {
      if (ppid === p) {
        out.push(pid);
        frontier.push(pid);
      }
    }
  }
  return out;
}

/** The command line of a process ('' once it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Processes of `pids` still running (zombies count as gone: they hold nothing). */
export function stillRunning(pids: number[]): number[] {
  return pids.filter((pid) => {
    if (!isAlive(pid)) return false;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  });
}

export async function waitFor<T>(fn: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
