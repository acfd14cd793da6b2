import * as id from '../../seed/ids/trading';
import { startTrading, type TradingHarness } from './test-setup';

/**
 * Orders and ticks against a real, seeded database: the order semantics OR-01..OR-05 (fills,
 * rejections, pending limits, 422 for quantities <= 0 with no rows written), the ledger's
 * consistency (LG-01), ticks exactly once per logical time (MT-03, IR-01, IR-03), concurrency
 * (CC-01 tick vs stop, CC-02 two ticks at one time, racing fills), isolation (MU-01) and
 * deterministic replay (DR-01). Every response is checked against openapi/trading.yaml.
 *
 * Mutations tried (each made these tests fail, then reverted):
 * - cash check dropped from the BUY debit (engine.ts) -> OR-04, racing fills, tick REJECTED.
 * - tick without its run lock and its "already seen" check: the engine_ticks primary key still
 *   dedupes (23505 answered as a replay, CC-02 passes), but the stopped-run replay test fails.
 */
let t: TradingHarness;
beforeAll(async () => {
  t = await startTrading();
});
afterAll(async () => {
  await t?.close();
});

const UNKNOWN = '00000000-0000-4000-b999-000000000999';
const ids = (list: { id: string }[]) => list.map((x) => x.id);
const CHILDREN = ['engine_ticks', 'orders', 'trades', 'positions', 'decisions'];
let traders = 0;

/** A trader of its own with a RUNNING run: tests never change seeded runs. */
async function newRun(initialCash = 10000): Promise<string> {
  const trader = await t.call('createTrader', 'POST', '/traders', { name: `engine-${++traders}` });
  const run = await t.call('createRun', 'POST', '/runs', { userId: trader.body.id, strategy: 'momentum', initialCash });
  expect(run.status).toBe(201);
  return run.body.id as string;
}
const order = (runId: string, body: Record<string, unknown>) => t.call('placeOrder', 'POST', `/runs/${runId}/orders`, body);
const tick = (runId: string, logicalTime: string, prices: Record<string, number>) =>
  t.call('runTick', 'POST', `/runs/${runId}/ticks`, { logicalTime, prices });
const cashOf = async (runId: string) => (await t.call('getRun', 'GET', `/runs/${runId}`)).body.cash as number;
const buy = (ticker: string, quantity: number) => ({ ticker, side: 'BUY', orderType: 'MARKET', quantity });

