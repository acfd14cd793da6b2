import * as id from '../../seed/ids/trading';
import { hashTables, seedDatabase } from '../../seed/seed';
import { startTrading, type TradingHarness } from './test-setup';

/**
 * Contract of the trading service against a real, seeded database: seeded reads, filters,
 * validation (422 never 500), unknown ids (404), duplicates (409), config, traders, market prices,
 * notifications, and the run lifecycle rules of seed 003 (RL-04, RL-05, RL-07..RL-09, OR-06).
 * Every response is checked against openapi/trading.yaml (status documented, body valid).
 *
 * Mutation tried: stop without cancelling PENDING orders (handlers/runs.ts) -> RL-09 / OR-06 fails.
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

async function newTrader(name: string): Promise<string> {
  const res = await t.call('createTrader', 'POST', '/traders', { name });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('health and request hygiene', () => {
  test('GET /health answers ok', async () => {
    const res = await t.call('tradingHealth', 'GET', '/health');
    expect(res).toEqual({ status: 200, body: { status: 'ok', service: 'trading' } });
  });

  test('malformed JSON is a 422 with a located issue, not a 500', async () => {
    const res = await t.call('createRun', 'POST', '/runs', '{"userId": ');
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({ loc: ['body'], type: 'json_invalid' });
  });

  test('hostile input is a 4xx, never a 500: NUL bytes, broken percent-encoding, year 0', async () => {
    expect((await t.call('createTrader', 'POST', '/traders', { name: 'a\u0000b' })).status).toBe(422);
    expect((await t.call('getRun', 'GET', '/runs/%E0%A4%A')).status).toBe(422);
    const run = await t.call('createRun', 'POST', '/runs', { userId: await newTrader('hostile'), strategy: 'x', initialCash: 10 });
    const tick = await t.call('runTick', 'POST', `/runs/${run.body.id}/ticks`, { logicalTime: '0000-01-01T00:00:00Z', prices: { AAPL: 1 } });
    expect(tick.status).toBe(422);
    expect(await t.count('engine_ticks', 'run_id = $1', [run.body.id])).toBe(0);
  });

  test('an unknown route is a JSON 404', async () => {
    const res = await t.svc.request('GET', '/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: 'no route for GET /nope' });
  });
});

describe('config (singleton)', () => {
  test('reads the seeded configuration', async () => {
    const res = await t.call('getEngineConfig', 'GET', '/config');
    expect(res.body).toEqual({
      tradingEnabled: true,
      maxPositionPct: 0.25,
      maxOrderNotional: 50000,
      defaultInitialCash: 100000,
      tickIntervalSeconds: 60,
      updatedAt: '2026-01-05T14:30:00.000Z',
    });
  });

  test('replace then read back equal; invalid values are 422 and change nothing', async () => {
    const next = { tradingEnabled: false, maxPositionPct: 0.5, maxOrderNotional: 75000.5, defaultInitialCash: 20000, tickIntervalSeconds: 30 };
    const put = await t.call('replaceEngineConfig', 'PUT', '/config', next);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject(next);
    expect(put.body.updatedAt).not.toBe('2026-01-05T14:30:00.000Z');
    const bad = await t.call('replaceEngineConfig', 'PUT', '/config', { ...next, maxPositionPct: 1.5 });
    expect(bad.status).toBe(422);
    expect(bad.body.detail).toEqual([expect.objectContaining({ loc: ['body', 'maxPositionPct'] })]);
    const { tickIntervalSeconds: _omitted, ...partial } = next;
    const missing = await t.call('replaceEngineConfig', 'PUT', '/config', partial);
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toEqual([expect.objectContaining({ loc: ['body', 'tickIntervalSeconds'], type: 'missing' })]);
    const extra = await t.call('replaceEngineConfig', 'PUT', '/config', { ...next, updatedAt: '2026-01-01T00:00:00Z' });
    expect(extra.status).toBe(422);
    const get = await t.call('getEngineConfig', 'GET', '/config');
    expect(get.body).toEqual(put.body);
    // Runs started without initialCash take the configured default.
    const run = await t.call('createRun', 'POST', '/runs', { userId: await newTrader('config-user'), strategy: 'momentum' });
    expect(run.body).toMatchObject({ initialCash: 20000, cash: 20000 });
  });
});

describe('traders', () => {
  test('lists the seeded traders by name, pages with limit/offset', async () => {
    const all = await t.call('listTraders', 'GET', '/traders');
    expect(ids(all.body).slice(0, 3)).toEqual([id.TRADER_ALICE, id.TRADER_BOB, id.TRADER_CAROL]);
    const page = await t.call('listTraders', 'GET', '/traders?limit=1&offset=1');
    expect(ids(page.body)).toEqual([id.TRADER_BOB]);
  });

  test('get, 404 for an unknown id, 422 for a malformed one', async () => {
    expect((await t.call('getTrader', 'GET', `/traders/${id.TRADER_CAROL}`)).body).toEqual({
      id: id.TRADER_CAROL,
      name: 'carol',
      createdAt: '2026-01-05T14:30:00.000Z',
    });
    const missing = await t.call('getTrader', 'GET', `/traders/${UNKNOWN}`);
    expect(missing).toEqual({ status: 404, body: { detail: `trader ${UNKNOWN} not found` } });
    const bad = await t.call('getTrader', 'GET', '/traders/not-a-uuid');
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(['path', 'traderId']);
  });

  test('a duplicate name is a 409 and leaves one row', async () => {
    await newTrader('dup-trader');
    const again = await t.call('createTrader', 'POST', '/traders', { name: 'dup-trader' });
    expect(again.status).toBe(409);
    expect(await t.count('traders', 'name = $1', ['dup-trader'])).toBe(1);
    expect((await t.call('createTrader', 'POST', '/traders', { name: '' })).status).toBe(422);
  });
});

describe('market prices', () => {
  test('lists the seeded prices by ticker; BARE has none', async () => {
    const res = await t.call('listMarketPrices', 'GET', '/market-prices');
    expect(res.body.map((p: { ticker: string }) => p.ticker)).toEqual(['AAPL', 'JPM', 'MSFT', 'NVDA', 'TSLA', 'XOM']);
    expect((await t.call('getMarketPrice', 'GET', '/market-prices/AAPL')).body).toEqual({ ticker: 'AAPL', price: 190, asOf: '2026-01-05T14:30:00.000Z' });
    expect((await t.call('getMarketPrice', 'GET', `/market-prices/${id.TICKER_WITHOUT_PRICE}`)).status).toBe(404);
    expect((await t.call('getMarketPrice', 'GET', '/market-prices/aapl')).status).toBe(422);
  });

  test('create (201), duplicate (409), set (200), set unknown (404), invalid price (422)', async () => {
    const made = await t.call('createMarketPrice', 'POST', '/market-prices', { ticker: 'TSTA', price: 12.5, asOf: '2026-01-06T10:00:00Z' });
    expect(made).toEqual({ status: 201, body: { ticker: 'TSTA', price: 12.5, asOf: '2026-01-06T10:00:00.000Z' } });
    expect((await t.call('createMarketPrice', 'POST', '/market-prices', { ticker: 'TSTA', price: 1 })).status).toBe(409);
    const set = await t.call('setMarketPrice', 'PUT', '/market-prices/TSTA', { price: 13 });
    expect(set.status).toBe(200);
    expect(set.body.price).toBe(13);
    expect((await t.call('getMarketPrice', 'GET', '/market-prices/TSTA')).body.price).toBe(13);
    expect((await t.call('setMarketPrice', 'PUT', '/market-prices/NOPE', { price: 1 })).status).toBe(404);
    const zero = await t.call('setMarketPrice', 'PUT', '/market-prices/TSTA', { price: 0 });
    expect(zero.status).toBe(422);
    expect(zero.body.detail[0].loc).toEqual(['body', 'price']);
  });
});

describe('runs: reads and filters', () => {
  test('every seeded run, by start time', async () => {
    const res = await t.call('listRuns', 'GET', '/runs?limit=5');
    expect(ids(res.body)).toEqual([id.RUN_ALICE_STOPPED, id.RUN_BOB_ERROR, id.RUN_ALICE_ACTIVE, id.RUN_BOB_ACTIVE, id.RUN_SCRATCH_ACTIVE]);
  });

  test('the active run equals its fixture, cash = initial - fills', async () => {
    expect((await t.call('getRun', 'GET', `/runs/${id.RUN_ALICE_ACTIVE}`)).body).toEqual({
      id: id.RUN_ALICE_ACTIVE,
      userId: id.TRADER_ALICE,
      strategy: 'momentum',
      status: 'RUNNING',
      initialCash: 100000,
      cash: 96000,
      startedAt: '2026-01-05T13:30:00.000Z',
      stoppedAt: null,
    });
  });

  test('filters by trader and status; CAROL has none (200 [])', async () => {
    const alice = await t.call('listRuns', 'GET', `/runs?userId=${id.TRADER_ALICE}`);
    expect(ids(alice.body)).toEqual([id.RUN_ALICE_STOPPED, id.RUN_ALICE_ACTIVE]);
    const error = await t.call('listRuns', 'GET', '/runs?status=ERROR');
    expect(ids(error.body)).toEqual([id.RUN_BOB_ERROR]);
    expect(await t.call('listRuns', 'GET', `/runs?userId=${id.TRADER_CAROL}`)).toEqual({ status: 200, body: [] });
  });

  test.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['offset=-1', 'offset'],
    ['limit=abc', 'limit'],
    ['status=PAUSED', 'status'],
    ['userId=nope', 'userId'],
  ])('out-of-contract query %s is a 422 at query.%s', async (qs, field) => {
    const res = await t.call('listRuns', 'GET', `/runs?${qs}`);
    expect(res.status).toBe(422);
    expect(res.body.detail[0].loc).toEqual(['query', field]);
  });

  test('unknown run ids are 404 on the item and every nested route; malformed ids 422', async () => {
    for (const [op, path] of [
      ['getRun', ''],
      ['listRunOrders', '/orders'],
      ['listRunTrades', '/trades'],
      ['listRunPositions', '/positions'],
      ['listRunDecisions', '/decisions'],
    ] as const) {
      const res = await t.call(op, 'GET', `/runs/${UNKNOWN}${path}`);
      expect(res).toEqual({ status: 404, body: { detail: `run ${UNKNOWN} not found` } });
      expect((await t.call(op, 'GET', `/runs/123${path}`)).status).toBe(422);
    }
    expect((await t.call('stopRun', 'POST', `/runs/${UNKNOWN}/stop`)).status).toBe(404);
    expect((await t.call('deleteRun', 'DELETE', `/runs/${UNKNOWN}`)).status).toBe(404);
    expect((await t.call('getOrder', 'GET', `/orders/${UNKNOWN}`)).status).toBe(404);
  });
});

describe('runs: lifecycle (seed 003)', () => {
  test('RL-08: create starts a RUNNING run with its cash', async () => {
    const userId = await newTrader('rl08');
    const res = await t.call('createRun', 'POST', '/runs', { userId, strategy: 'momentum', initialCash: 5000 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ userId, strategy: 'momentum', status: 'RUNNING', initialCash: 5000, cash: 5000, stoppedAt: null });
    expect(await t.count('strategy_runs', 'id = $1 AND status = $2', [res.body.id, 'RUNNING'])).toBe(1);
  });

  test('RL-05: a second RUNNING run for one trader is a 409, and the database keeps one', async () => {
    const res = await t.call('createRun', 'POST', '/runs', { userId: id.TRADER_ALICE, strategy: 'momentum', initialCash: 1000 });
    expect(res).toEqual({ status: 409, body: { detail: `trader ${id.TRADER_ALICE} already has a RUNNING run: stop it first` } });
    expect(await t.count('strategy_runs', `user_id = $1 AND status = 'RUNNING'`, [id.TRADER_ALICE])).toBe(1);
  });

  test('RL-05 under concurrency: two creates at once, exactly one 201', async () => {
    const userId = await newTrader('rl05-race');
    const statuses = (
      await Promise.all([1, 2, 3].map(() => t.call('createRun', 'POST', '/runs', { userId, strategy: 'race', initialCash: 100 })))
    ).map((r) => r.status);
    expect(statuses.sort()).toEqual([201, 409, 409]);
    expect(await t.count('strategy_runs', 'user_id = $1', [userId])).toBe(1);
  });

  test('create: unknown trader 404, missing strategy 422, initialCash 0 is 422', async () => {
    expect((await t.call('createRun', 'POST', '/runs', { userId: UNKNOWN, strategy: 'x' })).status).toBe(404);
    const missing = await t.call('createRun', 'POST', '/runs', { userId: id.TRADER_CAROL });
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toEqual([expect.objectContaining({ loc: ['body', 'strategy'], type: 'missing' })]);
    const zero = await t.call('createRun', 'POST', '/runs', { userId: id.TRADER_CAROL, strategy: 'x', initialCash: 0 });
    expect(zero.status).toBe(422);
    expect(await t.count('strategy_runs', 'user_id = $1', [id.TRADER_CAROL])).toBe(0);
  });

  test('RL-09 / OR-06: stop cancels pending orders; the run then refuses orders and ticks', async () => {
    const userId = await newTrader('rl09');
    const run = (await t.call('createRun', 'POST', '/runs', { userId, strategy: 'momentum', initialCash: 10000 })).body;
    const pending = await t.call('placeOrder', 'POST', `/runs/${run.id}/orders`, {
      ticker: 'NVDA',
      side: 'BUY',
      orderType: 'LIMIT',
      quantity: 2,
      limitPrice: 100,
    });
    expect(pending.body.status).toBe('PENDING');
    const stopped = await t.call('stopRun', 'POST', `/runs/${run.id}/stop`);
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ id: run.id, status: 'STOPPED', cash: 10000 });
    expect(stopped.body.stoppedAt).toEqual(expect.any(String));
    expect((await t.call('getOrder', 'GET', `/orders/${pending.body.id}`)).body.status).toBe('CANCELLED');
    const before = await t.counts(['orders', 'trades', 'decisions', 'engine_ticks'], 'run_id = $1', [run.id]);
    const order = await t.call('placeOrder', 'POST', `/runs/${run.id}/orders`, { ticker: 'AAPL', side: 'BUY', orderType: 'MARKET', quantity: 1 });
    expect(order.status).toBe(409);
    const tick = await t.call('runTick', 'POST', `/runs/${run.id}/ticks`, { logicalTime: '2026-01-06T10:00:00Z', prices: { AAPL: 100 } });
    expect(tick.status).toBe(409);
    const after = await t.counts(['orders', 'trades', 'decisions', 'engine_ticks'], 'run_id = $1', [run.id]);
    expect(after).toEqual(before);
    // A new run for the same trader is fine once the old one is stopped.
    expect((await t.call('createRun', 'POST', '/runs', { userId, strategy: 'momentum', initialCash: 10 })).status).toBe(201);
  });

  test('RL-04: a STOPPED or ERROR run cannot be stopped again (409) and stays as it was', async () => {
    for (const runId of [id.RUN_ALICE_STOPPED, id.RUN_BOB_ERROR]) {
      const before = (await t.call('getRun', 'GET', `/runs/${runId}`)).body;
      const res = await t.call('stopRun', 'POST', `/runs/${runId}/stop`);
      expect(res.status).toBe(409);
      expect(res.body.detail).toMatch(/only a RUNNING run can be stopped/);
      expect((await t.call('getRun', 'GET', `/runs/${runId}`)).body).toEqual(before);
    }
  });

  test('RL-04 in the database: STOPPED -> RUNNING is refused by the trigger (P0409)', async () => {
    await expect(t.pg.query(`UPDATE strategy_runs SET status = 'RUNNING' WHERE id = $1`, [id.RUN_ALICE_STOPPED])).rejects.toMatchObject({
      code: 'P0409',
    });
    expect(await t.count('strategy_runs', `id = $1 AND status = 'STOPPED'`, [id.RUN_ALICE_STOPPED])).toBe(1);
  });

  test('RL-06 in the database: a user/run mismatch is a foreign-key violation', async () => {
    await expect(
      t.pg.query(
        `INSERT INTO orders (id, run_id, user_id, ticker, side, order_type, quantity, status)
         VALUES (gen_random_uuid(), $1, $2, 'AAPL', 'BUY', 'MARKET', 1, 'PENDING')`,
        [id.RUN_BOB_ACTIVE, id.TRADER_ALICE],
      ),
    ).rejects.toMatchObject({ code: '23503' });
  });

  test('RL-07: delete cascades to every child row; then 404', async () => {
    const userId = await newTrader('rl07');
    const run = (await t.call('createRun', 'POST', '/runs', { userId, strategy: 'momentum', initialCash: 10000 })).body;
    await t.call('placeOrder', 'POST', `/runs/${run.id}/orders`, { ticker: 'AAPL', side: 'BUY', orderType: 'MARKET', quantity: 1 });
    await t.call('runTick', 'POST', `/runs/${run.id}/ticks`, { logicalTime: '2026-01-06T10:00:00Z', prices: { XOM: 110 } });
    const children = ['engine_ticks', 'orders', 'trades', 'positions', 'decisions'];
    const counts = await t.counts(children, 'run_id = $1', [run.id]);
    expect(counts).toEqual([1, 2, 2, 2, 1]);
    expect((await t.call('deleteRun', 'DELETE', `/runs/${run.id}`)).status).toBe(204);
    expect((await t.call('getRun', 'GET', `/runs/${run.id}`)).status).toBe(404);
    expect(await t.counts(children, 'run_id = $1', [run.id])).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('notifications', () => {
  test('filters by trader and status; CAROL has none', async () => {
    const alice = await t.call('listNotifications', 'GET', `/notifications?userId=${id.TRADER_ALICE}`);
    expect(ids(alice.body)).toEqual([id.NOTIFICATION_ALICE_FILL_DELIVERED, id.NOTIFICATION_ALICE_REJECT_PENDING]);
    const delivered = await t.call('listNotifications', 'GET', '/notifications?status=DELIVERED');
    expect(ids(delivered.body)).toEqual([id.NOTIFICATION_ALICE_FILL_DELIVERED]);
    expect((await t.call('listNotifications', 'GET', `/notifications?userId=${id.TRADER_CAROL}`)).body).toEqual([]);
    expect((await t.call('listNotifications', 'GET', '/notifications?status=SENT')).status).toBe(422);
  });

  test('get equals the fixture; 404 unknown', async () => {
    expect((await t.call('getNotification', 'GET', `/notifications/${id.NOTIFICATION_BOB_ERROR_FAILED}`)).body).toEqual({
      id: id.NOTIFICATION_BOB_ERROR_FAILED,
      userId: id.TRADER_BOB,
      channel: 'WEBHOOK',
      message: 'Run breakout stopped with an error',
      status: 'FAILED',
      createdAt: '2026-01-03T15:00:00.000Z',
      deliveredAt: null,
    });
    expect((await t.call('getNotification', 'GET', `/notifications/${UNKNOWN}`)).status).toBe(404);
  });

  test('create (201 PENDING) then read back; unknown trader 404; invalid 422 with no row', async () => {
    const userId = await newTrader('notify');
    const made = await t.call('createNotification', 'POST', '/notifications', { userId, channel: 'SLACK', message: 'hello' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ userId, channel: 'SLACK', message: 'hello', status: 'PENDING', deliveredAt: null });
    expect((await t.call('getNotification', 'GET', `/notifications/${made.body.id}`)).body).toEqual(made.body);
    expect((await t.call('createNotification', 'POST', '/notifications', { userId: UNKNOWN, channel: 'SLACK', message: 'x' })).status).toBe(404);
    for (const bad of [{ userId, channel: 'SMS', message: 'x' }, { userId, channel: 'EMAIL', message: '' }, { userId, channel: 'EMAIL' }]) {
      expect((await t.call('createNotification', 'POST', '/notifications', bad)).status).toBe(422);
    }
    expect(await t.count('notifications', 'user_id = $1', [userId])).toBe(1);
  });
});

describe('fixtures', () => {
  test('seeding again changes no trading table (per-table hash)', async () => {
    const tables = ['engine_config', 'traders', 'market_prices', 'strategy_runs', 'engine_ticks', 'orders', 'trades', 'positions', 'decisions', 'notifications'];
    const pick = (h: Record<string, string>) => Object.fromEntries(tables.map((tb) => [tb, h[tb]]));
    const fresh = await startTrading();
    try {
      const before = pick(await hashTables(fresh.pg));
      await seedDatabase(fresh.pg);
      expect(pick(await hashTables(fresh.pg))).toEqual(before);
      expect(Object.values(before).every((h) => h !== undefined && !h.startsWith('0:'))).toBe(true);
    } finally {
      await fresh.close();
    }
  });
});

describe('empty database', () => {
  let empty: TradingHarness;
  beforeAll(async () => {
    empty = await startTrading({ seeded: false });
  });
  afterAll(async () => {
    await empty?.close();
  });

  test('every collection list is 200 []', async () => {
    for (const [op, path] of [
      ['listTraders', '/traders'],
      ['listMarketPrices', '/market-prices'],
      ['listRuns', '/runs'],
      ['listNotifications', '/notifications'],
    ] as const) {
      expect(await empty.call(op, 'GET', path)).toEqual({ status: 200, body: [] });
    }
  });

  test('config is 404 until it is set, then reads back', async () => {
    expect((await empty.call('getEngineConfig', 'GET', '/config')).status).toBe(404);
    const cfg = { tradingEnabled: true, maxPositionPct: 0.1, maxOrderNotional: 1000, defaultInitialCash: 5000, tickIntervalSeconds: 5 };
    expect((await empty.call('replaceEngineConfig', 'PUT', '/config', cfg)).status).toBe(200);
    expect((await empty.call('getEngineConfig', 'GET', '/config')).body).toMatchObject(cfg);
  });
});
