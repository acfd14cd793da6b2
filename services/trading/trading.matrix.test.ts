import { poll } from '../../harness/runtime/poll';
import pg from 'pg';
import { startTrading, type TradingHarness } from './test-setup';

/**
 * Seed 003's rows that had no test: RK-01..RK-03 (risk), MT-01, MT-02, MT-04 (market time and
 * scheduled events) and FI-01 (a crash after the trade and before the mark-to-market), against a
 * seeded database (engine_config.max_position_pct 0.25) with the risk service in process beside
 * trading over the same database. The rules are in infra/migrations/005_trading_ledgers.sql and in
 * the engine's one order path (engine.ts executeOrder, which API orders, ticks, SIPs and
 * rebalances all take); each test checks the database too.
 *
 * Mutations tried (each made the named tests fail, then reverted):
 * - CHECK strategy_runs_cash_not_negative dropped and the engine's `cash >= cost` condition
 *   removed -> RK-01 (cash went negative, the order FILLED); the CHECK alone dropped -> "RK-01 the
 *   database refuses negative cash".
 * - trigger positions_limit dropped -> RK-02 (both: FILLED over the limit, the direct INSERT accepted).
 * - the risk call removed from executeOrder -> RK-03 (TSLA and a new lockout FILLED).
 * - trigger orders_open_market dropped and the tick's `marketOpen` check removed -> MT-01.
 * - constraint event_ledger_once dropped -> MT-02 and MT-04's direct duplicate INSERTs accepted.
 * - markToMarket's `ON CONFLICT DO NOTHING` removed -> FI-01's replays (23505 -> 409).
 * - markToMarket skipped on replay -> FI-01 "the replay writes the missing row" (still 0 rows).
 * - markToMarket's P0409 catch removed -> "a run stopped while its mark-to-market is written" (409).
 */
let t: TradingHarness;
beforeAll(async () => {
  t = await startTrading();
});
afterAll(async () => {
  await t?.close();
});

let traders = 0;
async function newRun(initialCash = 10000): Promise<string> {
  const trader = await t.call('createTrader', 'POST', '/traders', { name: `matrix-${++traders}` });
  return (await t.call('createRun', 'POST', '/runs', { userId: trader.body.id, strategy: 'sip', initialCash })).body.id as string;
}
const order = (runId: string, body: Record<string, unknown>) => t.call('placeOrder', 'POST', `/runs/${runId}/orders`, body);
const buy = (ticker: string, quantity: number) => ({ ticker, side: 'BUY', orderType: 'MARKET', quantity });
const tick = (runId: string, body: Record<string, unknown>) => t.call('runTick', 'POST', `/runs/${runId}/ticks`, body);
const cashOf = async (runId: string) => (await t.call('getRun', 'GET', `/runs/${runId}`)).body.cash as number;
const T1 = '2026-01-06T10:00:00.000Z';
const T2 = '2026-01-06T10:01:00.000Z';
/** The SQLSTATE of a statement that must fail. */
const sqlstate = (sql: string, params: unknown[] = []) => t.pg.query(sql, params).then(() => 'accepted', (e: { code?: string }) => e.code);

