import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeDeadPostgres, readSandboxStatus } from '../harness/endpoints';
import { loadConfig } from '../harness/config';
import type { ResolvedConfig } from '../harness/config-types';
import { loadEmbeddedPostgresWithoutExitHooks, startEmbeddedPostgres, type PostgresInstance } from './postgres';
import { createServer, type Socket } from 'node:net';
import { redactedUrl, watchPostgresServer } from './postgres-watch';
import { findFreePort } from './postgres';
import { startSandbox, type Sandbox } from './sandbox';
import type { DeadPostgresEntry } from './sandbox-state';
import { descendants, fakeLaunch, stillRunning, waitFor } from './test/helpers';

const REPO_ROOT = resolve(__dirname, '..');

/**
 * Postgres killed under a running sandbox (fake services): the embedded postmaster, and an
 * existing server (the DATABASE_URL path, here a private embedded Postgres of this test, since
 * the unit project's own server must live on). Each: status.json's `deadPostgres`, the event,
 * the message with the log tail, every service stopped, nothing of Postgres left running. The
 * CLI's side (exit 1) is in sandbox-cli.test.ts.
 */

jest.setTimeout(90_000);

let tmp: string;
let config: ResolvedConfig;
const running: Sandbox[] = [];
const servers: PostgresInstance[] = [];