describe('seeded orders, trades, positions, decisions', () => {
  test('ALICE active run: orders in creation order, filter by status', async () => {
    const all = await t.call('listRunOrders', 'GET', `/runs/${id.RUN_ALICE_ACTIVE}/orders`);
    expect(ids(all.body)).toEqual([id.ORDER_ALICE_AAPL_FILLED, id.ORDER_ALICE_MSFT_FILLED, id.ORDER_ALICE_NVDA_PENDING, id.ORDER_ALICE_TSLA_REJECTED]);
    expect(ids((await t.call('listRunOrders', 'GET', `/runs/${id.RUN_ALICE_ACTIVE}/orders?status=PENDING`)).body)).toEqual([id.ORDER_ALICE_NVDA_PENDING]);
    expect((await t.call('listRunOrders', 'GET', `/runs/${id.RUN_ALICE_ACTIVE}/orders?status=DONE`)).status).toBe(422);
    expect((await t.call('getOrder', 'GET', `/orders/${id.ORDER_ALICE_TSLA_REJECTED}`)).body).toEqual({
      id: id.ORDER_ALICE_TSLA_REJECTED,
      runId: id.RUN_ALICE_ACTIVE,
      userId: id.TRADER_ALICE,
      ticker: 'TSLA',
      side: 'BUY',
      orderType: 'MARKET',
      quantity: 1000,
      limitPrice: null,
      status: 'REJECTED',
      rejectReason: 'INSUFFICIENT_CASH',
      logicalTime: null,
      createdAt: '2026-01-05T14:20:00.000Z',
      filledAt: null,
    });
  });

  test('trades and positions match the fills', async () => {
    const trades = await t.call('listRunTrades', 'GET', `/runs/${id.RUN_ALICE_ACTIVE}/trades`);
    expect(ids(trades.body)).toEqual([id.TRADE_ALICE_AAPL, id.TRADE_ALICE_MSFT]);
    expect(trades.body[1]).toEqual({
      id: id.TRADE_ALICE_MSFT,
      orderId: id.ORDER_ALICE_MSFT_FILLED,
      runId: id.RUN_ALICE_ACTIVE,
      userId: id.TRADER_ALICE,
      ticker: 'MSFT',
      side: 'BUY',
      quantity: 5,
      price: 420,
      executedAt: '2026-01-05T14:10:00.000Z',
    });
    const positions = await t.call('listRunPositions', 'GET', `/runs/${id.RUN_ALICE_ACTIVE}/positions`);
    expect(positions.body.map((p: any) => [p.ticker, p.quantity, p.avgPrice])).toEqual([
      ['AAPL', 10, 190],
      ['MSFT', 5, 420],
    ]);
  });

  test('LG-01 over every run: cash = initial - buys + sells, positions = net traded quantity', async () => {
    const cash = await t.pg.query(
      `SELECT r.id FROM strategy_runs r LEFT JOIN trades tr ON tr.run_id = r.id
       GROUP BY r.id HAVING r.cash <> r.initial_cash - coalesce(sum(round(tr.quantity * tr.price, 2) * CASE tr.side WHEN 'BUY' THEN 1 ELSE -1 END), 0)`,
    );
    expect(cash.rows).toEqual([]);
    const positions = await t.pg.query(
      `SELECT p.run_id, p.ticker FROM positions p
       WHERE p.quantity <> (SELECT coalesce(sum(quantity * CASE side WHEN 'BUY' THEN 1 ELSE -1 END), 0)
                            FROM trades tr WHERE tr.run_id = p.run_id AND tr.ticker = p.ticker)`,
    );
    expect(positions.rows).toEqual([]);
    const orphans = await t.pg.query(`SELECT tr.id FROM trades tr JOIN orders o ON o.id = tr.order_id WHERE o.status <> 'FILLED'`);
    expect(orphans.rows).toEqual([]);
  });

  test('BOB active run has no children: every nested list is 200 []', async () => {
    for (const [op, path] of [
      ['listRunOrders', 'orders'],
      ['listRunTrades', 'trades'],
      ['listRunPositions', 'positions'],
      ['listRunDecisions', 'decisions'],
    ] as const) {
      expect(await t.call(op, 'GET', `/runs/${id.RUN_BOB_ACTIVE}/${path}`)).toEqual({ status: 200, body: [] });
    }
  });

  test('decisions: by ticker, filtered by action and ticker', async () => {
    const base = `/runs/${id.RUN_ALICE_ACTIVE}/decisions`;
    expect(ids((await t.call('listRunDecisions', 'GET', base)).body)).toEqual([id.DECISION_ALICE_AAPL_BUY, id.DECISION_ALICE_MSFT_HOLD, id.DECISION_ALICE_NVDA_BUY]);
    expect(ids((await t.call('listRunDecisions', 'GET', `${base}?action=BUY`)).body)).toEqual([id.DECISION_ALICE_AAPL_BUY, id.DECISION_ALICE_NVDA_BUY]);
    expect(ids((await t.call('listRunDecisions', 'GET', `${base}?ticker=MSFT`)).body)).toEqual([id.DECISION_ALICE_MSFT_HOLD]);
    expect((await t.call('listRunDecisions', 'GET', `${base}?action=SELL`)).body).toEqual([]);
    expect((await t.call('listRunDecisions', 'GET', `${base}?action=WAIT`)).status).toBe(422);
    expect((await t.call('listRunDecisions', 'GET', `${base}?ticker=msft`)).status).toBe(422);
  });
});