describe('RK: risk rules', () => {
  test('RK-01 insufficient cash: REJECTED INSUFFICIENT_CASH, no trade, no position, cash unchanged (API and tick)', async () => {
    const runId = await newRun(100);
    expect((await order(runId, buy('JPM', 1))).body).toMatchObject({ status: 'REJECTED', rejectReason: 'INSUFFICIENT_CASH' });
    expect((await tick(runId, { logicalTime: T1, prices: { AAPL: 150 } })).body.orders).toEqual([expect.objectContaining({ status: 'REJECTED', rejectReason: 'INSUFFICIENT_CASH' })]);
    expect(await t.counts(['orders', 'trades', 'positions'], 'run_id = $1', [runId])).toEqual([2, 0, 0]);
    expect(await cashOf(runId)).toBe(100);
  });

  test('RK-01 the database refuses negative cash, whatever writes it', async () => {
    const runId = await newRun(100);
    expect(await sqlstate('UPDATE strategy_runs SET cash = -0.01 WHERE id = $1', [runId])).toBe('23514');
    expect(await cashOf(runId)).toBe(100);
  });

  test('RK-02 max position: a BUY that takes one ticker past 25% of the initial cash is REJECTED MAX_POSITION; up to it fills', async () => {
    const runId = await newRun(10000); // limit 2,500 per ticker at cost
    expect((await order(runId, buy('AAPL', 13))).body.status).toBe('FILLED'); // 2,470
    const over = await order(runId, buy('AAPL', 1)); // 2,660
    expect(over.status).toBe(201);
    expect(over.body).toMatchObject({ status: 'REJECTED', rejectReason: 'MAX_POSITION', filledAt: null });
    expect((await order(runId, buy('XOM', 22))).body.status).toBe('FILLED'); // another ticker: 2,420
    expect(await t.counts(['orders', 'trades'], 'run_id = $1', [runId])).toEqual([3, 2]);
    expect((await t.call('listRunPositions', 'GET', `/runs/${runId}/positions`)).body.map((p: any) => [p.ticker, p.quantity])).toEqual([
      ['AAPL', 13],
      ['XOM', 22],
    ]);
    expect(await cashOf(runId)).toBe(10000 - 2470 - 2420);
  });

  test('RK-02 the database refuses a position over the limit, whatever writes it (P0400)', async () => {
    const runId = await newRun(10000);
    const { rows } = await t.pg.query('SELECT user_id FROM strategy_runs WHERE id = $1', [runId]);
    const insert = `INSERT INTO positions (run_id, user_id, ticker, quantity, avg_price) VALUES ($1, $2, 'AAPL', $3, 190)`;
    expect(await sqlstate(insert, [runId, rows[0].user_id, 14])).toBe('P0400');
    expect(await sqlstate(insert, [runId, rows[0].user_id, 13])).toBe('accepted');
  });

  test('RK-03 forbidden symbol (a lockout in force at risk): REJECTED SYMBOL_LOCKED, any side, API and tick; no trade', async () => {
    const runId = await newRun(10000);
    // seeded: TSLA is locked until 2099 (risk's LOCKOUT_ACTIVE)
    expect((await order(runId, buy('TSLA', 1))).body).toMatchObject({ status: 'REJECTED', rejectReason: 'SYMBOL_LOCKED' });
    expect((await order(runId, buy('JPM', 2))).body.status).toBe('FILLED');
    await t.pg.query(`INSERT INTO symbol_lockouts (id, ticker, reason, starts_at, ends_at) VALUES (gen_random_uuid(), 'JPM', 'halted', now() - interval '1 hour', now() + interval '1 day')`);
    expect((await order(runId, { ticker: 'JPM', side: 'SELL', orderType: 'MARKET', quantity: 1 })).body).toMatchObject({ status: 'REJECTED', rejectReason: 'SYMBOL_LOCKED' });
    const ticked = await tick(runId, { logicalTime: T1, prices: { JPM: 150, TSLA: 100 } });
    expect(ticked.body.orders.map((o: any) => [o.ticker, o.status, o.rejectReason])).toEqual([
      ['JPM', 'REJECTED', 'SYMBOL_LOCKED'],
      ['TSLA', 'REJECTED', 'SYMBOL_LOCKED'],
    ]);
    expect(await t.count('trades', 'run_id = $1', [runId])).toBe(1);
    expect(await cashOf(runId)).toBe(10000 - 400);
    await t.pg.query(`DELETE FROM symbol_lockouts WHERE ticker = 'JPM'`);
  });
});

