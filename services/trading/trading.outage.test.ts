import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import pg from 'pg';
import { poll } from '../../harness/runtime/poll';
import { contractCheckFor } from '../testing/contract-check';
import { createTestDatabase } from '../testing/test-db';
import { startTrading, type TradingHarness } from './test-setup';

/**
 * Outages the spec states (openapi/trading.yaml, placeOrder and runTick: 503), in process:
 * seed 000's "503 when a dependency is unavailable" for trading's one dependency, the risk
 * service (unreachable, past its deadline, answering 5xx, then back), and seed 004's database
 * outage on the write path (connections terminated between requests and mid-transaction, new
 * connections refused), each with database assertions: a 503 wrote nothing, and the same request
 * retried once the dependency is back lands exactly once (for orders also by an Idempotency-Key).
 *
 * Mutations tried (each made these tests fail, then reverted):
 * - risk-check.ts answering "not locked" when the call fails or answers 5xx (a silently skipped
 *   check) -> the three risk-down tests (201 instead of 503).
 * - runtime/errors.ts without the isConnectionFailure mapping -> "new connections refused" and
 *   "terminated mid-transaction" (500 instead of 503).
 * - runtime/server.ts createPool without its 'error' listener -> "a trading process whose idle
 *   connections are terminated lives on" (the process exited on the unhandled 'error' event).
 * - placeOrder without its look-up of the Idempotency-Key -> "with an Idempotency-Key" (the third
 *   try was a 409: the unique index orders_idempotency_key refused a second row).
 * - services/trading/index.ts without `dependencies` -> "a missing RISK_BASE_URL" (exit 0 then
 *   503s, not exit 2 naming it).
 */
const ADMIN_URL = process.env.HARNESS_TEST_PG_URL as string;
const contract = contractCheckFor('trading');
const buy = (ticker: string, quantity: number) => ({ ticker, side: 'BUY', orderType: 'MARKET', quantity });
const WRITES = ['orders', 'trades', 'positions', 'engine_ticks', 'decisions', 'event_ledger', 'mtm_ledger'];

/** A stand-in for risk whose answer a test chooses: 'up' (no lockout), 'error' (500), 'hang' (never answers). */
async function fakeRisk(): Promise<{ url: string; mode: 'up' | 'error' | 'hang'; calls: number; close(): Promise<void> }> {
  const state = { mode: 'up' as 'up' | 'error' | 'hang', calls: 0 };
  const server: Server = createServer((req, res) => {
    state.calls++;
    if (state.mode === 'hang') return;
    if (state.mode === 'error') res.writeHead(500, { 'content-type': 'application/json' }).end('{"detail":"internal server error"}');
    else res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  });
}