describe('orders (OR-01..OR-05)', () => {
  test('OR-01: a MARKET BUY fills at the market price: order, trade, position and cash in one go', async () => {
    const runId = await newRun(10000);
    const res = await order(runId, buy('AAPL', 3));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ runId, ticker: 'AAPL', side: 'BUY', orderType: 'MARKET', quantity: 3, status: 'FILLED', rejectReason: null, limitPrice: null });
    expect(res.body.filledAt).toBe(res.body.createdAt);
    const trades = (await t.call('listRunTrades', 'GET', `/runs/${runId}/trades`)).body;
    expect(trades).toEqual([expect.objectContaining({ orderId: res.body.id, ticker: 'AAPL', side: 'BUY', quantity: 3, price: 190 })]);
    const positions = (await t.call('listRunPositions', 'GET', `/runs/${runId}/positions`)).body;
    expect(positions).toEqual([expect.objectContaining({ runId, ticker: 'AAPL', quantity: 3, avgPrice: 190 })]);
    expect(await cashOf(runId)).toBe(9430);
  });

  test('the market price drives fills; a second buy averages the position price', async () => {
    await t.call('createMarketPrice', 'POST', '/market-prices', { ticker: 'ENGA', price: 10 });
    const runId = await newRun(2000);
    await order(runId, buy('ENGA', 10));
    expect((await t.call('setMarketPrice', 'PUT', '/market-prices/ENGA', { price: 20 })).status).toBe(200);
    const second = await order(runId, buy('ENGA', 10));
    expect(second.body.status).toBe('FILLED');
    const trades = (await t.call('listRunTrades', 'GET', `/runs/${runId}/trades`)).body;
    expect(trades.map((x: any) => x.price)).toEqual([10, 20]);
    const positions = (await t.call('listRunPositions', 'GET', `/runs/${runId}/positions`)).body;
    expect(positions).toEqual([expect.objectContaining({ ticker: 'ENGA', quantity: 20, avgPrice: 15 })]);
    expect(await cashOf(runId)).toBe(1700);
  });

  test.each([
    ['OR-02 quantity 0', 0],
    ['OR-03 quantity < 0', -5],
    ['a quantity that rounds to 0', 0.00001],
  ])('%s is a 422 on body.quantity, and no order or trade row is written', async (_name, quantity) => {
    const runId = await newRun();
    const res = await order(runId, buy('AAPL', quantity));
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([expect.objectContaining({ loc: ['body', 'quantity'] })]);
    expect(await t.counts(['orders', 'trades', 'positions'], 'run_id = $1', [runId])).toEqual([0, 0, 0]);
    expect(await cashOf(runId)).toBe(10000);
  });

  test('OR-04: a BUY the cash cannot cover is REJECTED (INSUFFICIENT_CASH): no trade, no position, cash unchanged', async () => {
    const runId = await newRun(100);
    const res = await order(runId, buy('MSFT', 1));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'REJECTED', rejectReason: 'INSUFFICIENT_CASH', filledAt: null });
    expect(await t.counts(['orders', 'trades', 'positions'], 'run_id = $1', [runId])).toEqual([1, 0, 0]);
    expect(await cashOf(runId)).toBe(100);
  });

  test('OR-05: a LIMIT BUY below the price stays PENDING with no trade; at or above it fills at the market price', async () => {
    const runId = await newRun();
    const pending = await order(runId, { ticker: 'NVDA', side: 'BUY', orderType: 'LIMIT', quantity: 2, limitPrice: 129.99 });
    expect(pending.body).toMatchObject({ status: 'PENDING', limitPrice: 129.99, filledAt: null, rejectReason: null });
    expect(await t.count('trades', 'run_id = $1', [runId])).toBe(0);
    expect(await cashOf(runId)).toBe(10000);
    const filled = await order(runId, { ticker: 'NVDA', side: 'BUY', orderType: 'LIMIT', quantity: 2, limitPrice: 135 });
    expect(filled.body.status).toBe('FILLED');
    const trades = (await t.call('listRunTrades', 'GET', `/runs/${runId}/trades`)).body;
    expect(trades.map((x: any) => [x.orderId, x.price])).toEqual([[filled.body.id, 130]]);
    expect(await cashOf(runId)).toBe(9740);
  });

  test('SELL: fills against the position and credits cash; beyond the position it is REJECTED', async () => {
    const runId = await newRun(4000);
    await order(runId, buy('XOM', 5));
    const sold = await order(runId, { ticker: 'XOM', side: 'SELL', orderType: 'MARKET', quantity: 2 });
    expect(sold.body.status).toBe('FILLED');
    const short = await order(runId, { ticker: 'XOM', side: 'SELL', orderType: 'MARKET', quantity: 4 });
    expect(short.body).toMatchObject({ status: 'REJECTED', rejectReason: 'INSUFFICIENT_POSITION' });
    const high = await order(runId, { ticker: 'XOM', side: 'SELL', orderType: 'LIMIT', quantity: 1, limitPrice: 111 });
    expect(high.body.status).toBe('PENDING');
    expect((await t.call('listRunPositions', 'GET', `/runs/${runId}/positions`)).body).toEqual([expect.objectContaining({ ticker: 'XOM', quantity: 3, avgPrice: 110 })]);
    expect(await cashOf(runId)).toBe(4000 - 550 + 220);
    expect(await t.count('trades', 'run_id = $1', [runId])).toBe(2);
  });

  test.each([
    ['LIMIT without limitPrice', { ticker: 'AAPL', side: 'BUY', orderType: 'LIMIT', quantity: 1 }, ['body', 'limitPrice']],
    ['MARKET with limitPrice', { ticker: 'AAPL', side: 'BUY', orderType: 'MARKET', quantity: 1, limitPrice: 10 }, ['body', 'limitPrice']],
    ['an unknown side', { ticker: 'AAPL', side: 'SHORT', orderType: 'MARKET', quantity: 1 }, ['body', 'side']],
    ['a lower-case ticker', { ticker: 'aapl', side: 'BUY', orderType: 'MARKET', quantity: 1 }, ['body', 'ticker']],
    ['a quantity as a string', { ticker: 'AAPL', side: 'BUY', orderType: 'MARKET', quantity: '1' }, ['body', 'quantity']],
    ['a missing ticker', { side: 'BUY', orderType: 'MARKET', quantity: 1 }, ['body', 'ticker']],
    ['an unknown field', { ticker: 'AAPL', side: 'BUY', orderType: 'MARKET', quantity: 1, note: 'x' }, ['body', 'note']],
  ])('%s is a 422 at its location, no row written', async (_name, body, loc) => {
    const runId = await newRun();
    const res = await order(runId, body);
    expect(res.status).toBe(422);
    expect(res.body.detail.map((d: { loc: unknown }) => d.loc)).toContainEqual(loc);
    expect(await t.count('orders', 'run_id = $1', [runId])).toBe(0);
  });

  test('a ticker with no market price is a 400; a run that is not RUNNING a 409; an unknown run a 404', async () => {
    const runId = await newRun();
    const res = await order(runId, buy(id.TICKER_WITHOUT_PRICE, 1));
    expect(res).toEqual({ status: 400, body: { detail: `no market price for ${id.TICKER_WITHOUT_PRICE}` } });
    expect(await t.count('orders', 'run_id = $1', [runId])).toBe(0);
    for (const stopped of [id.RUN_ALICE_STOPPED, id.RUN_BOB_ERROR]) {
      const refused = await order(stopped, buy('AAPL', 1));
      expect(refused.status).toBe(409);
      expect(await t.count('orders', 'run_id = $1', [stopped])).toBe(0);
    }
    expect((await order(UNKNOWN, buy('AAPL', 1))).status).toBe(404);
  });

  test('racing fills serialise on the run: cash for 2 buys, 5 at once -> 2 FILLED, 3 REJECTED, cash never negative', async () => {
    // 10,000 spent down to 400 on four other tickers (2,400 each, under the 25% position limit)
    const runId = await newRun(10000);
    for (const ticker of ['RACA', 'RACB', 'RACC', 'RACD']) {
      await t.call('createMarketPrice', 'POST', '/market-prices', { ticker, price: 2400 });
      expect((await order(runId, buy(ticker, 1))).body.status).toBe('FILLED');
    }
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => order(runId, buy('XOM', 1.5))));
    const statuses = results.map((r) => r.body.status).sort();
    expect(statuses).toEqual(['FILLED', 'FILLED', 'REJECTED', 'REJECTED', 'REJECTED']);
    expect(await cashOf(runId)).toBe(70);
    expect(await t.count('trades', `run_id = $1 AND ticker = 'XOM'`, [runId])).toBe(2);
  });
});

