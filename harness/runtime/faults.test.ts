import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config';
import type { ResolvedConfig, ResolvedServiceConfig } from '../config-types';
import { withClient } from '../../infra/db/databases';
import { isAlive } from '../../infra/processes';
import { startSandbox, type Sandbox } from '../../infra/sandbox';
import { fakeLaunch, stillRunning } from '../../infra/test/helpers';
import { checkResponse } from './check-response';
import { loadContract } from './contract';
import type { ServiceHandle } from './define-service';
import { activeFault } from './fault-state';
import { privatePlatform, type PrivatePlatform, type PrivatePlatformOptions } from './faults';
import { poll } from './poll';
import type { RecordedCall } from './record-calls';

/**
 * The fault handles (issue 15) against fake services (infra/test/fixtures/fake-service.ts) in a
 * sandbox over the unit project's Postgres: each fault does what it says, is undone by restore
 * (also after a test that failed), leaves the sandbox's shared instances and databases alone, and
 * marks the calls made under it; nothing is left running.
 */

jest.setTimeout(60_000);

const REPO_ROOT = resolve(__dirname, '..', '..');
const adminUrl = () => process.env.HARNESS_TEST_PG_URL as string;
const templates = () => ({ migrated: process.env.HARNESS_TEST_TEMPLATE_MIGRATED as string, seeded: process.env.HARNESS_TEST_TEMPLATE_SEEDED as string });
const REQUEST_TIMEOUT_MS = 500;

let tmp: string;
let config: ResolvedConfig;
let sandbox: Sandbox;
const launches = () => [fakeLaunch('alpha', 'ok', { PEER_URL: '{baseUrl.beta}' }), fakeLaunch('beta', 'ok', { PEER_URL: '{baseUrl.alpha}' })];
const fakeService = (name: string) => ({ name, spec: join(REPO_ROOT, 'openapi', `${name}.yaml`), headers: {}, bindings: {}, requestTimeoutMs: REQUEST_TIMEOUT_MS }) as unknown as ResolvedServiceConfig;
const platforms: PrivatePlatform[] = [];
const open = (services: string[], extra: PrivatePlatformOptions = {}) => {
  const p = privatePlatform(services, { config, launches: launches(), endpointsFile: sandbox.endpointsFile, hooks: false, stopGraceMs: 2_000, readyTimeoutMs: 20_000, ...extra });
  platforms.push(p);
  return p;
};

beforeAll(async () => {
  mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
  tmp = mkdtempSync(join(REPO_ROOT, '.tmp', 'faults-test-'));
  config = { ...loadConfig(), reportsDir: join(tmp, 'reports'), services: [fakeService('alpha'), fakeService('beta')] };
  sandbox = await startSandbox({ config, services: launches(), stateDir: join(tmp, 'state'), logsDir: join(tmp, 'logs'), databaseUrl: adminUrl(), templates: templates(), readyTimeoutMs: 20_000 });
  process.env.HARNESS_CALLS_DIR = join(tmp, 'calls');
});
afterEach(async () => {
  await Promise.all(platforms.splice(0).map((p) => p.dispose()));
});
afterAll(async () => {
  await sandbox?.stop();
  delete process.env.HARNESS_CALLS_DIR;
  rmSync(tmp, { recursive: true, force: true });
});

interface RootAnswer {
  service: string;
  pid: number;
  database: string;
  peer: string;
}
const getJson = async <T>(url: string): Promise<{ status: number; body: T }> => {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: (await res.json()) as T };
};
/** Why a request failed (the cause's code, e.g. ECONNREFUSED), or 'answered'. */
const failure = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).then(
    () => 'answered',
    (err: Error & { cause?: { code?: string } }) => err.cause?.code ?? err.name,
  );
const sharedHealthy = async () => {
  for (const i of sandbox.instances) {
    expect(isAlive(i.pid)).toBe(true);
    expect((await fetch(`${i.baseUrl}/health`)).status).toBe(200);
  }
  for (const url of [sandbox.databaseUrl, sandbox.emptyDatabaseUrl]) expect(await withClient(url, async (c) => (await c.query('SELECT 1 AS one')).rows[0])).toEqual({ one: 1 });
};
const databaseExists = (name: string) => withClient(adminUrl(), async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);

