/**
 * Seed 000's graceful degradation: the trading engine answers 503 with a JSON body when the
 * service it depends on is unavailable, and recovers when it is back. Here trading's dependency is
 * risk (every order is checked against risk's lockouts first, at `{baseUrl.risk}`), and both run
 * as private instances (`privatePlatform`): the test stops, pauses and restarts its own risk, never
 * the sandbox's. Each outage answer is checked against the contract (`fails(res, 503)`: the body
 * is the documented Error, and a 5xx passes only while a fault is active), and the private
 * database shows nothing was written; recovery is polled, never slept for.
 *
 * Mutation tried: services/trading/risk-check.ts with an unreachable or silent risk taken as "not
 * locked" (its catch returning null instead of the 503) -> caught by the three outage tests (201
 * FILLED instead of 503, rows written); reverted.
 */
import { fails, ok, poll, privatePlatform } from '../harness/runtime';
import { trading } from '../generated/trading/client';
import { cashOf, marketBuy, privateRun, runRows, type TradingApi } from './support/private-trading';
import { logicalTime, useFixtures } from './support/factories';

const fx = useFixtures();
const platform = privatePlatform(['risk', 'trading']);
let api: TradingApi;
beforeAll(async () => {
  await platform.start();
  api = platform.client(trading);
});

const order = (runId: string, ticker: string, quantity = 1) =>
  api.POST('/runs/{runId}/orders', { params: { path: { runId } }, body: marketBuy(ticker, quantity) });

test('risk stopped: an order is a 503 naming risk, writes nothing, and lands once when risk is back', async () => {
  const { runId, ticker } = await privateRun(api, 100);
  ok(await order(runId, ticker), 201);
  const before = { rows: await runRows(platform.databaseUrl, ['orders', 'trades'], runId), cash: await cashOf(platform.databaseUrl, runId) };
  expect(before).toEqual({ rows: [1, 1], cash: 9_900 });

  await platform.instance('risk').stop();
  const down = fails(await order(runId, ticker), 503);
  expect(down.detail).toMatch(/risk/i);
  expect(await runRows(platform.databaseUrl, ['orders', 'trades'], runId)).toEqual(before.rows);
  expect(await cashOf(platform.databaseUrl, runId)).toBe(before.cash);

  await platform.instance('risk').start();
  // the first order accepted after the restart is the retry: placed once, no more
  const placed = await poll(async () => {
    const res = await order(runId, ticker);
    return res.response.status === 201 ? ok(res, 201) : undefined;
  });
  expect(placed?.status).toBe('FILLED');
  expect(await runRows(platform.databaseUrl, ['orders', 'trades'], runId)).toEqual([2, 2]);
  expect(await cashOf(platform.databaseUrl, runId)).toBe(9_800);
});

test('risk paused: the order is a 503 at trading\'s deadline for risk, not a hung request; resumed, it fills', async () => {
  const { runId, ticker } = await privateRun(api, 50);
  await platform.instance('risk').pause();
  const down = fails(await order(runId, ticker, 2), 503);
  expect(down.detail).toMatch(/risk/i);
  expect(await runRows(platform.databaseUrl, ['orders', 'trades'], runId)).toEqual([0, 0]);

  await platform.instance('risk').resume();
  ok(await order(runId, ticker, 2), 201);
  expect(await runRows(platform.databaseUrl, ['orders', 'trades'], runId)).toEqual([1, 1]);
  expect(await cashOf(platform.databaseUrl, runId)).toBe(9_900);
});

test('risk stopped: a tick that would buy is a 503 that writes nothing; the same tick after the restart runs once', async () => {
  const { runId, ticker } = await privateRun(api, 100);
  const tick = { logicalTime: logicalTime(1), prices: { [ticker]: 120 } };
  await platform.instance('risk').kill();
  fails(await api.POST('/runs/{runId}/ticks', { params: { path: { runId } }, body: tick }), 503);
  const tables = ['engine_ticks', 'decisions', 'orders', 'trades', 'mtm_ledger'];
  expect(await runRows(platform.databaseUrl, tables, runId)).toEqual([0, 0, 0, 0, 0]);

  await platform.instance('risk').start();
  const first = ok(await api.POST('/runs/{runId}/ticks', { params: { path: { runId } }, body: tick }), 201);
  expect(first).toMatchObject({ replayed: false, orders: [expect.objectContaining({ ticker, status: 'FILLED' })] });
  const again = ok(await api.POST('/runs/{runId}/ticks', { params: { path: { runId } }, body: tick }), 200);
  expect(again).toMatchObject({ replayed: true, orders: first.orders });
  expect(await runRows(platform.databaseUrl, tables, runId)).toEqual([1, 1, 1, 1, 1]);
});

test('the sandbox never saw the outage: while the private risk is down, the shared trading fills an order', async () => {
  const { ticker } = await fx.price(100);
  const run = await fx.run({ initialCash: 10_000 });
  await platform.instance('risk').stop();
  const filled = ok(await trading.seeded.POST('/runs/{runId}/orders', { params: { path: { runId: run.id } }, body: marketBuy(ticker, 1) }), 201);
  expect(filled.status).toBe('FILLED');
});
