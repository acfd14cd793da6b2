import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { ConfigError, escapePointer, type ResolvedConfig } from '../harness/config';
import { databasePlaceholders, expandPlaceholders, serviceUrlPlaceholders, type PlaceholderValues } from '../harness/placeholders';
import { findFreePorts, spawnService, waitForHealth, type Phase, type ServiceProcess } from './processes';
import { SandboxStartError, type ServiceLaunch } from './sandbox-types';

/**
 * The service instances of a sandbox: which processes to launch, how many connections each
 * may pool, and spawning one instance and waiting for it to be healthy (`sandbox.ts` runs every
 * launch twice, over the seeded and the empty database).
 */

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

/** Every config service's `start`, as the sandbox runs it. A service without one is a config error. */
export function serviceLaunches(config: ResolvedConfig): ServiceLaunch[] {
  return config.services.map((svc, i) => {
    if (!svc.start) throw new ConfigError(config.file, `/services/${i}/start`, 'required when the sandbox runs the services');
    const { command, cwd, env, health, pointer } = svc.start;
    return { name: svc.name, command, cwd, env, health, origin: { file: config.file, pointer } };
  });
}

/**
 * A launch that keeps the environment convention of the reference services (PORT, DATABASE_URL,
 * HOST, PG_POOL_MAX, SERVICE_NAME): for the test and bench commands given on the command line.
 */
export function conventionalLaunch(name: string, command: string[], cwd: string): ServiceLaunch {
  const env = { PORT: '{port}', DATABASE_URL: '{databaseUrl}', HOST: '127.0.0.1', PG_POOL_MAX: '{poolMax}', SERVICE_NAME: name };
  return { name, command, cwd, env, health: '/health' };
}

/**
 * Is the launch's program there? Checked before anything starts, so that a typo is a config error
 * naming the key, not a service that "exited with code 127".
 */
export function findProgram(program: string, cwd: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates = program.includes('/') ? [resolve(cwd, program)] : path.split(delimiter).filter(Boolean).map((dir) => join(dir, program));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * Before anything starts: every placeholder and `${ENV}` of a launch can be expanded and its
 * program exists. Each problem is a ConfigError at the key that holds it (exit 2).
 */
export function checkLaunch(launch: ServiceLaunch, services: readonly string[] = [launch.name]): void {
  const file = launch.origin?.file ?? `service "${launch.name}"`;
  const pointer = launch.origin?.pointer ?? '';
  const sample: PlaceholderValues = {
    ...databasePlaceholders('postgres://u:p@127.0.0.1:5432/db'),
    ...serviceUrlPlaceholders(Object.fromEntries(services.map((name) => [name, 'http://127.0.0.1:1']))),
    port: '1',
    phase: 'seeded',
    poolMax: '1',
    host: '127.0.0.1',
  };
  const expand = (value: string, at: string): string => {
    try {
      return expandPlaceholders(value, sample, 'value');
    } catch (err) {
      throw new ConfigError(file, `${pointer}${at}`, (err as Error).message.replace(/^value: /, ''));
    }
  };
  for (const [key, value] of Object.entries(launch.env)) expand(value, `/env/${escapePointer(key)}`);
  const argv = launch.command.map((arg, i) => expand(arg, `/command/${i}`));
  const program = argv[0] ?? '';
  if (!findProgram(program, launch.cwd)) {
    throw new ConfigError(file, `${pointer}/command/0`, `command not found: "${program}" (${program.includes('/') ? `relative to ${launch.cwd}` : 'not on PATH'})`);
  }
}

/** What every instance of one start shares. */
export interface InstanceContext {
  poolMax: number;
  /** `{baseUrl.<service>}`: where each service's instance of a phase answers. */
  serviceUrls: Record<Phase, Record<string, string>>;
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
  const values: PlaceholderValues = {
    ...databasePlaceholders(databaseUrl),
    ...serviceUrlPlaceholders(ctx.serviceUrls[phase]),
    port: String(port),
    phase,
    poolMax: String(ctx.poolMax),
    host: '127.0.0.1',
  };
  const where = launch.origin ? `${launch.origin.file}#${launch.origin.pointer}` : `service "${launch.name}"`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(launch.env)) env[key] = expandPlaceholders(value, values, `${where}/env/${key}`);
  const proc = spawnService({
    appendLog,
    name: launch.name,
    phase,
    command: launch.command.map((arg, i) => expandPlaceholders(arg, values, `${where}/command/${i}`)),
    cwd: launch.cwd,
    port,
    logFile: join(ctx.logsDir, `${launch.name}-${phase}.log`),
    health: launch.health,
    env,
  });
  ctx.track(proc);
  return proc;
}

/**
 * Wait for an instance to answer its health check. One spawned before its database existed
 * (`spawnedEarly`) and exited before it was ever healthy gets one more start, whenever its exit
 * is seen (a service that connects at start-up may fail before or after the database appears);
 * one that lost its port to another process (EADDRINUSE) gets a new port.
 */
export async function awaitInstance(
  first: ServiceProcess,
  launch: ServiceLaunch,
  databaseUrl: string,
  ctx: InstanceContext,
  spawnedEarly: boolean,
): Promise<ServiceProcess> {
  let proc = first;
  for (let attempt = 0; ; attempt++) {
    const health = await waitForHealth(proc, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
    if (health.ok) return proc;
    if (health.reason === 'exited' && spawnedEarly && proc === first) {
      proc = spawnInstance(launch, proc.phase, proc.port, databaseUrl, ctx, true);
      continue;
    }
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
