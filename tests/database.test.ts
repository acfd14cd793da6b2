/**
 * Database assertions (seed 003's matrix on our schema): rejected writes leave no rows;
 * idempotent retries IR-01..IR-03 (engine_ticks' primary key (run_id, logical_time) is the
 * dedupe); isolation MU-01/MU-02; deterministic replay DR-01; concurrency CC-01 (a stop racing a
 * tick, made deterministic by holding the run's row lock in a second session and waiting, by
 * polling pg_blocking_pids, until the API's transaction queues behind it) and CC-02 (concurrent
 * ticks at one logical time); and seed 003's post-run orphan, dedupe and lifecycle SQL, adapted to
 * our tables, over the whole database (every statement sees one snapshot, and every API write is
 * one transaction, so they hold at any instant, whatever runs in parallel).
 *
 * Mutation tried: `ALTER TABLE engine_ticks DROP CONSTRAINT engine_ticks_pkey` (scratch migration
 * on the sandbox's seeded database) -> caught by "CC-02 (database) a second session inserting the
 * same (run, logical time) waits, then fails with a unique violation" (the second insert went
 * through at once); the API-level tick tests still pass, as the handler also dedupes under the
 * run's row lock; constraint restored.
 */
import type { Client, PoolClient } from 'pg';
import { registry } from '../generated/registry/client';
import { risk } from '../generated/risk/client';
import { trading } from '../generated/trading/client';
import { connect, count, runRowCounts, sql, standaloneClient } from './support/db';
import { eventually } from './support/eventually';
import { logicalTime, unique, uniqueTicker, useFixtures } from './support/factories';
import { fails, ok } from './support/http';

const fx = useFixtures();

const tick = (runId: string, at: string, prices: Record<string, number>) =>
  trading.seeded.POST('/runs/{runId}/ticks', { params: { path: { runId } }, body: { logicalTime: at, prices } });
const runCash = async (runId: string) => ok(await trading.seeded.GET('/runs/{runId}', { params: { path: { runId } } }), 200).cash;

/**
 * Give a session back with no transaction left open: a failed assertion mid-transaction must not
 * hand the pool a connection whose open transaction would swallow the teardown's deletes.
 */
async function endSession(client: PoolClient): Promise<void> {
  await client.query('ROLLBACK').catch(() => undefined);
  client.release();
}

/** Wait until some other session is blocked by `holder` (its backend pid): the API call has queued behind our lock. */
async function waitUntilBlockedBy(holder: PoolClient | Client): Promise<void> {
  const [me] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
  await eventually(async () => {
    const blocked = await sql<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [me!.pid]);
    expect(blocked[0]?.n).toBeGreaterThan(0);
  });
}

