/**
 * Order lifecycle, seed 003's OR-01..OR-06 (openapi/trading.yaml placeOrder, stopRun): a market
 * fill writes the order, the trade and the position and moves the cash; quantity 0 or less is
 * refused (422 here: the contract makes it a validation error) with no row at all; a BUY the cash
 * cannot cover is REJECTED with no trade; a limit below the price stays PENDING; stopping the run
 * cancels its PENDING orders. Every test trades on a fresh run of a fresh trader, on a fresh ticker
 * whose price it sets, so the arithmetic is exact and no other file can move it.
 *
 * Mutation tried (scratch copy of the service): services/trading/handlers/runs.ts stopRun without
 * its `UPDATE orders SET status = 'CANCELLED' ...` -> caught by "OR-06 stopping the run cancels
 * its PENDING orders and leaves the filled ones" (orders stayed PENDING); reverted.
 */
import { trading } from '../generated/trading/client';
import { count, runRowCounts, sql } from './support/db';
import { useFixtures, uniqueTicker } from './support/factories';
import { fails, ok } from './support/http';

const fx = useFixtures();

type OrderBody = { ticker: string; side: 'BUY' | 'SELL'; orderType: 'MARKET' | 'LIMIT'; quantity: number; limitPrice?: number };

const place = (runId: string, body: OrderBody) => trading.seeded.POST('/runs/{runId}/orders', { params: { path: { runId } }, body });
const getRun = async (runId: string) => ok(await trading.seeded.GET('/runs/{runId}', { params: { path: { runId } } }), 200);
const positions = async (runId: string) => ok(await trading.seeded.GET('/runs/{runId}/positions', { params: { path: { runId } } }), 200);
const trades = async (runId: string) => ok(await trading.seeded.GET('/runs/{runId}/trades', { params: { path: { runId } } }), 200);

/** A fresh RUNNING run and a fresh ticker at `price`. */
async function setup(price: number, initialCash = 10_000) {
  const { ticker } = await fx.price(price);
  const run = await fx.run({ initialCash });
  return { run, ticker };
}

test('OR-01 a market BUY fills: order FILLED, one trade at the price, the position, the cash debited', async () => {
  const { run, ticker } = await setup(123.45);
  const order = ok(await place(run.id, { ticker, side: 'BUY', orderType: 'MARKET', quantity: 3 }), 201);
  expect(order).toMatchObject({ runId: run.id, userId: run.userId, ticker, side: 'BUY', orderType: 'MARKET', quantity: 3, limitPrice: null, status: 'FILLED', rejectReason: null, logicalTime: null });
  expect(order.filledAt).not.toBeNull();
  expect(ok(await trading.seeded.GET('/orders/{orderId}', { params: { path: { orderId: order.id } } }), 200)).toStrictEqual(order);

  const [trade, ...more] = await trades(run.id);
  expect(more).toEqual([]);
  expect(trade).toMatchObject({ orderId: order.id, runId: run.id, ticker, side: 'BUY', quantity: 3, price: 123.45 });
  expect(await positions(run.id)).toMatchObject([{ runId: run.id, ticker, quantity: 3, avgPrice: 123.45 }]);
  expect((await getRun(run.id)).cash).toBe(10_000 - 370.35);
  expect(await runRowCounts(run.id)).toMatchObject({ orders: 1, trades: 1, positions: 1 });
});

test('OR-01 a second fill at a new price averages the position; a SELL within it credits the cash', async () => {
  const { run, ticker } = await setup(100);
  ok(await place(run.id, { ticker, side: 'BUY', orderType: 'MARKET', quantity: 2 }), 201);
  ok(await trading.seeded.PUT('/market-prices/{ticker}', { params: { path: { ticker } }, body: { price: 110 } }), 200);
  ok(await place(run.id, { ticker, side: 'BUY', orderType: 'MARKET', quantity: 2 }), 201);
  expect(await positions(run.id)).toMatchObject([{ ticker, quantity: 4, avgPrice: 105 }]);
  expect((await getRun(run.id)).cash).toBe(10_000 - 200 - 220);

  const sell = ok(await place(run.id, { ticker, side: 'SELL', orderType: 'MARKET', quantity: 1.5 }), 201);
  expect(sell.status).toBe('FILLED');
  expect(await positions(run.id)).toMatchObject([{ ticker, quantity: 2.5, avgPrice: 105 }]);
  expect((await getRun(run.id)).cash).toBe(10_000 - 420 + 165);
  expect((await trades(run.id)).map((t) => [t.side, t.quantity, t.price])).toEqual([
    ['BUY', 2, 100],
    ['BUY', 2, 110],
    ['SELL', 1.5, 110],
  ]);
});