describe('MT: market time and scheduled events', () => {
  test('MT-01 market closed: a scheduled SIP does not execute: no decision, no order, no trade; logged SIP_SKIPPED once', async () => {
    const runId = await newRun();
    const res = await tick(runId, { logicalTime: T1, prices: { AAPL: 150 }, marketOpen: false, sip: { ticker: 'AAPL', quantity: 2 } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ decisions: [], orders: [], events: [expect.objectContaining({ eventType: 'SIP_SKIPPED', orderId: null })] });
    expect(await t.counts(['engine_ticks', 'decisions', 'orders', 'trades', 'event_ledger'], 'run_id = $1', [runId])).toEqual([1, 0, 0, 0, 1]);
    expect(await cashOf(runId)).toBe(10000);
    // the database refuses an order at a closed tick, whatever writes it
    const { rows } = await t.pg.query('SELECT user_id FROM strategy_runs WHERE id = $1', [runId]);
    expect(
      await sqlstate(
        `INSERT INTO orders (id, run_id, user_id, ticker, side, order_type, quantity, status, logical_time) VALUES (gen_random_uuid(), $1, $2, 'AAPL', 'BUY', 'MARKET', 1, 'PENDING', $3)`,
        [runId, rows[0].user_id, T1],
      ),
    ).toBe('P0400');
  });

  test('MT-02 a scheduled SIP executes once: one order, one trade, one SIP_EXECUTED event naming it, also after replays', async () => {
    const runId = await newRun();
    const body = { logicalTime: T1, prices: { MSFT: 420 }, sip: { ticker: 'MSFT', quantity: 2 } };
    const first = await tick(runId, body);
    expect(first.status).toBe(201);
    const [sipOrder] = first.body.orders;
    expect(sipOrder).toMatchObject({ ticker: 'MSFT', quantity: 2, status: 'FILLED', logicalTime: T1 });
    expect(first.body.events).toEqual([expect.objectContaining({ eventType: 'SIP_EXECUTED', orderId: sipOrder.id, logicalTime: T1 })]);
    for (let i = 0; i < 2; i++) expect((await tick(runId, body)).body).toEqual({ ...first.body, replayed: true });
    expect(await t.counts(['orders', 'trades', 'event_ledger'], 'run_id = $1', [runId])).toEqual([1, 1, 1]);
    expect(await cashOf(runId)).toBe(10000 - 840);
    const { rows } = await t.pg.query('SELECT user_id FROM strategy_runs WHERE id = $1', [runId]);
    expect(
      await sqlstate(`INSERT INTO event_ledger (id, run_id, user_id, logical_time, event_type, detail) VALUES (gen_random_uuid(), $1, $2, $3, 'SIP_EXECUTED', 'again')`, [runId, rows[0].user_id, T1]),
    ).toBe('23505');
  });

  test('a SIP whose ticker has no price in the tick is a 422 at body.sip.ticker, nothing written', async () => {
    const runId = await newRun();
    const res = await tick(runId, { logicalTime: T1, prices: { MSFT: 420 }, sip: { ticker: 'AAPL', quantity: 1 } });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([expect.objectContaining({ loc: ['body', 'sip', 'ticker'] })]);
    expect(await t.count('engine_ticks', 'run_id = $1', [runId])).toBe(0);
  });

  test('MT-04 a rebalance happens once: the position over the limit at the new price is trimmed back, one REBALANCED event', async () => {
    const runId = await newRun(10000); // limit 2,500
    expect((await order(runId, buy('NVDA', 19))).body.status).toBe('FILLED'); // 19 x 130 = 2,470
    const body = { logicalTime: T1, prices: { NVDA: 250 }, rebalance: true }; // 19 x 250 = 4,750: keep 10
    const first = await tick(runId, body);
    expect(first.status).toBe(201);
    expect(first.body.orders).toEqual([expect.objectContaining({ ticker: 'NVDA', side: 'SELL', quantity: 9, status: 'FILLED' })]);
    expect(first.body.events).toEqual([expect.objectContaining({ eventType: 'REBALANCED', detail: '1 position(s) trimmed to the max position limit' })]);
    expect((await tick(runId, body)).body).toEqual({ ...first.body, replayed: true });
    expect(await t.counts(['event_ledger', 'trades'], 'run_id = $1', [runId])).toEqual([1, 2]);
    expect((await t.call('listRunPositions', 'GET', `/runs/${runId}/positions`)).body).toEqual([expect.objectContaining({ ticker: 'NVDA', quantity: 10 })]);
    const { rows } = await t.pg.query('SELECT user_id FROM strategy_runs WHERE id = $1', [runId]);
    expect(
      await sqlstate(`INSERT INTO event_ledger (id, run_id, user_id, logical_time, event_type, detail) VALUES (gen_random_uuid(), $1, $2, $3, 'REBALANCED', 'again')`, [runId, rows[0].user_id, T1]),
    ).toBe('23505');
    // a later rebalance with nothing over the limit still happens once, and sells nothing
    const quiet = await tick(runId, { logicalTime: T2, prices: { NVDA: 250 }, rebalance: true });
    expect(quiet.body.orders).toEqual([]);
    expect(quiet.body.events).toEqual([expect.objectContaining({ eventType: 'REBALANCED', detail: '0 position(s) trimmed to the max position limit' })]);
  });
});