describe('rejected writes leave no rows', () => {
  test('registry: invalid, duplicate and dangling writes are refused and write nothing', async () => {
    const ticker = uniqueTicker();
    fails(await registry.seeded.POST('/companies', { body: { ticker, name: 'Bad Exchange', sector: 'X', exchange: 'NYSE2' as 'NYSE', isActive: true } }), 422);
    fails(await registry.seeded.POST('/companies', { body: { ticker: ticker.toLowerCase(), name: 'Bad Ticker', sector: 'X', exchange: 'NYSE', isActive: true } }), 422);
    expect(await count('companies', 'upper(ticker) = $1', [ticker])).toBe(0);
    const ghost = 'ffffffff-ffff-4fff-bfff-fffffffffff8';
    fails(await registry.seeded.POST('/companies/{companyId}/aliases', { params: { path: { companyId: ghost } }, body: { alias: 'nobody' } }), 404);
    expect(await count('company_aliases', 'company_id = $1', [ghost])).toBe(0);
    const c = await fx.company();
    fails(await registry.seeded.POST('/companies/{companyId}/sources', { params: { path: { companyId: c.id } }, body: { kind: 'RSS', url: 'ftp://not-http' } }), 422);
    fails(await registry.seeded.PATCH('/companies/{companyId}', { params: { path: { companyId: c.id } }, body: { name: '' } }), 422);
    expect(await count('sources', 'company_id = $1', [c.id])).toBe(0);
    expect(ok(await registry.seeded.GET('/companies/{companyId}', { params: { path: { companyId: c.id } } }), 200)).toStrictEqual(c);
  });

  test('risk: invalid approvals and lockouts write nothing', async () => {
    const requestedBy = unique('nobody');
    fails(await risk.seeded.POST('/approvals', { body: { ticker: 'AAPL', side: 'BUY', quantity: 0, requestedBy, expiresAt: '2099-01-01T00:00:00Z' } }), 422);
    fails(await risk.seeded.POST('/approvals', { body: { ticker: 'AAPL', side: 'BUY', quantity: 5, requestedBy, expiresAt: '2020-01-01T00:00:00Z' } }), 400);
    expect(await count('operator_approvals', 'requested_by = $1', [requestedBy])).toBe(0);
    const reason = unique('reason');
    fails(await risk.seeded.POST('/lockouts', { body: { ticker: 'aapl', reason, startsAt: '2030-01-01T00:00:00Z', endsAt: '2031-01-01T00:00:00Z' } }), 422);
    fails(await risk.seeded.POST('/lockouts', { body: { ticker: 'AAPL', reason, startsAt: '2030-01-01T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' } }), 400);
    expect(await count('symbol_lockouts', 'reason = $1', [reason])).toBe(0);
  });

  test('trading: invalid runs, ticks and notifications write nothing', async () => {
    const t = await fx.trader();
    fails(await trading.seeded.POST('/runs', { body: { userId: t.id, strategy: 'x', initialCash: 0 } }), 422);
    fails(await trading.seeded.POST('/runs', { body: { userId: t.id, strategy: '', initialCash: 10 } }), 422);
    expect(await count('strategy_runs', 'user_id = $1', [t.id])).toBe(0);
    const run = await fx.run({ userId: t.id });
    fails(await tick(run.id, logicalTime(1), { AAPL: 0 }), 422);
    fails(await tick(run.id, logicalTime(1), {}), 422);
    fails(await tick(run.id, 'yesterday', { AAPL: 10 }), 422);
    expect(await runRowCounts(run.id)).toEqual({ engine_ticks: 0, orders: 0, trades: 0, positions: 0, decisions: 0 });
    fails(await trading.seeded.POST('/notifications', { body: { userId: t.id, channel: 'PIGEON' as 'EMAIL', message: 'x' } }), 422);
    fails(await trading.seeded.POST('/notifications', { body: { userId: t.id, channel: 'EMAIL', message: '' } }), 422);
    expect(await count('notifications', 'user_id = $1', [t.id])).toBe(0);
  });
});

