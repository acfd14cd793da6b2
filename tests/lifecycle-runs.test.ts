/**
 * Strategy-run lifecycle, seed 003's RL-01..RL-09 on our schema (infra/migrations/003_trading.sql):
 * engine_state/event_ledger -> engine_ticks, paper_order -> orders, paper_trade -> trades, the
 * strategy's ledger -> decisions. Where the API cannot express a case (a raw insert for a STOPPED
 * run, a user/run mismatch, STOPPED -> RUNNING) the test speaks SQL to the seeded database, as
 * seed 003 does. Every run belongs to a fresh trader this file creates (deleted in teardown,
 * which cascades).
 *
 * Mutation tried: `DROP INDEX strategy_runs_one_running_per_user` (applied as a scratch migration
 * to the sandbox's seeded database) -> caught by "RL-05 a second RUNNING run for the same trader
 * is a 409 and the database keeps one" (201, two RUNNING rows) and "RL-05 two concurrent starts
 * for one trader: exactly one wins"; index recreated.
 */
import { trading } from '../generated/trading/client';
import { count, runRowCounts, sql } from './support/db';
import { logicalTime, useFixtures, uniqueTicker } from './support/factories';
import { fails, ok } from './support/http';

const fx = useFixtures();

/** One SQL insert per guarded child table of a run: what RL-02/RL-03 try for a run that is not RUNNING. */
const childInserts = (runId: string, userId: string, orderId: string | null) => ({
  engine_ticks: () => sql('INSERT INTO engine_ticks (run_id, user_id, logical_time) VALUES ($1, $2, $3)', [runId, userId, logicalTime(9_999)]),
  orders: () =>
    sql(
      `INSERT INTO orders (id, run_id, user_id, ticker, side, order_type, quantity, status) VALUES (gen_random_uuid(), $1, $2, 'AAPL', 'BUY', 'MARKET', 1, 'PENDING')`,
      [runId, userId],
    ),
  trades: () =>
    sql(`INSERT INTO trades (id, order_id, run_id, user_id, ticker, side, quantity, price) VALUES (gen_random_uuid(), $3, $1, $2, 'AAPL', 'BUY', 1, 100)`, [
      runId,
      userId,
      orderId,
    ]),
  decisions: () =>
    sql(
      `INSERT INTO decisions (id, run_id, user_id, ticker, action, confidence, rationale, logical_time) VALUES (gen_random_uuid(), $1, $2, 'AAPL', 'HOLD', 0.5, 'test', $3)`,
      [runId, userId, logicalTime(9_998)],
    ),
});

/** A run with a PENDING limit order (so a trade insert has a real order to point at), then stopped or errored. */
async function endedRun(status: 'STOPPED' | 'ERROR') {
  const price = await fx.price(100);
  const run = await fx.run();
  const order = ok(
    await trading.seeded.POST('/runs/{runId}/orders', {
      params: { path: { runId: run.id } },
      body: { ticker: price.ticker, side: 'BUY', orderType: 'LIMIT', quantity: 1, limitPrice: 50 },
    }),
    201,
  );
  if (status === 'STOPPED') ok(await trading.seeded.POST('/runs/{runId}/stop', { params: { path: { runId: run.id } } }), 200);
  else await sql(`UPDATE strategy_runs SET status = 'ERROR', stopped_at = now() WHERE id = $1`, [run.id]);
  return { run, orderId: order.id };
}

const runStatus = async (runId: string) => (await sql<{ status: string }>('SELECT status FROM strategy_runs WHERE id = $1', [runId]))[0]?.status;

test('RL-08 starting a run through the API gives a RUNNING run, stored as returned', async () => {
  const trader = await fx.trader();
  const run = ok(await trading.seeded.POST('/runs', { body: { userId: trader.id, strategy: 'breakout', initialCash: 12_345.67 } }), 201);
  expect(run).toMatchObject({ userId: trader.id, strategy: 'breakout', status: 'RUNNING', initialCash: 12_345.67, cash: 12_345.67, stoppedAt: null });
  const [row] = await sql<{ status: string; cash: number; user_id: string }>('SELECT status, cash, user_id FROM strategy_runs WHERE id = $1', [run.id]);
  expect(row).toEqual({ status: 'RUNNING', cash: 12_345.67, user_id: trader.id });
  expect(ok(await trading.seeded.GET('/runs/{runId}', { params: { path: { runId: run.id } } }), 200)).toStrictEqual(run);
});

