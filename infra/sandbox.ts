import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, type ResolvedConfig } from '../harness/config';
import { createDatabase, databaseUrl as urlOf, dropDatabase, prepareTemplates, withClient, type Templates } from './db/databases';
import {
  embeddedPostgresUrl,
  loadEmbeddedPostgresWithoutExitHooks,
  postmasterPid,
  startEmbeddedPostgres,
  whyUnreachableByPostgres,
  type PostgresInstance,
} from './postgres';
import { watchEmbeddedPostgres, watchPostgresServer, type PostgresWatch } from './postgres-watch';
import { findFreePorts, type Phase, type ServiceProcess } from './processes';
import { awaitInstance, checkLaunch, choosePoolSize, serviceLaunches, spawnInstance, type InstanceContext } from './sandbox-instances';
import { killPrivateInstances } from './private-instances';
import { acquireStateDir, type DeadPostgresEntry, type DeadServiceEntry, type EndpointsJson, type StateDir } from './sandbox-state';
import { SandboxStartError, type ServiceLaunch, type Stage, type StageTiming } from './sandbox-types';

// What other modules import from here (the CLI, tests, helpers), wherever it is defined now.
export { choosePoolSize, conventionalLaunch, serviceLaunches } from './sandbox-instances';
export { SandboxStartError, type ServiceLaunch, type Stage, type StageTiming } from './sandbox-types';

/**
 * The sandbox: Postgres (embedded, or an existing server from `DATABASE_URL`), migrated and
 * seeded template databases cloned into a seeded and an empty database for this run, and every
 * configured service started once over each, on free ports, supervised.
 *
 * Stages, each timed (as the pipeline of seed 001): postgres -> migrate -> seed -> databases ->
 * services -> ready. A failure names the service, its phase and the last lines of its log.
 * One instance's spawn and health wait: `sandbox-instances.ts`; embedded Postgres: `postgres.ts`.
 */

export interface SandboxOptions {
  /** Default: loadConfig() (honours HARNESS_CONFIG). */
  config?: ResolvedConfig;
  /** Override the processes to run (tests use fake services); default: each config service's `start`. */
  services?: ServiceLaunch[];
  /** endpoints.json, status.json, lock and embedded Postgres data. Default `.sandbox` beside the config. */
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
  /** Per instance, from spawn to a healthy answer. Default: the config's `sandbox.readyTimeoutMs` (60 s: eight processes on two cores shared with other jobs have taken 30; a crash is seen at once anyway). */
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
  /** Postgres went away after the start (`postgres-watch.ts`): the services are being stopped, status.json says why. */
  'postgres-exit': [DeadPostgresEntry];
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

function aborted(signal: AbortSignal | undefined, stage: Stage): void {
  if (signal?.aborted) throw new SandboxStartError(`sandbox start aborted during ${stage}`, stage);
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const t0 = performance.now();
  const config = options.config ?? loadConfig();
  if (config.sandbox === false) throw new ConfigError(config.file, '/sandbox', 'is false: the services already run, there is no sandbox to start');
  const sandboxConfig = config.sandbox;
  const launches = options.services ?? serviceLaunches(config);
  launches.forEach((launch) => checkLaunch(launch, launches.map((l) => l.name)));
  const logsDir = resolve(options.logsDir ?? join(config.reportsDir, 'logs'));
  const readyTimeoutMs = options.readyTimeoutMs ?? sandboxConfig.readyTimeoutMs;
  const graceMs = options.stopGraceMs ?? 5_000;
  const state: StateDir = acquireStateDir(resolve(options.stateDir ?? join(config.rootDir, '.sandbox')));
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
  let postgresWatch: PostgresWatch | undefined;

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
    killPrivateInstances(state.dir);
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
      postgresWatch?.stop();
      if (existsSync(state.statusFile)) state.writeStatus({ state: 'stopping', dead });
      // fault suites' private instances whose worker died without disposing of them
      const privateDatabases = killPrivateInstances(state.dir);
      await Promise.all(procs.map((p) => p.stop(graceMs)));
      if (pg) {
        const pid = postmasterPid(pg.dataDir);
        const killer = setTimeout(() => pid && process.kill(pid, 'SIGQUIT'), 10_000);
        await pg.stop();
        clearTimeout(killer);
      } else if (adminUrl) {
        for (const name of [...privateDatabases, ...ownDatabases.reverse()]) await dropDatabase(adminUrl, name).catch(() => undefined);
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
    // chosen before anything spawns; an instance moved to another port after EADDRINUSE (a port
    // taken between the choice and the spawn: rare) leaves its callers with the first one
    const portUrl = (i: number) => `http://127.0.0.1:${ports[i] as number}`;
    const serviceUrls = {
      seeded: Object.fromEntries(launches.map((l, i) => [l.name, portUrl(2 * i)])),
      empty: Object.fromEntries(launches.map((l, i) => [l.name, portUrl(2 * i + 1)])),
    };
    const ctx: InstanceContext = { poolMax, serviceUrls, logsDir, timeoutMs: readyTimeoutMs, signal, track };
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
      const unreachable = whyUnreachableByPostgres(state.pgDir);
      if (unreachable) throw new SandboxStartError(`${unreachable}, or choose another --state-dir`, 'postgres');
      await loadEmbeddedPostgresWithoutExitHooks();
      pg = await startEmbeddedPostgres({
        baseDir: state.pgDir,
        port: pgPort,
        maxConnections,
        logFile: join(logsDir, 'postgres.log'),
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
      templates = await prepareTemplates(admin, prefix, {
        sandbox: sandboxConfig,
        cwd: config.rootDir,
        signal: options.signal,
        onStage: (name, ms, detail) => stage(name, detail, ms),
      });
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
      awaitInstance(proc, launch, url, ctx, early).catch((err: unknown) => {
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
    state.writeEndpoints({ databaseUrl: seededUrl, emptyDatabaseUrl: emptyUrl, services, adminUrl: admin, templates });
    state.writeStatus({ state: 'ready', dead });
    stage('ready', 'total', performance.now() - t0);
    // Postgres gone: say so in status.json, and stop the services that can only fail without it
    const onPostgresDeath = (entry: DeadPostgresEntry): void => {
      if (phase !== 'ready') return;
      state.recordPostgresDeath(entry, dead);
      events.emit('postgres-exit', entry);
      void stopAll();
    };
    postgresWatch = pg ? watchEmbeddedPostgres(pg, onPostgresDeath) : watchPostgresServer(admin, onPostgresDeath);

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
