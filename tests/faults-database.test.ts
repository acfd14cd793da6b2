/**
 * Seed 004's "consumer down" and "database unavailable" cases on our Postgres: a write that
 * meets a database outage answers 503 with a JSON body and leaves nothing half-written, and the
 * same write retried once the database is back lands exactly once (a tick is idempotent per run
 * and logical time; an order is one transaction). The outage is the private database's own
 * (`privatePlatform(['trading'])`: a trading instance of this file over a clone of the seeded
 * database; its risk calls go to the sandbox's risk, which is never touched): new connections
 * refused, or every connection terminated under the service's pool. Row counts come from the
 * private database after it is back.
 *
 * Mutation tried: services/runtime/errors.ts mapPgError without its lost-database line (a lost
 * connection answered 500, as before this work) -> caught by both "refused: ..." tests; reverted.
 */
import { fails, ok, poll, privatePlatform } from '../harness/runtime';
import { trading } from '../generated/trading/client';
import { logicalTime } from './support/factories';
import { cashOf, marketBuy, privateRun, runRows, type TradingApi } from './support/private-trading';

const platform = privatePlatform(['trading']);
let api: TradingApi;
beforeAll(async () => {
  await platform.start();
  api = platform.client(trading);
});

const TICK_TABLES = ['engine_ticks', 'decisions', 'orders', 'trades', 'mtm_ledger'];
const tickOn = (runId: string, body: { logicalTime: string; prices: Record<string, number> }) =>
  api.POST('/runs/{runId}/ticks', { params: { path: { runId } }, body });

test('refused: a tick is a 503 naming the database and writes nothing; retried when it is back, it runs once', async () => {
  const { runId, ticker } = await privateRun(api, 100);
  const tick = { logicalTime: logicalTime(10), prices: { [ticker]: 150 } };

  await platform.database.refuse();
  const down = fails(await tickOn(runId, tick), 503);
  expect(down.detail).toMatch(/database/i);
  await platform.database.restore();
  expect(await runRows(platform.databaseUrl, TICK_TABLES, runId)).toEqual([0, 0, 0, 0, 0]);

  const ran = ok(await tickOn(runId, tick), 201);
  expect(ran).toMatchObject({ replayed: false, decisions: [expect.objectContaining({ ticker, action: 'BUY' })] });
  ok(await tickOn(runId, tick), 200);
  // nothing lost, nothing doubled
  expect(await runRows(platform.databaseUrl, TICK_TABLES, runId)).toEqual([1, 1, 1, 1, 1]);
  expect(await cashOf(platform.databaseUrl, runId)).toBe(9_850);
});

test('refused: the health check says so, 503 naming the database; healthy again once it is back', async () => {
  await platform.database.refuse();
  expect(fails(await api.GET('/health'), 503).detail).toMatch(/database/i);
  await platform.database.restore();
  // a pooled client cut by the refusal may still be handed out once: healthy is polled for
  const healthy = await poll(async () => {
    const res = await api.GET('/health');
    return res.response.status === 200 ? ok(res, 200) : undefined;
  });
  expect(healthy).toMatchObject({ status: 'ok' });
});

test('refused: an order is a 503 with the cash untouched; the same order once the database is back fills once', async () => {
  const { runId, ticker } = await privateRun(api, 40);
  await platform.database.refuse();
  fails(await api.POST('/runs/{runId}/orders', { params: { path: { runId } }, body: marketBuy(ticker, 5) }), 503);
  await platform.database.restore();
  expect(await runRows(platform.databaseUrl, ['orders', 'trades', 'positions'], runId)).toEqual([0, 0, 0]);
  expect(await cashOf(platform.databaseUrl, runId)).toBe(10_000);

  ok(await api.POST('/runs/{runId}/orders', { params: { path: { runId } }, body: marketBuy(ticker, 5) }), 201);
  expect(await runRows(platform.databaseUrl, ['orders', 'trades', 'positions'], runId)).toEqual([1, 1, 1]);
  expect(await cashOf(platform.databaseUrl, runId)).toBe(9_800);
});

test('terminated: every pooled connection cut under the service, the next writes land on fresh ones, each once', async () => {
  const { runId, ticker } = await privateRun(api, 100);
  ok(await tickOn(runId, { logicalTime: logicalTime(20), prices: { [ticker]: 150 } }), 201);
  await platform.database.terminate();
  // every stale pooled client's failed BEGIN is destroyed and tried again, up to the pool's size:
  // a cut alone is no 503 for a write
  ok(await tickOn(runId, { logicalTime: logicalTime(21), prices: { [ticker]: 150 } }), 201);
  ok(await api.POST('/runs/{runId}/orders', { params: { path: { runId } }, body: marketBuy(ticker, 1) }), 201);
  expect(await runRows(platform.databaseUrl, ['engine_ticks', 'orders', 'trades', 'mtm_ledger'], runId)).toEqual([2, 3, 3, 2]);
});