test('RL-08 a run for an unknown trader is a 404 and leaves no row', async () => {
  const userId = 'ffffffff-ffff-4fff-bfff-fffffffffffd';
  fails(await trading.seeded.POST('/runs', { body: { userId, strategy: 'momentum', initialCash: 1000 } }), 404);
  expect(await count('strategy_runs', 'user_id = $1', [userId])).toBe(0);
});

test('RL-01 a RUNNING run accepts a tick row', async () => {
  const run = await fx.run();
  await sql('INSERT INTO engine_ticks (run_id, user_id, logical_time) VALUES ($1, $2, $3)', [run.id, run.userId, logicalTime(1)]);
  expect(await count('engine_ticks', 'run_id = $1', [run.id])).toBe(1);
});

test('RL-09 stopping a run through the API: STOPPED, stoppedAt set, and no new orders or ticks (409, no rows)', async () => {
  const price = await fx.price(10);
  const run = await fx.run();
  const stopped = ok(await trading.seeded.POST('/runs/{runId}/stop', { params: { path: { runId: run.id } } }), 200);
  expect(stopped).toMatchObject({ id: run.id, status: 'STOPPED' });
  expect(Date.parse(String(stopped.stoppedAt))).toBeGreaterThanOrEqual(Date.parse(run.startedAt));
  const before = await runRowCounts(run.id);
  fails(
    await trading.seeded.POST('/runs/{runId}/orders', {
      params: { path: { runId: run.id } },
      body: { ticker: price.ticker, side: 'BUY', orderType: 'MARKET', quantity: 1 },
    }),
    409,
  );
  fails(
    await trading.seeded.POST('/runs/{runId}/ticks', { params: { path: { runId: run.id } }, body: { logicalTime: logicalTime(5), prices: { [price.ticker]: 10 } } }),
    409,
  );
  expect(await runRowCounts(run.id)).toEqual(before);
  expect(await runStatus(run.id)).toBe('STOPPED');
});

test.each(['STOPPED', 'ERROR'] as const)('RL-02/RL-03 a %s run refuses every new child row (P0409) and keeps none', async (status) => {
  const { run, orderId } = await endedRun(status);
  const before = await runRowCounts(run.id);
  for (const [table, insert] of Object.entries(childInserts(run.id, run.userId, orderId))) {
    await expect(insert()).rejects.toMatchObject({ code: 'P0409' });
    expect({ table, rows: await count(table, 'run_id = $1', [run.id]) }).toEqual({ table, rows: before[table as keyof typeof before] });
  }
});

test('RL-04 a STOPPED run cannot be revived or re-stopped, by the API (409) or by SQL (P0409)', async () => {
  const { run } = await endedRun('STOPPED');
  fails(await trading.seeded.POST('/runs/{runId}/stop', { params: { path: { runId: run.id } } }), 409);
  await expect(sql(`UPDATE strategy_runs SET status = 'RUNNING' WHERE id = $1`, [run.id])).rejects.toMatchObject({ code: 'P0409' });
  await expect(sql(`UPDATE strategy_runs SET status = 'ERROR' WHERE id = $1`, [run.id])).rejects.toMatchObject({ code: 'P0409' });
  expect(await runStatus(run.id)).toBe('STOPPED');
});

test('RL-04 an ERROR run cannot become RUNNING or be stopped', async () => {
  const { run } = await endedRun('ERROR');
  await expect(sql(`UPDATE strategy_runs SET status = 'RUNNING' WHERE id = $1`, [run.id])).rejects.toMatchObject({ code: 'P0409' });
  fails(await trading.seeded.POST('/runs/{runId}/stop', { params: { path: { runId: run.id } } }), 409);
  expect(await runStatus(run.id)).toBe('ERROR');
});

test('RL-05 a second RUNNING run for the same trader is a 409 and the database keeps one', async () => {
  const run = await fx.run();
  fails(await trading.seeded.POST('/runs', { body: { userId: run.userId, strategy: 'second', initialCash: 1000 } }), 409);
  await expect(
    sql(`INSERT INTO strategy_runs (id, user_id, strategy, status, initial_cash, cash) VALUES (gen_random_uuid(), $1, 'raw', 'RUNNING', 10, 10)`, [run.userId]),
  ).rejects.toMatchObject({ code: '23505', constraint: 'strategy_runs_one_running_per_user' });
  expect(await count('strategy_runs', `user_id = $1 AND status = 'RUNNING'`, [run.userId])).toBe(1);
});