test('the sandbox publishes its admin URL and templates; private instances run over a database of their own, pointed at each other or at the shared instance', async () => {
  const endpoints = JSON.parse(readFileSync(sandbox.endpointsFile, 'utf8'));
  expect(endpoints).toMatchObject({ adminUrl: sandbox.adminUrl, templates: templates() });

  const both = open(['alpha', 'beta']);
  await both.start();
  const alpha = await getJson<RootAnswer>(`${both.instance('alpha').baseUrl}/`);
  expect(alpha.body.database).toBe(both.databaseUrl);
  expect(both.databaseUrl).not.toBe(sandbox.databaseUrl);
  expect(alpha.body.peer).toBe(both.instance('beta').baseUrl);
  // the private database is a clone of the seeded template
  expect(await databaseExists(new URL(both.databaseUrl).pathname.slice(1))).toBe(true);

  const alone = open(['alpha']);
  await alone.start();
  const lone = await getJson<RootAnswer>(`${alone.instance('alpha').baseUrl}/`);
  expect(lone.body.peer).toBe(sandbox.services.beta?.baseUrl);
  expect(lone.body.database).not.toBe(both.databaseUrl);
});

test('stop refuses connections, kill is a crash, start and restart bring it back healthy; the shared instances never notice', async () => {
  const platform = open(['alpha', 'beta']);
  await platform.start();
  const alpha = platform.instance('alpha');
  const url = `${alpha.baseUrl}/health`;
  const firstPid = alpha.pid as number;

  await alpha.stop();
  expect(alpha.state).toBe('stopped');
  expect(await failure(url)).toBe('ECONNREFUSED');
  expect(isAlive(firstPid)).toBe(false);
  await sharedHealthy();
  await alpha.start();
  expect(alpha.state).toBe('running');
  expect((await fetch(url)).status).toBe(200);

  const beforeKill = alpha.pid as number;
  await alpha.kill();
  expect(alpha.state).toBe('killed');
  expect(await failure(url)).toBe('ECONNREFUSED');
  await sharedHealthy();

  await alpha.restart();
  expect(alpha.state).toBe('running');
  expect(alpha.pid).not.toBe(beforeKill);
  expect((await fetch(url)).status).toBe(200);
  // the other private instance and the shared ones ran through it all
  expect((await fetch(`${platform.instance('beta').baseUrl}/health`)).status).toBe(200);
  await sharedHealthy();
});

/** A contract for the fake alpha: GET / and GET /db (200, or a documented 503 when its database is down). */
function alphaHandle() {
  const contractFile = join(tmp, 'alpha-contract.json');
  const json = { contentType: 'application/json' };
  const operations = [
    { operationId: 'getRoot', method: 'get', path: '/', responses: { '200': json } },
    { operationId: 'queryDb', method: 'get', path: '/db', responses: { '200': json, '503': json } },
  ];
  writeFileSync(contractFile, JSON.stringify({ service: 'alpha', openapi: '3.1.0', components: {}, operations }));
  type Json = { content: { 'application/json': Record<string, unknown> } };
  type Paths = { '/': { get: { responses: { 200: Json } } }; '/db': { get: { responses: { 200: Json; 503: Json } } } };
  return { name: 'alpha', contract: loadContract(contractFile) } as unknown as ServiceHandle<Paths>;
}

test('pause: a request through the typed client fails at requestTimeoutMs, naming it; resume answers again; calls under a fault are marked', async () => {
  const handle = alphaHandle();
  const platform = open(['alpha', 'beta']);
  await platform.start();
  const api = platform.client(handle);

  expect((await api.GET('/')).response.status).toBe(200);
  await platform.instance('beta').stop();
  expect((await api.GET('/')).response.status).toBe(200); // alpha answers; beta is down meanwhile
  await platform.instance('alpha').pause();
  expect(platform.instance('alpha').state).toBe('paused');
  await expect(api.GET('/')).rejects.toThrow(`did not answer GET / (getRoot) within ${REQUEST_TIMEOUT_MS} ms`);
  await sharedHealthy();
  await platform.instance('alpha').resume();
  await platform.instance('beta').start();
  expect((await api.GET('/')).response.status).toBe(200);

  const calls = readdirSync(join(tmp, 'calls'))
    .filter((n) => n.startsWith('calls-'))
    .flatMap((n) => readFileSync(join(tmp, 'calls', n), 'utf8').trim().split('\n'))
    .map((l) => JSON.parse(l) as RecordedCall)
    .filter((c) => c.testName.startsWith('pause:'));
  expect(calls.map((c) => [c.status, c.fault, c.instance])).toEqual([
    [200, undefined, 'private'],
    [200, 'beta stopped', 'private'],
    [0, 'beta stopped; alpha paused', 'private'],
    [200, undefined, 'private'],
  ]);
});

