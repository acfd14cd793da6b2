/**
 * Seed 003's FI-01 over a real process: the trading engine crashes after a tick's trade and before
 * its mark-to-market. A tick commits its orders and trades in one transaction and writes its
 * mark-to-market in a second (openapi/trading.yaml runTick). The test holds a SHARE lock on the
 * private database's mtm_ledger, so the second transaction waits at its INSERT; it sees the trade
 * committed and no MTM row, then SIGKILLs its private trading instance (a crash: no shutdown of its
 * own, its session gone with it) and lets the lock go. No MTM row is written until the engine runs
 * the tick again: restarted, the replay of the same logical time writes the missing row, once.
 *
 * Mutation tried: services/trading/handlers/ticks.ts's replay without its mark-to-market step ->
 * caught by "FI-01 ..." (the replay answered no markToMarket, no mtm_ledger row); reverted.
 */
import { Client } from 'pg';
import { ok, poll, privatePlatform } from '../harness/runtime';
import { withClient } from '../infra/db/databases';
import { trading } from '../generated/trading/client';
import { logicalTime } from './support/factories';
import { privateRun, runRows, type TradingApi } from './support/private-trading';

const platform = privatePlatform(['trading']);
let api: TradingApi;
beforeAll(async () => {
  await platform.start();
  api = platform.client(trading);
});

test('FI-01 killed between the trade and the mark-to-market: the trade stays, no MTM row; the replay after the restart writes it once', async () => {
  const { runId, ticker } = await privateRun(api, 100, 1_000);
  const tick = { logicalTime: logicalTime(30), prices: { [ticker]: 150 } };
  const lock = new Client({ connectionString: platform.databaseUrl, application_name: 'fi-01-lock' });
  await lock.connect();
  let crashed: Promise<unknown>;
  try {
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE mtm_ledger IN SHARE MODE');
    crashed = api.POST('/runs/{runId}/ticks', { params: { path: { runId } }, body: tick }).then(
      (res) => res.response.status,
      (err: Error) => err,
    );
    // asked on a connection of its own: inside the lock's transaction pg_stat_activity is a snapshot
    await poll(() => mtmWriter('waiting'), { timeoutMs: 10_000 });
    // between the two transactions: the trade is committed, the mark-to-market is not
    expect(await runRows(platform.databaseUrl, ['engine_ticks', 'orders', 'trades', 'mtm_ledger'], runId)).toEqual([1, 1, 1, 0]);
    await platform.instance('trading').kill();
    // the request never got an answer: the process died under it
    expect(await crashed).toBeInstanceOf(Error);
  } finally {
    await lock.query('ROLLBACK').catch(() => undefined);
    await lock.end();
  }
  // the dead process's session ends without a COMMIT: its INSERT never lands
  await poll(async () => !(await mtmWriter('active')));
  expect(await runRows(platform.databaseUrl, ['trades', 'mtm_ledger'], runId)).toEqual([1, 0]);

  await platform.instance('trading').start();
  const replay = ok(await api.POST('/runs/{runId}/ticks', { params: { path: { runId } }, body: tick }), 200);
  expect(replay).toMatchObject({ replayed: true, markToMarket: { logicalTime: tick.logicalTime, cash: 850, positionsValue: 150, equity: 1_000 } });
  ok(await api.POST('/runs/{runId}/ticks', { params: { path: { runId } }, body: tick }), 200);
  expect(await runRows(platform.databaseUrl, ['engine_ticks', 'orders', 'trades', 'mtm_ledger'], runId)).toEqual([1, 1, 1, 1]);
});

/** Is a session at the mark-to-market's INSERT: waiting on the lock, or at all (the killed instance's, until it ends)? */
function mtmWriter(how: 'waiting' | 'active'): Promise<boolean> {
  return withClient(platform.databaseUrl, async (client) => {
    const { rowCount } = await client.query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'INSERT INTO mtm_ledger%' AND state <> 'idle'
         AND ($1 = 'active' OR wait_event_type = 'Lock')`,
      [how],
    );
    return (rowCount ?? 0) > 0;
  });
}