describe('ticks', () => {
  const T1 = '2026-01-06T10:00:00.000Z';

  test('the first tick is a 201: a decision per ticker, a filled order per BUY', async () => {
    const runId = await newRun(1000);
    const res = await tick(runId, T1, { MSFT: 420, AAPL: 185 });
    expect(res.status).toBe(201);
    expect(res.body.replayed).toBe(false);
    expect(res.body.logicalTime).toBe(T1);
    expect(res.body.decisions.map((d: any) => [d.ticker, d.action, d.confidence, d.logicalTime])).toEqual([
      ['AAPL', 'BUY', 0.75, T1],
      ['MSFT', 'HOLD', 0.5, T1],
    ]);
    expect(res.body.orders).toEqual([expect.objectContaining({ ticker: 'AAPL', side: 'BUY', orderType: 'MARKET', quantity: 1, status: 'FILLED', logicalTime: T1 })]);
    expect((await t.call('listRunTrades', 'GET', `/runs/${runId}/trades`)).body).toEqual([expect.objectContaining({ ticker: 'AAPL', price: 185 })]);
    expect(await cashOf(runId)).toBe(815);
  });

  test('IR-01 / MT-03: the same logical time again is a 200 replay with the same output and no new rows', async () => {
    const runId = await newRun(1000);
    const first = await tick(runId, T1, { AAPL: 185, XOM: 100 });
    const before = await t.counts(CHILDREN, 'run_id = $1', [runId]);
    expect(before).toEqual([1, 2, 2, 2, 2]);
    for (const time of [T1, '2026-01-06T11:00:00+01:00']) {
      const again = await tick(runId, time, { AAPL: 1, NVDA: 1 });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ ...first.body, replayed: true });
    }
    expect(await t.counts(CHILDREN, 'run_id = $1', [runId])).toEqual(before);
    expect(await cashOf(runId)).toBe(1000 - 185 - 100);
  });

  test('CC-02: four concurrent ticks at one logical time: one 201, three replays, one set of rows', async () => {
    const runId = await newRun(1000);
    const results = await Promise.all([1, 2, 3, 4].map(() => tick(runId, T1, { AAPL: 150, MSFT: 300 })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    expect(results.filter((r) => r.body.replayed)).toHaveLength(3);
    expect(await t.counts(CHILDREN, 'run_id = $1', [runId])).toEqual([1, 1, 1, 1, 2]);
    const dupes = await t.pg.query('SELECT run_id, logical_time FROM engine_ticks GROUP BY 1, 2 HAVING count(*) > 1');
    expect(dupes.rows).toEqual([]);
  });

  test('CC-01: a tick racing a stop leaves a consistent run: either both succeed or the tick is a 409 with no rows', async () => {
    for (let round = 0; round < 5; round++) {
      const runId = await newRun(1000);
      const [ticked, stopped] = await Promise.all([
        tick(runId, T1, { AAPL: 150 }),
        t.call('stopRun', 'POST', `/runs/${runId}/stop`),
      ]);
      expect(stopped.status).toBe(200);
      const rows = await t.counts(CHILDREN, 'run_id = $1', [runId]);
      if (ticked.status === 201) expect(rows).toEqual([1, 1, 1, 1, 1]);
      else {
        expect(ticked.status).toBe(409);
        expect(rows).toEqual([0, 0, 0, 0, 0]);
      }
      expect(await t.count('orders', `run_id = $1 AND status = 'PENDING'`, [runId])).toBe(0);
    }
  });

  test('a stopped run refuses new ticks (409) but still replays one it ran', async () => {
    const runId = await newRun(1000);
    const first = await tick(runId, T1, { AAPL: 150 });
    await t.call('stopRun', 'POST', `/runs/${runId}/stop`);
    expect((await tick(runId, T1, { AAPL: 150 })).body).toEqual({ ...first.body, replayed: true });
    const later = await tick(runId, '2026-01-06T10:01:00Z', { AAPL: 150 });
    expect(later.status).toBe(409);
    expect(await t.count('engine_ticks', 'run_id = $1', [runId])).toBe(1);
    expect((await tick(id.RUN_BOB_ERROR, T1, { AAPL: 1 })).status).toBe(409);
    expect((await tick(UNKNOWN, T1, { AAPL: 1 })).status).toBe(404);
  });

  test('the seeded tick of ALICE replays its seeded decisions', async () => {
    const res = await tick(id.RUN_ALICE_ACTIVE, id.SEED_TICK_TIME, { AAPL: 1 });
    expect(res.status).toBe(200);
    expect(res.body.replayed).toBe(true);
    expect(ids(res.body.decisions)).toEqual([id.DECISION_ALICE_AAPL_BUY, id.DECISION_ALICE_MSFT_HOLD, id.DECISION_ALICE_NVDA_BUY]);
    expect(res.body.orders).toEqual([]);
    expect(res.body.markToMarket).toEqual({ logicalTime: id.SEED_TICK_TIME, cash: 96000, positionsValue: 4000, equity: 100000 });
    expect(res.body.events).toEqual([expect.objectContaining({ id: id.EVENT_ALICE_REBALANCED, eventType: 'REBALANCED', orderId: null })]);
    expect(await t.count('mtm_ledger', 'run_id = $1', [id.RUN_ALICE_ACTIVE])).toBe(1);
  });

  test('a BUY the cash cannot cover is a REJECTED order; the tick still counts', async () => {
    const runId = await newRun(100);
    const res = await tick(runId, T1, { AAPL: 150 });
    expect(res.status).toBe(201);
    expect(res.body.orders).toEqual([expect.objectContaining({ status: 'REJECTED', rejectReason: 'INSUFFICIENT_CASH' })]);
    expect(await t.counts(CHILDREN, 'run_id = $1', [runId])).toEqual([1, 1, 0, 0, 1]);
  });

  test.each([
    ['no prices', { logicalTime: T1, prices: {} }, ['body', 'prices']],
    ['a lower-case ticker', { logicalTime: T1, prices: { aapl: 1 } }, ['body', 'prices']],
    ['a zero price', { logicalTime: T1, prices: { AAPL: 0 } }, ['body', 'prices', 'AAPL']],
    ['a bad logical time', { logicalTime: 'yesterday', prices: { AAPL: 1 } }, ['body', 'logicalTime']],
    ['missing prices', { logicalTime: T1 }, ['body', 'prices']],
  ])('%s is a 422, nothing written', async (_name, body, loc) => {
    const runId = await newRun();
    const res = await t.call('runTick', 'POST', `/runs/${runId}/ticks`, body);
    expect(res.status).toBe(422);
    expect(res.body.detail.map((d: { loc: unknown }) => d.loc)).toContainEqual(loc);
    expect(await t.counts(CHILDREN, 'run_id = $1', [runId])).toEqual([0, 0, 0, 0, 0]);
  });

  test('MU-01 / DR-01: two traders, one feed: isolated rows and identical ledgers (ids and clocks aside)', async () => {
    const feed: [string, Record<string, number>][] = [
      ['2026-01-06T10:00:00.000Z', { AAPL: 195, MSFT: 410 }],
      ['2026-01-06T10:01:00.000Z', { AAPL: 199.5, NVDA: 120 }],
      ['2026-01-06T10:02:00.000Z', { AAPL: 205, NVDA: 119.25 }],
    ];
    const runs = [await newRun(2000), await newRun(2000)];
    for (const runId of runs) for (const [time, prices] of feed) expect((await tick(runId, time, prices)).status).toBe(201);
    const ledger = async (runId: string) => {
      const strip = (list: Record<string, unknown>[]) =>
        list.map(({ id: _i, runId: r, userId: _u, orderId: _o, createdAt: _c, filledAt: _f, executedAt: _e, updatedAt: _p, ...rest }) => {
          expect(r).toBe(runId);
          return rest;
        });
      return {
        decisions: strip((await t.call('listRunDecisions', 'GET', `/runs/${runId}/decisions`)).body),
        orders: strip((await t.call('listRunOrders', 'GET', `/runs/${runId}/orders`)).body),
        trades: strip((await t.call('listRunTrades', 'GET', `/runs/${runId}/trades`)).body),
        positions: strip((await t.call('listRunPositions', 'GET', `/runs/${runId}/positions`)).body),
        cash: await cashOf(runId),
      };
    };
    const [a, b] = [await ledger(runs[0] as string), await ledger(runs[1] as string)];
    expect(a).toEqual(b);
    expect(a.decisions).toHaveLength(6);
    expect(a.cash).toBe(2000 - 195 - 199.5 - 120 - 119.25);
    expect(a.positions).toEqual([
      { ticker: 'AAPL', quantity: 2, avgPrice: 197.25 },
      { ticker: 'NVDA', quantity: 2, avgPrice: 119.625 },
    ]);
  });
});