test.each([
  ['OR-02 quantity 0', 0],
  ['OR-03 a negative quantity', -5],
  ['OR-03 a quantity that rounds to 0 at 4 decimals', 0.00004],
])('%s is a 422 on quantity and writes no order, no trade, no cash move', async (_name, quantity) => {
  const { run, ticker } = await setup(10);
  const before = await runRowCounts(run.id);
  const err = fails(await place(run.id, { ticker, side: 'BUY', orderType: 'MARKET', quantity }), 422);
  expect(JSON.stringify(err)).toContain('quantity');
  expect(await runRowCounts(run.id)).toEqual(before);
  expect((await getRun(run.id)).cash).toBe(10_000);
});

test('OR-04 a BUY the cash cannot cover is REJECTED (INSUFFICIENT_CASH): no trade, no position, cash unchanged', async () => {
  const { run, ticker } = await setup(500, 999.99);
  const order = ok(await place(run.id, { ticker, side: 'BUY', orderType: 'MARKET', quantity: 2 }), 201);
  expect(order).toMatchObject({ status: 'REJECTED', rejectReason: 'INSUFFICIENT_CASH', filledAt: null });
  expect(await runRowCounts(run.id)).toMatchObject({ orders: 1, trades: 0, positions: 0 });
  expect((await getRun(run.id)).cash).toBe(999.99);
});

test('OR-04 boundary: cash exactly equal to the cost fills, leaving 0', async () => {
  // 3,999.96 spent down to 999.99 on three other tickers, each 999.99: exactly the 25% position limit (RK-02)
  const { run, ticker } = await setup(333.33, 3_999.96);
  for (let i = 0; i < 3; i++) {
    const other = await fx.price(999.99);
    expect(ok(await place(run.id, { ticker: other.ticker, side: 'BUY', orderType: 'MARKET', quantity: 1 }), 201).status).toBe('FILLED');
  }
  expect(ok(await place(run.id, { ticker, side: 'BUY', orderType: 'MARKET', quantity: 3 }), 201).status).toBe('FILLED');
  expect((await getRun(run.id)).cash).toBe(0);
  expect(ok(await place(run.id, { ticker, side: 'BUY', orderType: 'MARKET', quantity: 0.01 }), 201).rejectReason).toBe('INSUFFICIENT_CASH');
});

test('a SELL beyond the position is REJECTED (INSUFFICIENT_POSITION) and changes nothing', async () => {
  const { run, ticker } = await setup(50);
  ok(await place(run.id, { ticker, side: 'BUY', orderType: 'MARKET', quantity: 1 }), 201);
  const order = ok(await place(run.id, { ticker, side: 'SELL', orderType: 'MARKET', quantity: 2 }), 201);
  expect(order).toMatchObject({ status: 'REJECTED', rejectReason: 'INSUFFICIENT_POSITION' });
  expect(await runRowCounts(run.id)).toMatchObject({ orders: 2, trades: 1 });
  expect(await positions(run.id)).toMatchObject([{ ticker, quantity: 1 }]);
  expect((await getRun(run.id)).cash).toBe(9_950);
});

test('OR-05 a LIMIT BUY below the price stays PENDING: no trade, no cash move', async () => {
  const { run, ticker } = await setup(200);
  const order = ok(await place(run.id, { ticker, side: 'BUY', orderType: 'LIMIT', quantity: 5, limitPrice: 199.99 }), 201);
  expect(order).toMatchObject({ status: 'PENDING', limitPrice: 199.99, filledAt: null, rejectReason: null });
  expect(await runRowCounts(run.id)).toMatchObject({ orders: 1, trades: 0, positions: 0 });
  expect((await getRun(run.id)).cash).toBe(10_000);
  const listed = ok(await trading.seeded.GET('/runs/{runId}/orders', { params: { path: { runId: run.id }, query: { status: 'PENDING' } } }), 200);
  expect(listed).toStrictEqual([order]);
});