test('RL-05 two concurrent starts for one trader: exactly one wins', async () => {
  const trader = await fx.trader();
  const results = await Promise.all(
    [1, 2, 3].map((i) => trading.seeded.POST('/runs', { body: { userId: trader.id, strategy: `racer-${i}`, initialCash: 1000 } })),
  );
  expect(results.map((r) => r.response.status).sort()).toEqual([201, 409, 409]);
  for (const r of results) trading.expect(r, r.response.status);
  expect(await count('strategy_runs', `user_id = $1 AND status = 'RUNNING'`, [trader.id])).toBe(1);
});

test('RL-05 after a stop the same trader may start again (the index covers RUNNING only)', async () => {
  const first = await fx.run();
  ok(await trading.seeded.POST('/runs/{runId}/stop', { params: { path: { runId: first.id } } }), 200);
  const second = await fx.run({ userId: first.userId });
  const listed = ok(await trading.seeded.GET('/runs', { params: { query: { userId: first.userId } } }), 200);
  expect(listed.map((r) => [r.id, r.status])).toEqual([
    [first.id, 'STOPPED'],
    [second.id, 'RUNNING'],
  ]);
});

test('RL-06 a child row whose user and run do not match is a foreign-key violation, and is not stored', async () => {
  const a = await fx.run();
  const b = await fx.run();
  const order = ok(
    await trading.seeded.POST('/runs/{runId}/orders', {
      params: { path: { runId: b.id } },
      body: { ticker: (await fx.price(5)).ticker, side: 'BUY', orderType: 'LIMIT', quantity: 1, limitPrice: 1 },
    }),
    201,
  );
  // user A with run B, in every table keyed by (user_id, run_id)
  const inserts = childInserts(b.id, a.userId, order.id);
  const before = await runRowCounts(b.id);
  for (const insert of Object.values(inserts)) await expect(insert()).rejects.toMatchObject({ code: '23503' });
  await expect(
    sql(`INSERT INTO positions (run_id, user_id, ticker, quantity, avg_price) VALUES ($1, $2, 'AAPL', 1, 1)`, [b.id, a.userId]),
  ).rejects.toMatchObject({ code: '23503' });
  expect(await runRowCounts(b.id)).toEqual(before);
  expect(await count('orders', 'user_id = $1', [a.userId])).toBe(0);
});

test('RL-07 deleting a run removes every child row (cascade), then the run is a 404', async () => {
  const run = await fx.run({ initialCash: 10_000 });
  const t = uniqueTicker();
  ok(await trading.seeded.POST('/runs/{runId}/ticks', { params: { path: { runId: run.id } }, body: { logicalTime: logicalTime(1), prices: { [t]: 50 } } }), 201);
  const pending = ok(
    await trading.seeded.POST('/runs/{runId}/orders', {
      params: { path: { runId: run.id } },
      body: { ticker: (await fx.price(20)).ticker, side: 'BUY', orderType: 'LIMIT', quantity: 1, limitPrice: 10 },
    }),
    201,
  );
  expect(pending.status).toBe('PENDING');
  expect(await runRowCounts(run.id)).toEqual({ engine_ticks: 1, orders: 2, trades: 1, positions: 1, decisions: 1 });

  ok(await trading.seeded.DELETE('/runs/{runId}', { params: { path: { runId: run.id } } }), 204);
  expect(await runRowCounts(run.id)).toEqual({ engine_ticks: 0, orders: 0, trades: 0, positions: 0, decisions: 0 });
  expect(await count('strategy_runs', 'id = $1', [run.id])).toBe(0);
  fails(await trading.seeded.GET('/runs/{runId}', { params: { path: { runId: run.id } } }), 404);
  fails(await trading.seeded.GET('/orders/{orderId}', { params: { path: { orderId: pending.id } } }), 404);
  fails(await trading.seeded.DELETE('/runs/{runId}', { params: { path: { runId: run.id } } }), 404);
});

test('RL-07 deleting a trader cascades to its runs and their children: no orphans', async () => {
  const traderId = await fx.insertTrader();
  const run = await fx.run({ userId: traderId });
  ok(await trading.seeded.POST('/runs/{runId}/ticks', { params: { path: { runId: run.id } }, body: { logicalTime: logicalTime(2), prices: { AAPL: 150 } } }), 201);
  await sql('DELETE FROM traders WHERE id = $1', [traderId]);
  expect(await runRowCounts(run.id)).toEqual({ engine_ticks: 0, orders: 0, trades: 0, positions: 0, decisions: 0 });
  expect(await count('strategy_runs', 'user_id = $1', [traderId])).toBe(0);
});