test('database refuse: the service cannot query and no one can connect, until restore; terminate cuts its connections; the shared databases stay open', async () => {
  const platform = open(['alpha']);
  await platform.start();
  const db = `${platform.instance('alpha').baseUrl}/db`;
  const first = await getJson<{ backend: number }>(db);
  expect(first.status).toBe(200);

  await platform.database.refuse();
  expect(activeFault()).toBe('database refused');
  const refused = await getJson<{ error: string }>(db);
  expect(refused.status).toBe(503);
  expect(refused.body.error).toMatch(/not currently accepting connections|terminat/);
  await expect(withClient(platform.databaseUrl, (c) => c.query('SELECT 1'))).rejects.toThrow(/not currently accepting connections/);
  // the documented 503 passes the contract checks because a fault is active; a healthy service's 5xx never does (checks.test.ts)
  const handle = alphaHandle();
  checkResponse(handle.contract, await platform.client(handle).GET('/db'), 503);
  await sharedHealthy();
  expect((await getJson(`${sandbox.services.alpha?.baseUrl}/db`)).status).toBe(200);

  await platform.database.restore();
  expect(activeFault()).toBeUndefined();
  const back = await getJson<{ backend: number }>(db);
  expect(back.status).toBe(200);
  expect(back.body.backend).not.toBe(first.body.backend); // its old connection was terminated

  await platform.database.terminate();
  expect(activeFault()).toBe('database connections terminated');
  // the pool's one connection is gone: a query may see the termination, then the pool connects anew
  const after = await poll(() => getJson<{ backend?: number }>(db), { accept: (r) => r.status === 200, timeoutMs: 10_000 });
  expect(after.body.backend).not.toBe(back.body.backend);
  await platform.database.restore();
});

test('restore undoes every fault at once (what afterEach runs), and dispose leaves no process, database or record behind', async () => {
  const platform = open(['alpha', 'beta']);
  await platform.start();
  const pids = [platform.instance('alpha').pid as number, platform.instance('beta').pid as number];
  const dbName = new URL(platform.databaseUrl).pathname.slice(1);
  await platform.instance('alpha').pause();
  await platform.instance('beta').kill();
  await platform.database.refuse();
  expect(readdirSync(sandbox.stateDir).filter((n) => n.startsWith('private-'))).toHaveLength(1);

  await platform.restore();
  expect(activeFault()).toBeUndefined();
  for (const name of ['alpha', 'beta']) {
    expect(platform.instance(name).state).toBe('running');
    expect((await fetch(`${platform.instance(name).baseUrl}/health`)).status).toBe(200);
  }
  expect((await getJson(`${platform.instance('alpha').baseUrl}/db`)).status).toBe(200);

  const running = [...pids, platform.instance('beta').pid as number];
  await platform.dispose();
  expect(stillRunning(running)).toEqual([]);
  expect(await databaseExists(dbName)).toBe(false);
  expect(readdirSync(sandbox.stateDir).filter((n) => n.startsWith('private-'))).toEqual([]);
  await sharedHealthy();
});

test('a worker that died without disposing: the sandbox stop kills its private instances and drops their database', async () => {
  const own = await startSandbox({ config, services: launches(), stateDir: join(tmp, 'dies'), logsDir: join(tmp, 'dies-logs'), databaseUrl: adminUrl(), templates: templates(), readyTimeoutMs: 20_000 });
  const platform = open(['alpha'], { endpointsFile: own.endpointsFile });
  await platform.start();
  const pid = platform.instance('alpha').pid as number;
  await platform.instance('alpha').pause(); // even a paused one
  const dbName = new URL(platform.databaseUrl).pathname.slice(1);
  await own.stop();
  expect(stillRunning([pid])).toEqual([]);
  expect(await databaseExists(dbName)).toBe(false);
  expect(existsSync(join(tmp, 'dies'))).toBe(false);
});