/** A port nothing listens on: one a server had and gave back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function newRun(t: TradingHarness, name: string, initialCash = 10000): Promise<string> {
  const trader = await t.call('createTrader', 'POST', '/traders', { name });
  return (await t.call('createRun', 'POST', '/runs', { userId: trader.body.id, strategy: 'outage', initialCash })).body.id as string;
}
const cashOf = async (t: TradingHarness, runId: string) => (await t.call('getRun', 'GET', `/runs/${runId}`)).body.cash as number;

describe('risk unavailable: 503, nothing written, and the retry lands once', () => {
  test('risk unreachable (a closed port): an order and a tick are 503s naming risk; no row, cash unchanged', async () => {
    const t = await startTrading({ env: { RISK_BASE_URL: `http://127.0.0.1:${await closedPort()}` } });
    try {
      const runId = await newRun(t, 'risk-unreachable');
      const order = await t.call('placeOrder', 'POST', `/runs/${runId}/orders`, buy('AAPL', 1));
      expect(order.status).toBe(503);
      expect(order.body.detail).toMatch(/^risk service unavailable .*ECONNREFUSED/);
      const tick = await t.call('runTick', 'POST', `/runs/${runId}/ticks`, { logicalTime: '2026-01-06T10:00:00Z', prices: { AAPL: 150 } });
      expect(tick.status).toBe(503);
      expect(await t.counts(WRITES, 'run_id = $1', [runId])).toEqual([0, 0, 0, 0, 0, 0, 0]);
      expect(await cashOf(t, runId)).toBe(10000);
    } finally {
      await t.close();
    }
  });

  test('risk past its deadline (RISK_TIMEOUT_MS), then answering 5xx, then back: 503, 503, then one FILLED order', async () => {
    const risk = await fakeRisk();
    const t = await startTrading({ env: { RISK_BASE_URL: risk.url, RISK_TIMEOUT_MS: '300' } });
    try {
      const runId = await newRun(t, 'risk-flaky');
      risk.mode = 'hang';
      const slow = await t.call('placeOrder', 'POST', `/runs/${runId}/orders`, buy('AAPL', 2));
      expect(slow).toEqual({ status: 503, body: { detail: expect.stringContaining('no answer within 300 ms') } });
      risk.mode = 'error';
      const failing = await t.call('placeOrder', 'POST', `/runs/${runId}/orders`, buy('AAPL', 2));
      expect(failing).toEqual({ status: 503, body: { detail: expect.stringContaining('answered 500') } });
      expect(await t.counts(['orders', 'trades', 'positions'], 'run_id = $1', [runId])).toEqual([0, 0, 0]);
      risk.mode = 'up';
      const retried = await t.call('placeOrder', 'POST', `/runs/${runId}/orders`, buy('AAPL', 2));
      expect(retried.body).toMatchObject({ status: 'FILLED', quantity: 2 });
      expect(await t.counts(['orders', 'trades', 'positions'], 'run_id = $1', [runId])).toEqual([1, 1, 1]);
      expect(await cashOf(t, runId)).toBe(10000 - 380);
      expect(risk.calls).toBe(3);
    } finally {
      await t.close();
      await risk.close();
    }
  });

  test('with an Idempotency-Key: a 503 places nothing, the retry places the order, a third try answers that order again and places nothing', async () => {
    const risk = await fakeRisk();
    const t = await startTrading({ env: { RISK_BASE_URL: risk.url } });
    try {
      const runId = await newRun(t, 'risk-idempotent');
      const place = async (body: unknown) => {
        const res = await t.svc.request('POST', `/runs/${runId}/orders`, body, { 'idempotency-key': 'order-1' });
        contract.expect('placeOrder', res);
        return { status: res.status, body: res.body };
      };
      risk.mode = 'error';
      expect((await place(buy('AAPL', 1))).status).toBe(503);
      risk.mode = 'up';
      const placed = await place(buy('AAPL', 1));
      expect(placed.status).toBe(201);
      const again = await place(buy('AAPL', 5)); // the key names the order, whatever the body
      expect(again).toMatchObject({ status: 201, body: { id: placed.body.id, quantity: 1, status: 'FILLED' } });
      expect(await t.counts(['orders', 'trades'], 'run_id = $1', [runId])).toEqual([1, 1]);
      const bad = await t.svc.request('POST', `/runs/${runId}/orders`, buy('AAPL', 1), { 'idempotency-key': 'x'.repeat(201) });
      expect(bad.status).toBe(422);
      expect(bad.body.detail).toEqual([expect.objectContaining({ loc: ['header', 'Idempotency-Key'] })]);
      expect(await t.count('orders', 'run_id = $1', [runId])).toBe(1);
    } finally {
      await t.close();
      await risk.close();
    }
  });

  test('a tick while risk answers 5xx is a 503 with no tick row; the same tick once risk is back runs once', async () => {
    const risk = await fakeRisk();
    const t = await startTrading({ env: { RISK_BASE_URL: risk.url } });
    try {
      const runId = await newRun(t, 'risk-tick');
      const body = { logicalTime: '2026-01-06T10:00:00Z', prices: { AAPL: 150, MSFT: 420 } };
      risk.mode = 'error';
      expect((await t.call('runTick', 'POST', `/runs/${runId}/ticks`, body)).status).toBe(503);
      expect(await t.counts(WRITES, 'run_id = $1', [runId])).toEqual([0, 0, 0, 0, 0, 0, 0]);
      risk.mode = 'up';
      expect((await t.call('runTick', 'POST', `/runs/${runId}/ticks`, body)).status).toBe(201);
      expect((await t.call('runTick', 'POST', `/runs/${runId}/ticks`, body)).status).toBe(200);
      expect(await t.counts(WRITES, 'run_id = $1', [runId])).toEqual([1, 1, 1, 1, 2, 0, 1]);
    } finally {
      await t.close();
      await risk.close();
    }
  });

  test('a missing RISK_BASE_URL is a start-up error naming it (exit 2), not a check silently skipped', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: ADMIN_URL, PORT: '0' };
    delete env.RISK_BASE_URL;
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', resolve(__dirname, 'main.ts')], { env, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('trading: RISK_BASE_URL is not set (the base URL of the risk service it calls)');
  });
});

describe('the database unavailable on the write path', () => {
  let t: TradingHarness;
  let admin: pg.Client;
  beforeAll(async () => {
    t = await startTrading();
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.query(`ALTER DATABASE "${t.svc.db.name}" ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin?.end();
    await t?.close();
  });

  /** Terminate every session of the test database but the test's own. */
  const terminateService = () =>
    admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2', [t.svc.db.name, (t.pg as unknown as { processID: number }).processID]);

  test('a trading process whose idle connections are terminated lives on (the pool\'s \'error\' event is handled) and answers again', async () => {
    const db = await createTestDatabase();
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', resolve(__dirname, 'main.ts')], {
      env: { ...process.env, DATABASE_URL: db.url, PORT: '0', RISK_BASE_URL: 'http://127.0.0.1:9' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const url = await poll(() => /listening on (http:\/\/\S+)/.exec(out)?.[1], { timeoutMs: 30_000 });
      for (let i = 0; i < 3; i++) expect((await fetch(`${url}/health`)).status).toBe(200);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db.name]);
      await poll(() => out.includes('pool error (idle client dropped)') || child.exitCode !== null, { timeoutMs: 10_000 });
      expect(child.exitCode).toBeNull();
      expect(out).toContain('pool error (idle client dropped): terminating connection due to administrator command');
      expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      await db.drop();
    }
  });

  test('connections terminated between requests (57P01 on idle clients): the process lives, the next order fills once', async () => {
    const runId = await newRun(t, 'db-terminated');
    expect((await t.call('placeOrder', 'POST', `/runs/${runId}/orders`, buy('AAPL', 1))).status).toBe(201);
    await terminateService();
    const next = await t.call('placeOrder', 'POST', `/runs/${runId}/orders`, buy('AAPL', 1));
    expect(next.status).toBe(201);
    expect(await t.counts(['orders', 'trades'], 'run_id = $1', [runId])).toEqual([2, 2]);
  });

  test('new connections refused (ALLOW_CONNECTIONS false): an order and a tick are 503 "database unavailable"; after, each lands once', async () => {
    const runId = await newRun(t, 'db-refused');
    const tickBody = { logicalTime: '2026-01-06T10:00:00Z', prices: { NVDA: 130 } };
    await admin.query(`ALTER DATABASE "${t.svc.db.name}" ALLOW_CONNECTIONS false`);
    try {
      await terminateService();
      const order = await t.call('placeOrder', 'POST', `/runs/${runId}/orders`, buy('AAPL', 1));
      expect(order).toEqual({ status: 503, body: { detail: expect.stringMatching(/^database unavailable: .*not currently accepting connections/) } });
      expect((await t.call('runTick', 'POST', `/runs/${runId}/ticks`, tickBody)).status).toBe(503);
      expect((await t.call('tradingHealth', 'GET', '/health')).status).toBe(503);
    } finally {
      await admin.query(`ALTER DATABASE "${t.svc.db.name}" ALLOW_CONNECTIONS true`);
    }
    expect(await t.counts(WRITES, 'run_id = $1', [runId])).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect((await t.call('placeOrder', 'POST', `/runs/${runId}/orders`, buy('AAPL', 1))).status).toBe(201);
    expect((await t.call('runTick', 'POST', `/runs/${runId}/ticks`, tickBody)).status).toBe(201);
    expect(await t.counts(WRITES, 'run_id = $1', [runId])).toEqual([2, 2, 2, 1, 1, 0, 1]);
  });

  test('the connection terminated mid-transaction: 503, the transaction rolled back, the retry fills once', async () => {
    const runId = await newRun(t, 'db-mid-tx');
    const blocker = new pg.Client({ connectionString: t.svc.db.url });
    await blocker.connect();
    try {
      // hold the run's row lock so the order's transaction waits inside, then cut its session
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM strategy_runs WHERE id = $1 FOR UPDATE', [runId]);
      const pending = t.call('placeOrder', 'POST', `/runs/${runId}/orders`, buy('AAPL', 1));
      const waiting = await poll(
        async () =>
          (await admin.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND query LIKE 'SELECT * FROM strategy_runs%FOR UPDATE'`,
            [t.svc.db.name],
          )).rows[0]?.pid,
        { intervalMs: 20 },
      );
      await admin.query('SELECT pg_terminate_backend($1)', [waiting]);
      expect(await pending).toEqual({ status: 503, body: { detail: expect.stringMatching(/^database unavailable: /) } });
      await blocker.query('ROLLBACK');
    } finally {
      await blocker.end();
    }
    expect(await t.counts(['orders', 'trades', 'positions'], 'run_id = $1', [runId])).toEqual([0, 0, 0]);
    expect(await cashOf(t, runId)).toBe(10000);
    expect((await t.call('placeOrder', 'POST', `/runs/${runId}/orders`, buy('AAPL', 1))).status).toBe(201);
    expect(await t.counts(['orders', 'trades', 'positions'], 'run_id = $1', [runId])).toEqual([1, 1, 1]);
  });
});