describe('idempotent retries', () => {
  test('IR-01 the same tick twice: 201 then a 200 replay with the same rows; nothing written twice', async () => {
    const run = await fx.run({ initialCash: 1_000 });
    const at = logicalTime(10);
    const prices = { AAA: 150, BBB: 250, CCC: 199.99 };
    const first = ok(await tick(run.id, at, prices), 201);
    expect(first.replayed).toBe(false);
    expect(first.decisions.map((d) => [d.ticker, d.action])).toEqual([['AAA', 'BUY'], ['BBB', 'HOLD'], ['CCC', 'BUY']]);
    expect(first.orders.map((o) => [o.ticker, o.status])).toEqual([['AAA', 'FILLED'], ['CCC', 'FILLED']]);
    const counts = await runRowCounts(run.id);
    expect(counts).toEqual({ engine_ticks: 1, orders: 2, trades: 2, positions: 2, decisions: 3 });
    const cash = await runCash(run.id);
    expect(cash).toBe(1_000 - 150 - 199.99);

    const again = ok(await tick(run.id, at, prices), 200);
    expect(again).toStrictEqual({ ...first, replayed: true });
    // a replay with other prices is still the first tick's answer: the logical time is the key
    expect(ok(await tick(run.id, at, { AAA: 1, ZZZ: 2 }), 200)).toStrictEqual({ ...first, replayed: true });
    expect(await runRowCounts(run.id)).toEqual(counts);
    expect(await runCash(run.id)).toBe(cash);
  });

  test('IR-02 a transaction that fails half-way leaves no partial rows', async () => {
    const run = await fx.run();
    const client = await connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO engine_ticks (run_id, user_id, logical_time) VALUES ($1, $2, $3)', [run.id, run.userId, logicalTime(20)]);
      await client.query(
        `INSERT INTO decisions (id, run_id, user_id, ticker, action, confidence, rationale, logical_time) VALUES (gen_random_uuid(), $1, $2, 'AAA', 'BUY', 0.75, 'x', $3)`,
        [run.id, run.userId, logicalTime(20)],
      );
      const order = await client.query<{ id: string }>(
        `INSERT INTO orders (id, run_id, user_id, ticker, side, order_type, quantity, status, logical_time) VALUES (gen_random_uuid(), $1, $2, 'AAA', 'BUY', 'MARKET', 1, 'FILLED', $3) RETURNING id`,
        [run.id, run.userId, logicalTime(20)],
      );
      // the crash: a trade that violates its CHECK (price > 0)
      await expect(
        client.query(`INSERT INTO trades (id, order_id, run_id, user_id, ticker, side, quantity, price) VALUES (gen_random_uuid(), $3, $1, $2, 'AAA', 'BUY', 1, 0)`, [
          run.id,
          run.userId,
          order.rows[0]!.id,
        ]),
      ).rejects.toMatchObject({ code: '23514' });
      await client.query('ROLLBACK');
    } finally {
      await endSession(client);
    }
    expect(await runRowCounts(run.id)).toEqual({ engine_ticks: 0, orders: 0, trades: 0, positions: 0, decisions: 0 });
  });

  test('IR-03 retrying a past tick after later ticks, and after the run stopped, replays it and writes nothing', async () => {
    const run = await fx.run({ initialCash: 10_000 });
    const first = ok(await tick(run.id, logicalTime(30), { AAA: 100 }), 201);
    ok(await tick(run.id, logicalTime(31), { AAA: 101 }), 201);
    const counts = await runRowCounts(run.id);
    expect(ok(await tick(run.id, logicalTime(30), { AAA: 100 }), 200)).toStrictEqual({ ...first, replayed: true });
    ok(await trading.seeded.POST('/runs/{runId}/stop', { params: { path: { runId: run.id } } }), 200);
    expect(ok(await tick(run.id, logicalTime(30), { AAA: 100 }), 200)).toStrictEqual({ ...first, replayed: true });
    fails(await tick(run.id, logicalTime(32), { AAA: 100 }), 409);
    expect(await runRowCounts(run.id)).toEqual(counts);
  });
});

describe('isolation', () => {
  test('MU-01 two traders ticking at the same logical time: each run holds only its own rows', async () => {
    const [a, b] = await Promise.all([fx.run({ initialCash: 1_000 }), fx.run({ initialCash: 1_000 })]);
    const at = logicalTime(40);
    const prices = { AAA: 120, BBB: 300 };
    const [ra, rb] = await Promise.all([tick(a.id, at, prices), tick(b.id, at, prices)]);
    ok(ra, 201);
    ok(rb, 201);
    for (const run of [a, b]) {
      expect(await runRowCounts(run.id)).toEqual({ engine_ticks: 1, orders: 1, trades: 1, positions: 1, decisions: 2 });
      for (const table of ['engine_ticks', 'orders', 'trades', 'positions', 'decisions']) {
        expect({ table, foreign: await count(table, 'run_id = $1 AND user_id <> $2', [run.id, run.userId]) }).toEqual({ table, foreign: 0 });
      }
    }
    expect(await count('decisions', 'user_id = $1 AND run_id <> $2', [a.userId, a.id])).toBe(0);
    expect([await runCash(a.id), await runCash(b.id)]).toEqual([880, 880]);
  });

  test('MU-02 one trader, two runs in turn: the second run ticks at the same time on its own, the first is untouched', async () => {
    const first = await fx.run({ initialCash: 1_000 });
    const at = logicalTime(50);
    ok(await tick(first.id, at, { AAA: 100 }), 201);
    ok(await trading.seeded.POST('/runs/{runId}/stop', { params: { path: { runId: first.id } } }), 200);
    const before = await runRowCounts(first.id);
    const second = await fx.run({ userId: first.userId, initialCash: 1_000 });
    const r = ok(await tick(second.id, at, { AAA: 100, BBB: 50 }), 201);
    expect(r.replayed).toBe(false);
    expect(await runRowCounts(first.id)).toEqual(before);
    expect(await runRowCounts(second.id)).toEqual({ engine_ticks: 1, orders: 2, trades: 2, positions: 2, decisions: 2 });
    const decisions = ok(await trading.seeded.GET('/runs/{runId}/decisions', { params: { path: { runId: first.id } } }), 200);
    expect(decisions.map((d) => d.ticker)).toEqual(['AAA']);
  });
});