test('a worker that exits without afterAll (process.exit) takes its private instances with it', async () => {
  const script = join(tmp, 'exits.ts');
  writeFileSync(
    script,
    `import { privatePlatform } from ${JSON.stringify(join(__dirname, 'faults'))};
import { fakeLaunch } from ${JSON.stringify(join(REPO_ROOT, 'infra', 'test', 'helpers'))};
const config = JSON.parse(process.env.FAULTS_TEST_CONFIG as string);
const platform = privatePlatform(['alpha', 'beta'], { config, launches: [fakeLaunch('alpha'), fakeLaunch('beta')], endpointsFile: ${JSON.stringify(sandbox.endpointsFile)}, hooks: false });
void platform.start().then(async () => {
  await platform.instance('beta').pause();
  process.stdout.write(JSON.stringify([platform.instance('alpha').pid, platform.instance('beta').pid]));
  process.exit(0);
});
`,
  );
  const { spawnSync } = await import('node:child_process');
  const run = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), script], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, FAULTS_TEST_CONFIG: JSON.stringify(config) } });
  expect(run.stderr).toBe('');
  const pids = JSON.parse(run.stdout) as number[];
  expect(pids).toHaveLength(2);
  expect(stillRunning(pids)).toEqual([]);
  // its record stays for the sandbox's stop (its database with it): nothing runs of what it names
  expect(readdirSync(sandbox.stateDir).filter((n) => n.startsWith('private-'))).toHaveLength(1);
});

test('clear errors: no sandbox, no endpoints file, an unknown service, a client before start', async () => {
  expect(() => privatePlatform(['alpha'], { config: { ...config, sandbox: false }, hooks: false })).toThrow(/#\/sandbox: is false: .*privatePlatform\(\) needs the sandbox/);
  expect(() => open(['gamma'])).toThrow(`${config.file}#/services: has no service "gamma" (its services: alpha, beta)`);
  const noFile = privatePlatform(['alpha'], { config, launches: launches(), endpointsFile: '', hooks: false });
  const saved = process.env.HARNESS_ENDPOINTS;
  delete process.env.HARNESS_ENDPOINTS;
  try {
    await expect(noFile.start()).rejects.toThrow('privatePlatform needs the sandbox: HARNESS_ENDPOINTS is not set');
  } finally {
    if (saved !== undefined) process.env.HARNESS_ENDPOINTS = saved;
  }
  const bare = join(tmp, 'bare-endpoints.json');
  writeFileSync(bare, JSON.stringify({ databaseUrl: sandbox.databaseUrl, services: {} }));
  await expect(open(['alpha'], { endpointsFile: bare }).start()).rejects.toThrow(`${bare} names none`);
  expect(() => open(['alpha']).client({ name: 'alpha' } as ServiceHandle<{}>)).toThrow('the platform is not started');
  expect(() => open(['alpha']).instance('beta')).toThrow('"beta" is not one of this private platform\'s services (alpha)');
});

describe('with its Jest hooks', () => {
  // registered in this block: its afterEach(restore) runs after each test here, failed or passed,
  // and its afterAll(dispose) at the block's end; the endpoints file is read at start()
  const hooksReports = join(REPO_ROOT, '.tmp', `faults-test-hooks-${process.pid}`);
  const hooked = privatePlatform(['alpha'], {
    config: { ...loadConfig(), reportsDir: hooksReports, services: [fakeService('alpha'), fakeService('beta')] },
    launches: launches(),
    get endpointsFile() {
      return sandbox.endpointsFile;
    },
    stopGraceMs: 2_000,
  });
  beforeAll(() => hooked.start());
  afterAll(() => rmSync(hooksReports, { recursive: true, force: true }));

  test.failing('a test that fails on purpose with alpha stopped and the database refused', async () => {
    await hooked.instance('alpha').stop();
    await hooked.database.refuse();
    throw new Error('on purpose: afterEach must restore what this test broke');
  });

  test('the next test finds alpha running, healthy and able to query', async () => {
    expect(hooked.instance('alpha').state).toBe('running');
    expect(activeFault()).toBeUndefined();
    expect((await getJson(`${hooked.instance('alpha').baseUrl}/db`)).status).toBe(200);
  });
});
