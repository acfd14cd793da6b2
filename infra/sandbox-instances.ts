import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type ResolvedConfig } from '../harness/config';
import { findFreePorts, spawnService, waitForHealth, type Phase, type ServiceProcess } from './processes';
import { REPO_ROOT, SandboxStartError, type ServiceLaunch } from './sandbox-types';

/**
 * The service instances of a sandbox: which processes to launch, how many connections each
 * may pool, and spawning one instance and waiting for it to be healthy (`sandbox.ts` runs every
 * launch twice, over the seeded and the empty database).
 */

const TSX_CJS = require.resolve('tsx/cjs');

/**
 * Connections per service instance: all instances together stay under the server's
 * max_connections, leaving `reserve` for tests, admin work and what already runs there.
 */
export function choosePoolSize(opts: { maxConnections: number; inUse: number; instances: number; reserve?: number; cap?: number }): number {
  const free = opts.maxConnections - opts.inUse - (opts.reserve ?? 20);
  const per = Math.floor(free / Math.max(1, opts.instances));
  if (per < 1) {
    throw new Error(
      `Postgres allows ${opts.maxConnections} connections and ${opts.inUse} are in use: not enough for ${opts.instances} service instances`,
    );
  }
  return Math.min(opts.cap ?? 10, per);
}

/**
 * The reference services: `services/<name>/main.ts` run by node with tsx's CommonJS hook
 * (`--require tsx/cjs`): one process each, no tsx CLI wrapper, and half the start-up CPU of
 * `--import tsx` (no ESM loader thread), which counts with eight processes on two cores.
 */
export function defaultServiceLaunches(config: ResolvedConfig): ServiceLaunch[] {
  return config.services.map((svc, i) => {
    const main = join(REPO_ROOT, 'services', svc.name, 'main.ts');
    if (!existsSync(main)) {
      throw new ConfigError(
        config.file,
        `/services/${i}/name`,
        `"sandbox" is true but there is no reference service ${main}; set "sandbox": false and start the services yourself`,
      );
    }
    return { name: svc.name, command: [process.execPath, '--require', TSX_CJS, main] };
  });
}

/** What every instance of one start shares. */
export interface InstanceContext {
  poolMax: number;
  logsDir: string;
  timeoutMs: number;
  signal?: AbortSignal;
  track: (p: ServiceProcess) => void;
}

export function spawnInstance(
  launch: ServiceLaunch,
  phase: Phase,
  port: number,
  databaseUrl: string,
  ctx: InstanceContext,
  appendLog = false,
): ServiceProcess {
  const proc = spawnService({
    appendLog,
    name: launch.name,
    phase,
    command: launch.command,
    cwd: REPO_ROOT,
    port,
    logFile: join(ctx.logsDir, `${launch.name}-${phase}.log`),
    env: {
      ...process.env,
      ...launch.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PG_POOL_MAX: String(ctx.poolMax),
      SERVICE_NAME: launch.name,
    },
  });
  ctx.track(proc);
  return proc;
}

/**
 * Wait for an instance spawned earlier to answer its health check. Spawned while its database
 * was still being made, it gets one more start if it exited meanwhile (a service that connects
 * at start-up); one that lost its port to another process (EADDRINUSE) gets a new port.
 */
export async function awaitInstance(first: ServiceProcess, launch: ServiceLaunch, databaseUrl: string, ctx: InstanceContext): Promise<ServiceProcess> {
  let proc = first;
  let respawnedEarlyExit = false;
  for (let attempt = 0; ; attempt++) {
    if (!respawnedEarlyExit && proc === first && proc.exitInfo()) {
      respawnedEarlyExit = true;
      proc = spawnInstance(launch, proc.phase, proc.port, databaseUrl, ctx, true);
    }
    const health = await waitForHealth(proc, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
    if (health.ok) return proc;
    const tail = proc.logTail(20);
    if (health.reason === 'exited' && /EADDRINUSE/.test(tail) && attempt < 2) {
      const [port] = (await findFreePorts(1)) as [number];
      proc = spawnInstance(launch, proc.phase, port, databaseUrl, ctx, true);
      continue;
    }
    if (health.reason !== 'exited') await proc.stop(1_000);
    if (health.reason === 'aborted') throw new SandboxStartError('sandbox start aborted while services were starting', 'services');
    throw new SandboxStartError(
      `service "${launch.name}" (${proc.phase} instance, port ${proc.port}) did not come up: ${health.detail}\n` +
        `--- last lines of ${proc.logFile} ---\n${tail || '(empty log)'}`,
      'services',
      launch.name,
      proc.phase,
      tail,
      proc.exitInfo(),
    );
  }
}