test('OR-05 a LIMIT BUY at or above the price fills at the market price, not the limit', async () => {
  const { run, ticker } = await setup(200);
  const order = ok(await place(run.id, { ticker, side: 'BUY', orderType: 'LIMIT', quantity: 1, limitPrice: 250 }), 201);
  expect(order.status).toBe('FILLED');
  expect((await trades(run.id)).map((t) => t.price)).toEqual([200]);
  const atPrice = ok(await place(run.id, { ticker, side: 'BUY', orderType: 'LIMIT', quantity: 1, limitPrice: 200 }), 201);
  expect(atPrice.status).toBe('FILLED');
});

test('OR-05 a LIMIT SELL above the price stays PENDING', async () => {
  const { run, ticker } = await setup(100);
  ok(await place(run.id, { ticker, side: 'BUY', orderType: 'MARKET', quantity: 1 }), 201);
  expect(ok(await place(run.id, { ticker, side: 'SELL', orderType: 'LIMIT', quantity: 1, limitPrice: 101 }), 201).status).toBe('PENDING');
  expect(await positions(run.id)).toMatchObject([{ quantity: 1 }]);
});

test('OR-06 stopping the run cancels its PENDING orders and leaves the filled ones', async () => {
  const { run, ticker } = await setup(100);
  const filled = ok(await place(run.id, { ticker, side: 'BUY', orderType: 'MARKET', quantity: 1 }), 201);
  const p1 = ok(await place(run.id, { ticker, side: 'BUY', orderType: 'LIMIT', quantity: 1, limitPrice: 90 }), 201);
  const p2 = ok(await place(run.id, { ticker, side: 'SELL', orderType: 'LIMIT', quantity: 1, limitPrice: 150 }), 201);
  expect([p1.status, p2.status]).toEqual(['PENDING', 'PENDING']);

  ok(await trading.seeded.POST('/runs/{runId}/stop', { params: { path: { runId: run.id } } }), 200);
  const statusOf = async (orderId: string) => ok(await trading.seeded.GET('/orders/{orderId}', { params: { path: { orderId } } }), 200).status;
  expect([await statusOf(filled.id), await statusOf(p1.id), await statusOf(p2.id)]).toEqual(['FILLED', 'CANCELLED', 'CANCELLED']);
  const cancelled = ok(await trading.seeded.GET('/runs/{runId}/orders', { params: { path: { runId: run.id }, query: { status: 'CANCELLED' } } }), 200);
  expect(cancelled.map((o) => o.id).sort()).toEqual([p1.id, p2.id].sort());
  expect(await count('orders', `run_id = $1 AND status = 'PENDING'`, [run.id])).toBe(0);
  expect(await runRowCounts(run.id)).toMatchObject({ trades: 1 });
});

test('a ticker without a market price is a 400 and writes nothing', async () => {
  const run = await fx.run();
  fails(await place(run.id, { ticker: uniqueTicker(), side: 'BUY', orderType: 'MARKET', quantity: 1 }), 400);
  expect(await runRowCounts(run.id)).toMatchObject({ orders: 0, trades: 0 });
});

test('limitPrice is required for LIMIT and refused for MARKET (422), writing nothing', async () => {
  const { run, ticker } = await setup(10);
  const a = fails(await place(run.id, { ticker, side: 'BUY', orderType: 'LIMIT', quantity: 1 }), 422);
  const b = fails(await place(run.id, { ticker, side: 'BUY', orderType: 'MARKET', quantity: 1, limitPrice: 10 }), 422);
  expect(JSON.stringify([a, b])).toContain('limitPrice');
  expect(await count('orders', 'run_id = $1', [run.id])).toBe(0);
});

test('an order for an unknown run is a 404', async () => {
  const ticker = (await fx.price(10)).ticker;
  fails(await place('ffffffff-ffff-4fff-bfff-fffffffffffc', { ticker, side: 'BUY', orderType: 'MARKET', quantity: 1 }), 404);
  expect(await sql('SELECT 1 FROM orders WHERE ticker = $1', [ticker])).toHaveLength(0);
});