/** A run's ledger without surrogate ids, owners or wall-clock times (seed 003 DR-01: "excluding surrogate IDs"). */
async function normalisedLedger(runId: string) {
  const q = (text: string) => sql(text, [runId]);
  return {
    run: await q(`SELECT strategy, status, initial_cash, cash FROM strategy_runs WHERE id = $1`),
    ticks: await q(`SELECT logical_time FROM engine_ticks WHERE run_id = $1 ORDER BY logical_time`),
    decisions: await q(`SELECT logical_time, ticker, action, confidence, rationale FROM decisions WHERE run_id = $1 ORDER BY logical_time, ticker`),
    orders: await q(
      `SELECT logical_time, ticker, side, order_type, quantity, limit_price, status, reject_reason, filled_at IS NOT NULL AS filled FROM orders WHERE run_id = $1 ORDER BY logical_time, ticker`,
    ),
    trades: await q(
      `SELECT o.logical_time, t.ticker, t.side, t.quantity, t.price FROM trades t JOIN orders o ON o.id = t.order_id WHERE t.run_id = $1 ORDER BY o.logical_time, t.ticker`,
    ),
    positions: await q(`SELECT ticker, quantity, avg_price FROM positions WHERE run_id = $1 ORDER BY ticker`),
  };
}

test('DR-01 two fresh runs fed the same ticks produce identical normalised ledgers', async () => {
  const feed = [
    { AAA: 150, BBB: 180, CCC: 250 },
    { AAA: 149.5, BBB: 181, CCC: 199 },
    { AAA: 151.25, BBB: 179.75, CCC: 260 },
    { AAA: 300, BBB: 10, CCC: 20 },
  ];
  // 2,000 each: at most 500 per ticker at cost (the seeded maxPositionPct 0.25, seed 003 RK-02)
  const runs = await Promise.all([fx.run({ initialCash: 2_000, strategy: 'replay' }), fx.run({ initialCash: 2_000, strategy: 'replay' })]);
  // the two runs tick interleaved, concurrently: the outcome must not depend on timing
  for (const [i, prices] of feed.entries()) {
    const results = await Promise.all(runs.map((r) => tick(r.id, logicalTime(60 + i), prices)));
    for (const res of results) ok(res, 201);
  }
  const [a, b] = await Promise.all(runs.map((r) => normalisedLedger(r.id)));
  expect(a).toEqual(b);
  // and the ledger is the one the strategy implies (a rejection included), not merely equal
  expect(a!.orders.map((o) => `${String(o.ticker)}:${String(o.status)}${o.reject_reason ? `:${String(o.reject_reason)}` : ''}`)).toEqual([
    'AAA:FILLED', 'BBB:FILLED',
    'AAA:FILLED', 'BBB:FILLED', 'CCC:FILLED',
    'AAA:FILLED', 'BBB:REJECTED:MAX_POSITION', // a third BBB at 179.75 would cost 540.75
    'BBB:FILLED', 'CCC:FILLED',
  ]);
  expect(a!.positions).toEqual([
    { ticker: 'AAA', quantity: 3, avg_price: 150.25 },
    { ticker: 'BBB', quantity: 3, avg_price: 123.6667 },
    { ticker: 'CCC', quantity: 2, avg_price: 109.5 },
  ]);
  expect(a!.run).toEqual([{ strategy: 'replay', status: 'RUNNING', initial_cash: 2_000, cash: 959.25 }]);
});

