import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { executeOrder } from './engine';
import type { RiskCheck } from './risk-check';
import type { RunRow } from './rows';

/**
 * A tick's scheduled events (seed 003 MT-01, MT-02, MT-04), each written once to event_ledger
 * (unique per run, logical time and type): the SIP instalment due at this time, and a rebalance.
 * Both run inside the tick's transaction, after its decisions.
 */
export interface SipInstalment {
  ticker: string;
  quantity: number;
}

async function logEvent(client: PoolClient, run: RunRow, logicalTime: string, type: string, orderId: string | null, detail: string): Promise<void> {
  await client.query(
    `INSERT INTO event_ledger (id, run_id, user_id, logical_time, event_type, order_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [randomUUID(), run.id, run.user_id, logicalTime, type, orderId, detail],
  );
}

/** MT-02: the SIP buys its quantity at the tick's price; MT-01: with the market closed it is skipped. */
export async function runSip(client: PoolClient, run: RunRow, logicalTime: string, sip: SipInstalment, price: number, marketOpen: boolean, risk: RiskCheck): Promise<void> {
  if (!marketOpen) {
    await logEvent(client, run, logicalTime, 'SIP_SKIPPED', null, `market closed: SIP of ${sip.quantity} ${sip.ticker} not executed`);
    return;
  }
  const order = await executeOrder(client, run, { ticker: sip.ticker, side: 'BUY', orderType: 'MARKET', quantity: sip.quantity, limitPrice: null, logicalTime }, price, risk);
  const outcome = order.status === 'FILLED' ? `bought ${sip.quantity} ${sip.ticker} at ${price}` : `order ${order.status} (${order.reject_reason})`;
  await logEvent(client, run, logicalTime, 'SIP_EXECUTED', order.id, `SIP of ${sip.quantity} ${sip.ticker}: ${outcome}`);
}

/**
 * MT-04: trim every position whose value at this tick's price exceeds max_position_pct of the
 * run's initial cash back to that limit (a MARKET SELL of the excess), then log one REBALANCED event.
 */
export async function runRebalance(client: PoolClient, run: RunRow, logicalTime: string, prices: Record<string, number>, risk: RiskCheck): Promise<void> {
  const { rows } = await client.query<{ ticker: string; quantity: number; lim: number | null }>(
    `SELECT p.ticker, p.quantity, (SELECT c.max_position_pct * r.initial_cash FROM engine_config c, strategy_runs r WHERE c.id = 1 AND r.id = p.run_id) AS lim
     FROM positions p WHERE p.run_id = $1 AND p.quantity > 0 ORDER BY p.ticker`,
    [run.id],
  );
  let trimmed = 0;
  for (const position of rows) {
    const price = prices[position.ticker];
    if (price === undefined || position.lim === null || position.quantity * price <= position.lim) continue;
    const excess = Math.ceil((position.quantity - position.lim / price) * 1e4) / 1e4;
    const sale = { ticker: position.ticker, side: 'SELL', orderType: 'MARKET', quantity: Math.min(excess, position.quantity), limitPrice: null, logicalTime } as const;
    if ((await executeOrder(client, run, sale, price, risk)).status === 'FILLED') trimmed++;
  }
  await logEvent(client, run, logicalTime, 'REBALANCED', null, `${trimmed} position(s) trimmed to the max position limit`);
}
