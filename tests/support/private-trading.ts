/**
 * Records and row counts on a private platform (`privatePlatform`, harness/runtime/faults.ts):
 * the fault suites trade on their own trading instance over their own clone of the seeded
 * database, so nothing they break or write is seen by another file.
 *
 * Row counts open a connection of their own each time (`withClient`): a database fault (`refuse`,
 * `terminate`) ends every connection to the private database, a test's pool included.
 */
import { withClient } from '../../infra/db/databases';
import type { Client as ApiClient } from 'openapi-fetch';
import type { paths } from '../../generated/trading/types';
import { ok } from './http';
import { unique, uniqueTicker } from './factories';

export type TradingApi = ApiClient<paths>;

/** A fresh trader's RUNNING run and a fresh ticker at `price`, on the private trading instance. */
export async function privateRun(api: TradingApi, price: number, initialCash = 10_000): Promise<{ runId: string; ticker: string }> {
  const trader = ok(await api.POST('/traders', { body: { name: unique('fault') } }), 201);
  const run = ok(await api.POST('/runs', { body: { userId: trader.id, strategy: 'fault-suite', initialCash } }), 201);
  const ticker = uniqueTicker();
  ok(await api.POST('/market-prices', { body: { ticker, price } }), 201);
  return { runId: run.id, ticker };
}

export const marketBuy = (ticker: string, quantity: number) => ({ ticker, side: 'BUY', orderType: 'MARKET', quantity }) as const;

/** Rows of each table for one run, in the order asked. */
export function runRows(databaseUrl: string, tables: readonly string[], runId: string): Promise<number[]> {
  return withClient(databaseUrl, async (client) => {
    const counts: number[] = [];
    for (const table of tables) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE run_id = $1`, [runId]);
      counts.push(Number(rows[0]?.n));
    }
    return counts;
  });
}

/** The run's cash, as Postgres has it. */
export function cashOf(databaseUrl: string, runId: string): Promise<number> {
  return withClient(databaseUrl, async (client) =>
    Number((await client.query<{ cash: string }>('SELECT cash FROM strategy_runs WHERE id = $1', [runId])).rows[0]?.cash),
  );
}