describe('concurrency', () => {
  test('CC-01 a stop that queues behind a tick in progress: the tick is whole, then the run is STOPPED', async () => {
    const run = await fx.run();
    const holder = await connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM strategy_runs WHERE id = $1 FOR UPDATE', [run.id]); // the tick's lock
      const stopping = trading.seeded.POST('/runs/{runId}/stop', { params: { path: { runId: run.id } } });
      await waitUntilBlockedBy(holder);
      await holder.query('INSERT INTO engine_ticks (run_id, user_id, logical_time) VALUES ($1, $2, $3)', [run.id, run.userId, logicalTime(70)]);
      await holder.query(
        `INSERT INTO decisions (id, run_id, user_id, ticker, action, confidence, rationale, logical_time) VALUES (gen_random_uuid(), $1, $2, 'AAA', 'HOLD', 0.5, 'x', $3)`,
        [run.id, run.userId, logicalTime(70)],
      );
      await holder.query('COMMIT');
      expect(ok(await stopping, 200).status).toBe('STOPPED');
    } finally {
      await endSession(holder);
    }
    expect(await runRowCounts(run.id)).toMatchObject({ engine_ticks: 1, decisions: 1 });
    const [row] = await sql<{ ok: boolean }>(
      `SELECT r.stopped_at >= t.created_at AS ok FROM strategy_runs r JOIN engine_ticks t ON t.run_id = r.id WHERE r.id = $1`,
      [run.id],
    );
    expect(row?.ok).toBe(true);
  });

  test('CC-01 a tick that queues behind a stop: 409 once the stop commits, and no partial rows', async () => {
    const run = await fx.run();
    const holder = await connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM strategy_runs WHERE id = $1 FOR UPDATE', [run.id]);
      const ticking = tick(run.id, logicalTime(71), { AAA: 100, BBB: 100 });
      await waitUntilBlockedBy(holder);
      await holder.query(`UPDATE strategy_runs SET status = 'STOPPED', stopped_at = now() WHERE id = $1`, [run.id]);
      await holder.query('COMMIT');
      fails(await ticking, 409);
    } finally {
      await endSession(holder);
    }
    expect(await runRowCounts(run.id)).toEqual({ engine_ticks: 0, orders: 0, trades: 0, positions: 0, decisions: 0 });
  });

  test('CC-01 stop and tick raced through the API: each run ends STOPPED with the tick either whole or absent', async () => {
    const runs = await Promise.all([1, 2, 3, 4].map(() => fx.run({ initialCash: 1_000 })));
    await Promise.all(
      runs.map(async (run) => {
        const [t, s] = await Promise.all([
          tick(run.id, logicalTime(72), { AAA: 100, BBB: 250 }),
          trading.seeded.POST('/runs/{runId}/stop', { params: { path: { runId: run.id } } }),
        ]);
        ok(s, 200);
        const counts = await runRowCounts(run.id);
        if (t.response.status === 201) {
          ok(t, 201);
          expect(counts).toEqual({ engine_ticks: 1, orders: 1, trades: 1, positions: 1, decisions: 2 });
        } else {
          fails(t, 409);
          expect(counts).toEqual({ engine_ticks: 0, orders: 0, trades: 0, positions: 0, decisions: 0 });
        }
        expect(await count('strategy_runs', `id = $1 AND status = 'STOPPED'`, [run.id])).toBe(1);
      }),
    );
  });

  test('CC-02 six concurrent ticks at one logical time: one runs (201), five replay it (200), rows written once', async () => {
    const run = await fx.run({ initialCash: 1_000 });
    const at = logicalTime(80);
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map(() => tick(run.id, at, { AAA: 100, BBB: 150, CCC: 300 })));
    expect(results.map((r) => r.response.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    const bodies = results.map((r) => ok(r, r.response.status));
    const decisionIds = bodies.map((b) => b.decisions.map((d) => d.id).join());
    expect(new Set(decisionIds).size).toBe(1);
    expect(await runRowCounts(run.id)).toEqual({ engine_ticks: 1, orders: 2, trades: 2, positions: 2, decisions: 3 });
    expect(await runCash(run.id)).toBe(750);
  });

  test('CC-02 (database) a second session inserting the same (run, logical time) waits, then fails with a unique violation', async () => {
    const run = await fx.run();
    const at = logicalTime(81);
    const a = await connect();
    const b = await standaloneClient();
    try {
      await a.query('BEGIN');
      await a.query('INSERT INTO engine_ticks (run_id, user_id, logical_time) VALUES ($1, $2, $3)', [run.id, run.userId, at]);
      const second = b.query('INSERT INTO engine_ticks (run_id, user_id, logical_time) VALUES ($1, $2, $3)', [run.id, run.userId, at]).then(
        () => 'inserted',
        (err: { code?: string }) => err.code,
      );
      await waitUntilBlockedBy(a);
      await a.query('COMMIT');
      expect(await second).toBe('23505');
    } finally {
      await endSession(a);
      await b.end();
    }
    expect(await count('engine_ticks', 'run_id = $1', [run.id])).toBe(1);
  });
});

