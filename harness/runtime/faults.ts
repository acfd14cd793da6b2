import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Client } from 'openapi-fetch';
import { ConfigError, loadConfig, type ResolvedConfig } from '../config';
import { readEndpointsFile, type EndpointsFile } from '../endpoints';
import { privateCmdline, privateRecordFile, writePrivateRecord } from '../../infra/private-instances';
import { findFreePorts, type ServiceProcess } from '../../infra/processes';
import { awaitInstance, serviceLaunches, spawnInstance, type InstanceContext } from '../../infra/sandbox-instances';
import type { ServiceLaunch } from '../../infra/sandbox-types';
import { createServiceClient, type ServiceHandle } from './define-service';
import type { InstanceState, PrivateDatabase, PrivateInstance, PrivatePlatform, PrivatePlatformOptions } from './faults-types';
import { clearFault, setFault } from './fault-state';

/**
 * Faults on purpose, for hand-written suites (issue 15): instances of one's own, stopped, killed,
 * paused or cut from their database, and always restored when the test ends.
 *
 *   const platform = privatePlatform(['risk', 'trading']);   // at the file's top level
 *   beforeAll(() => platform.start());
 *   test('an order while risk is down is a 503', async () => {
 *     const api = platform.client(trading);                   // the private trading
 *     await platform.instance('risk').stop();
 *     ok(await api.POST('/runs/{runId}/orders', ...), 503);
 *   });
 *
 * `start()` clones the sandbox's seeded template database into a database of this platform's own
 * and starts each named service from its config `start`, as the sandbox does (the same spawn and
 * health wait), on free ports; `{baseUrl.<service>}` points an instance at the private instance of
 * that service when it is in the list, else at the sandbox's shared seeded one. Nothing shared is
 * ever touched: the faults act on these processes and this database alone.
 *
 * At the file's top level it registers `afterEach(restore)`, which resumes what is paused, starts
 * what is stopped or killed and waits until it is healthy, and lets the database take connections
 * again, whether the test passed or failed; and `afterAll(dispose)`, which stops the instances and
 * drops the database. A worker that exits without it SIGKILLs them (process 'exit'); one killed
 * outright leaves its record in the sandbox's state folder, and the sandbox's stop kills them.
 *
 * While a fault is active, every call this test file makes is recorded with it
 * (`RecordedCall.fault`, e.g. `risk stopped`), and the private instance's calls with
 * `instance: 'private'`: the coverage report says which statuses were seen under a fault.
 * A database fault (`terminate`, `refuse`) stays active until `database.restore()` or the test's end.
 */

export type { InstanceState, PrivateDatabase, PrivateInstance, PrivatePlatform, PrivatePlatformOptions } from './faults-types';

/** Connections each private instance may pool: a few, beside the sandbox's instances. */
const PRIVATE_POOL_MAX = 3;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const databases = (): typeof import('../../infra/db/databases') => require('../../infra/db/databases') as typeof import('../../infra/db/databases');

interface Slot {
  launch: ServiceLaunch;
  port: number;
  proc?: ServiceProcess;
  state: InstanceState;
}

/** The sandbox's side of a private platform: where its server and templates are, and where the shared instances answer. */
function readSandbox(config: ResolvedConfig, endpointsFile: string | undefined): { file: string; endpoints: EndpointsFile & Required<Pick<EndpointsFile, 'adminUrl' | 'templates'>> } {
  if (!endpointsFile) {
    throw new Error('privatePlatform needs the sandbox: HARNESS_ENDPOINTS is not set (the harness\'s Jest global setup or `contract-harness gate` sets it once the sandbox is up)');
  }
  const endpoints = readEndpointsFile(endpointsFile);
  if (!endpoints.adminUrl || !endpoints.templates) {
    throw new Error(`privatePlatform needs the sandbox's admin URL and seeded template database, and ${endpointsFile} names none: it was not written by this harness's sandbox (${config.file})`);
  }
  return { file: endpointsFile, endpoints: { ...endpoints, adminUrl: endpoints.adminUrl, templates: endpoints.templates } };
}