beforeAll(async () => {
  mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
  tmp = mkdtempSync(join(REPO_ROOT, '.tmp', 'pg-watch-test-'));
  chmodSync(tmp, 0o755); // as root, the embedded Postgres runs as "postgres" and must reach its data
  config = { ...loadConfig(), reportsDir: join(tmp, 'reports') };
  await loadEmbeddedPostgresWithoutExitHooks();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function nextPostgresExit(sandbox: Sandbox): Promise<DeadPostgresEntry> {
  return new Promise((done) => sandbox.events.once('postgres-exit', done));
}

test('the embedded postmaster SIGKILLed: status.json names it with its log tail, the services are stopped, nothing is left', async () => {
  const stateDir = join(tmp, 'embedded');
  const logsDir = join(tmp, 'embedded-logs');
  const sandbox = await startSandbox({ config, services: [fakeLaunch('alpha')], stateDir, logsDir, readyTimeoutMs: 30_000 });
  running.push(sandbox);
  const postmaster = sandbox.postgresPid as number;
  expect(postmaster).toBeGreaterThan(0);
  const backends = descendants(postmaster); // checkpointer, walwriter, the services' idle connections...
  const services = sandbox.instances.map((i) => i.pid);
  const died = nextPostgresExit(sandbox);

  process.kill(postmaster, 'SIGKILL');
  const entry = await died;
  const dataDir = join(stateDir, 'pg', `pg-${new URL(sandbox.adminUrl).port}`);
  expect(entry).toEqual({
    kind: 'embedded',
    where: dataDir,
    pid: postmaster,
    exitCode: null,
    signal: 'SIGKILL',
    reason: 'exited (killed by SIGKILL)',
    logFile: join(logsDir, 'postgres.log'),
    logTail: expect.stringContaining('database system is ready to accept connections'),
  });
  const status = readSandboxStatus(sandbox.statusFile);
  expect(status).toEqual({ pid: process.pid, state: 'failed', dead: [], deadPostgres: entry });
  const message = describeDeadPostgres(status?.deadPostgres as DeadPostgresEntry);
  expect(message).toContain(`the sandbox's Postgres (embedded, data dir ${dataDir}, pid ${postmaster}) died: exited (killed by SIGKILL); every service that uses it is stopped; last lines of its log ${join(logsDir, 'postgres.log')}:\n`);
  expect(message).toContain('database system is ready to accept connections');

  // the sandbox stops its services by itself; Postgres's own children follow their postmaster
  await waitFor(() => stillRunning([...services, ...backends]).length === 0, 30_000, 'the services and the postmaster\'s children to exit');
  await sandbox.stop(); // returns though Postgres is gone already
  expect(existsSync(`/tmp/.s.PGSQL.${new URL(sandbox.adminUrl).port}.lock`)).toBe(false);
  // the status file stays for the sandbox's readers (the gate, the suites' global setup)
  expect(readSandboxStatus(sandbox.statusFile)).toMatchObject({ state: 'failed', deadPostgres: entry });
});

test('an existing server (DATABASE_URL) that goes away: named by its URL, without the password, after checks in a row fail', async () => {
  const server = await startEmbeddedPostgres({ baseDir: join(tmp, 'server'), initdbCacheDir: join(tmpdir(), 'harness-initdb-cache') });
  servers.push(server);
  const sandbox = await startSandbox({
    config,
    services: [fakeLaunch('alpha')],
    stateDir: join(tmp, 'external'),
    logsDir: join(tmp, 'external-logs'),
    databaseUrl: server.url,
    readyTimeoutMs: 30_000,
  });
  running.push(sandbox);
  const services = sandbox.instances.map((i) => i.pid);
  const died = nextPostgresExit(sandbox);

  process.kill(server.pid, 'SIGKILL');
  const entry = await died;
  expect(entry).toEqual({
    kind: 'external',
    where: redactedUrl(server.url),
    pid: null,
    exitCode: null,
    signal: null,
    reason: expect.stringMatching(/^3 checks in a row \(connect and SELECT 1 within 3000 ms\) failed; the last: .*ECONNREFUSED/),
    logFile: null,
    logTail: '',
  });
  expect(entry.where).not.toContain(new URL(server.url).password);
  expect(readSandboxStatus(sandbox.statusFile)).toMatchObject({ state: 'failed', deadPostgres: entry });
  expect(describeDeadPostgres(entry)).toMatch(/^Postgres at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres \(the existing server the sandbox uses\) died: 3 checks in a row/);
  await waitFor(() => stillRunning(services).length === 0, 30_000, 'the services to be stopped');
});

test('a sandbox stopped on request reports no Postgres death', async () => {
  const sandbox = await startSandbox({
    config,
    services: [fakeLaunch('alpha')],
    stateDir: join(tmp, 'calm'),
    logsDir: join(tmp, 'calm-logs'),
    readyTimeoutMs: 30_000,
  });
  const events: unknown[] = [];
  sandbox.events.on('postgres-exit', (e) => events.push(e));
  const status = JSON.parse(readFileSync(sandbox.statusFile, 'utf8')) as Record<string, unknown>;
  expect(status).not.toHaveProperty('deadPostgres');
  await sandbox.stop();
  expect(events).toEqual([]);
});

describe('watching an existing server', () => {
  const fast = { intervalMs: 10, timeoutMs: 100, failuresInARow: 3 };

  test('nothing listening: dead after three refused checks in a row', async () => {
    const port = await findFreePort();
    const entry = await new Promise<DeadPostgresEntry>((done) => watchPostgresServer(`postgres://u:secret@127.0.0.1:${port}/postgres`, done, fast));
    expect(entry).toMatchObject({ kind: 'external', where: `postgres://u:***@127.0.0.1:${port}/postgres`, reason: expect.stringMatching(/^3 checks in a row .* failed; the last: .*ECONNREFUSED/) });
  });

  test('a server that accepts and never answers is not declared dead: a check that times out proves nothing', async () => {
    const sockets: Socket[] = [];
    const server = createServer((s) => void sockets.push(s)); // takes the connection, never says a word
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as { port: number }).port;
    const deaths: DeadPostgresEntry[] = [];
    const watch = watchPostgresServer(`postgres://u:p@127.0.0.1:${port}/postgres`, (e) => deaths.push(e), fast);
    try {
      // counted in connections, not in time: six checks timed out, twice the failures a death needs
      await waitFor(() => sockets.length >= 6, 60_000, 'six checks');
      expect(deaths).toEqual([]);
    } finally {
      watch.stop();
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});