describe('FI-01: a crash after the trade and before the mark-to-market', () => {
  test('a tick writes its mark-to-market once: cash + positions at the tick price', async () => {
    const runId = await newRun(1000);
    const res = await tick(runId, { logicalTime: T1, prices: { AAPL: 150 } });
    expect(res.body.markToMarket).toEqual({ logicalTime: T1, cash: 850, positionsValue: 150, equity: 1000 });
    expect((await tick(runId, { logicalTime: T1, prices: { AAPL: 1 } })).body.markToMarket).toEqual(res.body.markToMarket);
    expect(await t.count('mtm_ledger', 'run_id = $1', [runId])).toBe(1);
  });

  test('a run stopped while its mark-to-market is written: the tick stands (201, its trade), no MTM row, no 409', async () => {
    const runId = await newRun(1000);
    // what the no-writes guard says when a stop commits inside the INSERT (its WHERE saw RUNNING):
    // raised here on purpose, since that window cannot be hit on demand
    await t.pg.query(`CREATE FUNCTION stopped_meanwhile() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'run % is STOPPED: no new writes', NEW.run_id USING ERRCODE = 'P0409'; END $$`);
    await t.pg.query('CREATE TRIGGER stopped_meanwhile BEFORE INSERT ON mtm_ledger FOR EACH ROW EXECUTE FUNCTION stopped_meanwhile()');
    try {
      const res = await tick(runId, { logicalTime: T1, prices: { AAPL: 150 } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ replayed: false, markToMarket: null, orders: [expect.objectContaining({ status: 'FILLED' })] });
      expect(await t.counts(['engine_ticks', 'trades', 'mtm_ledger'], 'run_id = $1', [runId])).toEqual([1, 1, 0]);
    } finally {
      await t.pg.query('DROP TRIGGER stopped_meanwhile ON mtm_ledger');
      await t.pg.query('DROP FUNCTION stopped_meanwhile()');
    }
  });

  test('killed between its two transactions: the trade is there, no MTM row; the replay writes it exactly once', async () => {
    const runId = await newRun(1000);
    const blocker = new pg.Client({ connectionString: t.svc.db.url });
    await blocker.connect();
    let crashed: { status: number; body: any };
    try {
      // The MTM transaction's first statement is its INSERT: a SHARE lock on mtm_ledger stops it there.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE mtm_ledger IN SHARE MODE');
      const pending = tick(runId, { logicalTime: T1, prices: { AAPL: 150 } });
      const pid = await poll(
        async () =>
          (await t.pg.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO mtm_ledger%'`,
          )).rows[0]?.pid,
        { intervalMs: 20 },
      );
      // between the transactions: the trade is committed, the mark-to-market is not
      expect(await t.counts(['engine_ticks', 'orders', 'trades', 'mtm_ledger'], 'run_id = $1', [runId])).toEqual([1, 1, 1, 0]);
      await t.pg.query('SELECT pg_terminate_backend($1)', [pid]); // the crash
      crashed = await pending;
      await blocker.query('ROLLBACK');
    } finally {
      await blocker.end();
    }
    expect(crashed.status).toBe(503);
    expect(await t.counts(['trades', 'mtm_ledger'], 'run_id = $1', [runId])).toEqual([1, 0]);
    const replayed = await tick(runId, { logicalTime: T1, prices: { AAPL: 150 } });
    expect(replayed.status).toBe(200);
    expect(replayed.body.markToMarket).toEqual({ logicalTime: T1, cash: 850, positionsValue: 150, equity: 1000 });
    await tick(runId, { logicalTime: T1, prices: { AAPL: 150 } });
    expect(await t.counts(['trades', 'mtm_ledger'], 'run_id = $1', [runId])).toEqual([1, 1]);
  });
});