/**
 * Seed 003's "DB Assertions (Post-Run)", on our tables: engine_state -> engine_ticks (and every
 * other child of a run), mtm_ledger -> engine_ticks / decisions / tick orders, strategy_run ->
 * strategy_runs. Plus the ledger checks LG-01/LG-02 (fills, positions and cash agree).
 */
describe('post-run checks over the whole database', () => {
  test('orphans: no child row without its (user_id, run_id) run, no trade without its order', async () => {
    for (const table of ['engine_ticks', 'orders', 'trades', 'positions', 'decisions']) {
      const rows = await sql(`SELECT count(*)::int AS n FROM ${table} c LEFT JOIN strategy_runs r ON r.user_id = c.user_id AND r.id = c.run_id WHERE r.id IS NULL`);
      expect({ table, orphans: rows[0]?.n }).toEqual({ table, orphans: 0 });
    }
    expect(await count('trades t', 'NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = t.order_id AND o.run_id = t.run_id)')).toBe(0);
  });

  test('dedupe: one tick, one decision per ticker and one tick order per ticker per (run, logical time); one trade per order', async () => {
    expect(await sql('SELECT run_id, logical_time FROM engine_ticks GROUP BY run_id, logical_time HAVING count(*) > 1')).toEqual([]);
    expect(await sql('SELECT run_id, ticker, logical_time FROM decisions GROUP BY run_id, ticker, logical_time HAVING count(*) > 1')).toEqual([]);
    expect(await sql('SELECT run_id, ticker, logical_time FROM orders WHERE logical_time IS NOT NULL GROUP BY run_id, ticker, logical_time HAVING count(*) > 1')).toEqual([]);
    expect(await sql('SELECT order_id FROM trades GROUP BY order_id HAVING count(*) > 1')).toEqual([]);
    expect(await sql('SELECT d.run_id, d.logical_time FROM decisions d LEFT JOIN engine_ticks t ON t.run_id = d.run_id AND t.logical_time = d.logical_time WHERE t.run_id IS NULL')).toEqual([]);
  });

  test('lifecycle: at most one RUNNING run per user; stopped runs have a stop time and no PENDING orders', async () => {
    expect(await sql(`SELECT user_id, count(*) FROM strategy_runs WHERE status = 'RUNNING' GROUP BY user_id HAVING count(*) > 1`)).toEqual([]);
    expect(await sql(`SELECT id FROM strategy_runs WHERE (status = 'RUNNING') <> (stopped_at IS NULL)`)).toEqual([]);
    expect(await sql(`SELECT o.id FROM orders o JOIN strategy_runs r ON r.id = o.run_id WHERE r.status = 'STOPPED' AND o.status = 'PENDING'`)).toEqual([]);
  });

  test('LG-01/LG-02 ledger: FILLED orders have their trade and only they do; positions equal the fills; cash equals initial cash minus buys plus sells', async () => {
    expect(await sql(`SELECT o.id FROM orders o LEFT JOIN trades t ON t.order_id = o.id WHERE (o.status = 'FILLED') <> (t.id IS NOT NULL)`)).toEqual([]);
    expect(
      await sql(`
        WITH fills AS (
          SELECT run_id, ticker, sum(CASE side WHEN 'BUY' THEN quantity ELSE -quantity END) AS q FROM trades GROUP BY run_id, ticker)
        SELECT coalesce(p.run_id, f.run_id) AS run_id, coalesce(p.ticker, f.ticker) AS ticker, p.quantity, f.q
          FROM positions p FULL JOIN fills f ON f.run_id = p.run_id AND f.ticker = p.ticker
         WHERE coalesce(p.quantity, 0) <> coalesce(f.q, 0)`),
    ).toEqual([]);
    expect(
      await sql(`
        SELECT r.id, r.cash, r.initial_cash - coalesce(sum(CASE t.side WHEN 'BUY' THEN 1 ELSE -1 END * round(t.quantity * t.price, 2)), 0) AS ledger
          FROM strategy_runs r LEFT JOIN trades t ON t.run_id = r.id
         GROUP BY r.id HAVING r.cash <> r.initial_cash - coalesce(sum(CASE t.side WHEN 'BUY' THEN 1 ELSE -1 END * round(t.quantity * t.price, 2)), 0) OR r.cash < 0`),
    ).toEqual([]);
  });
});