export function privatePlatform(services: readonly string[], options: PrivatePlatformOptions = {}): PrivatePlatform {
  const config = options.config ?? loadConfig();
  if (config.sandbox === false) {
    throw new ConfigError(config.file, '/sandbox', 'is false: the services run elsewhere, and a private platform starts instances of its own beside a sandbox; privatePlatform() needs the sandbox');
  }
  const names = [...new Set(services)];
  if (names.length === 0) throw new Error('privatePlatform([]) names no service');
  for (const name of names) {
    const index = config.services.findIndex((s) => s.name === name);
    if (index < 0) throw new ConfigError(config.file, '/services', `has no service "${name}" (its services: ${config.services.map((s) => s.name).join(', ')}), which privatePlatform() names`);
    if (!options.launches && !config.services[index]?.start) throw new ConfigError(config.file, `/services/${index}/start`, 'required: a private platform starts the service from it');
  }
  const launches = options.launches ?? serviceLaunches({ ...config, services: config.services.filter((s) => s.start) });
  const slots = new Map<string, Slot>();
  for (const name of names) {
    const launch = launches.find((l) => l.name === name);
    if (!launch) throw new Error(`privatePlatform: no launch for service "${name}"`);
    slots.set(name, { launch, port: 0, state: 'not started' });
  }
  const id = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const dbName = `private_${id}`;
  const graceMs = options.stopGraceMs ?? 5_000;
  const readyTimeoutMs = options.readyTimeoutMs ?? config.sandbox.readyTimeoutMs;
  const logsDir = join(config.reportsDir, 'logs', `private-${id.replace('_', '-')}`);
  const faultKey = (what: string) => `${id}:${what}`;
  const faults = new Set<string>();
  const fault = (what: string, description: string) => {
    faults.add(what);
    setFault(faultKey(what), description);
  };
  const unfault = (what: string) => {
    faults.delete(what);
    clearFault(faultKey(what));
  };

  const spawned: ServiceProcess[] = [];
  let adminUrl = '';
  let dbUrl = '';
  let recordFile = '';
  let ctx: InstanceContext | undefined;
  let starting: Promise<void> | undefined;
  let disposed = false;
  let databaseRefused = false;

  const record = () => {
    if (!recordFile) return;
    const children = spawned.filter((p) => !p.exitInfo()).map((p) => ({ pid: p.pid, cmdline: privateCmdline(p.child.spawnargs) }));
    writePrivateRecord(recordFile, { owner: process.pid, children, database: dbName });
  };
  const killOnExit = () => {
    for (const p of spawned) if (!p.exitInfo()) p.child.kill('SIGKILL');
  };

  const slotOf = (service: string): Slot => {
    const slot = slots.get(service);
    if (!slot) throw new Error(`"${service}" is not one of this private platform's services (${names.join(', ')})`);
    return slot;
  };
  const requireStarted = (what: string): void => {
    if (!ctx) throw new Error(`privatePlatform(${JSON.stringify(names)}).${what}: the platform is not started; call \`beforeAll(() => platform.start())\` (or await platform.start()) first`);
    if (disposed) throw new Error(`privatePlatform(${JSON.stringify(names)}).${what}: the platform was disposed of (afterAll)`);
  };

  /** Spawn the slot's service on its port and wait until it is healthy. */
  const bringUp = async (service: string, slot: Slot, again: boolean): Promise<void> => {
    const c = ctx as InstanceContext;
    const proc = spawnInstance(slot.launch, 'seeded', slot.port, dbUrl, c, again);
    let ready: ServiceProcess;
    try {
      ready = await awaitInstance(proc, slot.launch, dbUrl, c, false);
    } catch (err) {
      slot.state = 'stopped';
      throw new Error(`private instance of "${service}" did not come up: ${(err as Error).message}`);
    }
    if (ready.port !== slot.port) {
      await ready.stop(graceMs);
      slot.state = 'stopped';
      throw new Error(`private instance of "${service}" could not listen on its port ${slot.port} again (another process took it)`);
    }
    slot.proc = ready;
    slot.state = 'running';
  };

  const doStart = async (): Promise<void> => {
    const { file, endpoints } = readSandbox(config, options.endpointsFile ?? process.env.HARNESS_ENDPOINTS);
    adminUrl = endpoints.adminUrl;
    recordFile = privateRecordFile(dirname(file), id);
    const ports = await findFreePorts(slots.size);
    [...slots.values()].forEach((slot, i) => (slot.port = ports[i] as number));
    // {baseUrl.<service>}: a private instance where there is one, else the shared seeded one
    const urls: Record<string, string> = Object.fromEntries(Object.entries(endpoints.services).map(([name, e]) => [name, e.baseUrl]));
    for (const [name, slot] of slots) urls[name] = `http://127.0.0.1:${slot.port}`;
    process.on('exit', killOnExit);
    record();
    dbUrl = await databases().createDatabase(adminUrl, dbName, endpoints.templates.seeded);
    const track = (p: ServiceProcess) => {
      spawned.push(p);
      record(); // on spawn only: the sandbox's stop skips a recorded pid that exited (or was reused)
    };
    ctx = { poolMax: PRIVATE_POOL_MAX, serviceUrls: { seeded: urls, empty: urls }, logsDir, timeoutMs: readyTimeoutMs, track };
    await Promise.all([...slots].map(([name, slot]) => bringUp(name, slot, false)));
  };

  const signal = (service: string, slot: Slot, sig: NodeJS.Signals): void => {
    const p = slot.proc;
    if (!p || p.exitInfo()) throw new Error(`private instance of "${service}" is ${slot.state}: there is no process to send ${sig}`);
    process.kill(p.pid, sig);
  };

  const instances = new Map<string, PrivateInstance>();
  const instance = (service: string): PrivateInstance => {
    const slot = slotOf(service);
    const existing = instances.get(service);
    if (existing) return existing;
    const running = () => slot.proc !== undefined && !slot.proc.exitInfo();
    const handle: PrivateInstance = {
      service,
      get baseUrl() {
        requireStarted(`instance("${service}").baseUrl`);
        return `http://127.0.0.1:${slot.port}`;
      },
      get state() {
        return slot.state;
      },
      get pid() {
        return running() ? slot.proc?.pid : undefined;
      },
      async stop() {
        await platform.start();
        fault(`instance:${service}`, `${service} stopped`);
        if (!running()) return;
        if (slot.state === 'paused') signal(service, slot, 'SIGCONT'); // SIGTERM waits for a stopped process to run
        await slot.proc?.stop(graceMs);
        slot.state = 'stopped';
      },
      async kill() {
        await platform.start();
        fault(`instance:${service}`, `${service} killed`);
        if (!running()) return;
        signal(service, slot, 'SIGKILL');
        await slot.proc?.exited;
        slot.state = 'killed';
      },
      async start() {
        await platform.start();
        if (slot.state === 'paused') return handle.resume();
        if (running()) return;
        await bringUp(service, slot, true);
        unfault(`instance:${service}`);
      },
      async restart() {
        await handle.stop();
        await handle.start();
      },
      async pause() {
        await platform.start();
        fault(`instance:${service}`, `${service} paused`);
        signal(service, slot, 'SIGSTOP');
        slot.state = 'paused';
      },
      async resume() {
        await platform.start();
        if (slot.state !== 'paused') return;
        signal(service, slot, 'SIGCONT');
        slot.state = 'running';
        unfault(`instance:${service}`);
      },
    };
    instances.set(service, handle);
    return handle;
  };

  const adminQuery = async (text: string, values: unknown[] = []): Promise<void> => {
    await databases().withClient(adminUrl, async (c) => {
      await c.query(text, values);
    });
  };
  const quoted = `"${dbName}"`;
  const terminateConnections = () => adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
  const database: PrivateDatabase = {
    get url() {
      requireStarted('database.url');
      return dbUrl;
    },
    async terminate() {
      await platform.start();
      if (!databaseRefused) fault('database', 'database connections terminated');
      await terminateConnections();
    },
    async refuse() {
      await platform.start();
      fault('database', 'database refused');
      databaseRefused = true;
      await adminQuery(`ALTER DATABASE ${quoted} WITH ALLOW_CONNECTIONS false`);
      await terminateConnections();
    },
    async restore() {
      await platform.start();
      if (databaseRefused) await adminQuery(`ALTER DATABASE ${quoted} WITH ALLOW_CONNECTIONS true`);
      databaseRefused = false;
      unfault('database');
    },
  };

  const platform: PrivatePlatform = {
    services: names,
    start() {
      if (disposed) return Promise.reject(new Error(`privatePlatform(${JSON.stringify(names)}): disposed of; it cannot start again`));
      starting ??= doStart();
      return starting;
    },
    client<Paths extends {}>(handle: ServiceHandle<Paths>): Client<Paths> {
      const slot = slotOf(handle.name);
      requireStarted(`client(${handle.name})`);
      const service = config.services.find((s) => s.name === handle.name);
      if (!service) throw new ConfigError(config.file, '/services', `has no service "${handle.name}"`);
      return createServiceClient<Paths>({ config, service, contract: handle.contract, phase: 'seeded', baseUrl: `http://127.0.0.1:${slot.port}`, instance: 'private' }).client;
    },
    instance,
    database,
    get databaseUrl() {
      return database.url;
    },
    async restore() {
      if (!ctx || disposed) {
        for (const what of [...faults]) unfault(what);
        return;
      }
      await Promise.all(
        [...slots].map(async ([service, slot]) => {
          if (slot.state === 'paused') await instance(service).resume();
          else if (slot.state !== 'running' || !slot.proc || slot.proc.exitInfo()) await bringUp(service, slot, true);
        }),
      );
      if (databaseRefused) await adminQuery(`ALTER DATABASE ${quoted} WITH ALLOW_CONNECTIONS true`);
      databaseRefused = false;
      for (const what of [...faults]) unfault(what);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await starting?.catch(() => undefined);
      for (const what of [...faults]) unfault(what);
      await Promise.all(
        spawned.map(async (p) => {
          if (p.exitInfo()) return;
          try {
            process.kill(p.pid, 'SIGCONT'); // a paused one would hold SIGTERM until it runs again
          } catch {
            /* exited meanwhile */
          }
          await p.stop(graceMs);
        }),
      );
      if (dbUrl) await databases().dropDatabase(adminUrl, dbName);
      process.removeListener('exit', killOnExit);
      if (recordFile) rmSync(recordFile, { force: true });
      // the instances' logs: an instance that did not come up had its log tail in the error already
      rmSync(logsDir, { recursive: true, force: true });
    },
  };

  if (options.hooks !== false) registerHooks(platform);
  return platform;
}

/** afterEach(restore) and afterAll(dispose), from the file's top level (or a describe). */
function registerHooks(platform: PrivatePlatform): void {
  const g = globalThis as { afterEach?: (fn: () => Promise<void>) => void; afterAll?: (fn: () => Promise<void>) => void; expect?: { getState?: () => { currentTestName?: string } } };
  if (typeof g.afterEach !== 'function' || typeof g.afterAll !== 'function') {
    throw new Error('privatePlatform() registers afterEach and afterAll, and Jest\'s globals are not here: call it in a Jest test file, or pass { hooks: false } and call restore() and dispose() yourself');
  }
  if (g.expect?.getState?.().currentTestName !== undefined) {
    throw new Error('privatePlatform() registers afterEach and afterAll: call it at the top level of a test file (or in a describe), not inside a test');
  }
  g.afterEach(() => platform.restore());
  g.afterAll(() => platform.dispose());
}
