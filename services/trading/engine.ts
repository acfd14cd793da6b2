import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { OrderRow, RunRow } from './rows';
import type { RiskCheck } from './risk-check';

/**
 * Order execution, shared by `POST /runs/{runId}/orders` and ticks. Runs inside the caller's
 * transaction with the run row locked, so cash and positions cannot race. Every amount is
 * computed by Postgres in numeric, never in floating point.
 */
export interface OrderRequest {
  ticker: string;
  side: 'BUY' | 'SELL';
  orderType: 'MARKET' | 'LIMIT';
  quantity: number;
  limitPrice: number | null;
  /** The tick that placed the order; null for orders placed through the API. */
  logicalTime: string | null;
  /** The API caller's Idempotency-Key, if any (unique per run). */
  idempotencyKey?: string | null;
}

/** A MARKET order always meets the price; a LIMIT BUY when limit >= price, a LIMIT SELL when limit <= price. */
export function isMarketable(order: Pick<OrderRequest, 'side' | 'orderType' | 'limitPrice'>, price: number): boolean {
  if (order.orderType === 'MARKET' || order.limitPrice === null) return true;
  return order.side === 'BUY' ? order.limitPrice >= price : order.limitPrice <= price;
}

/**
 * Place one order at `price`: FILLED (trade + position + cash), PENDING, or REJECTED with a reason.
 * Every order first passes the risk service's check (RK-03: a locked ticker is `SYMBOL_LOCKED`;
 * risk down is a 503 that rolls the caller's transaction back).
 */
export async function executeOrder(client: PoolClient, run: RunRow, order: OrderRequest, price: number, risk: RiskCheck): Promise<OrderRow> {
  let status: OrderRow['status'] = 'PENDING';
  let rejectReason: string | null = null;
  if (await risk(order.ticker)) {
    status = 'REJECTED';
    rejectReason = 'SYMBOL_LOCKED';
  } else if (isMarketable(order, price)) {
    rejectReason = order.side === 'BUY' ? await debitForBuy(client, run, order, price) : await creditForSell(client, run, order, price);
    status = rejectReason ? 'REJECTED' : 'FILLED';
  }
  const id = randomUUID();
  const { rows } = await client.query<OrderRow>(
    `INSERT INTO orders (id, run_id, user_id, ticker, side, order_type, quantity, limit_price, status, reject_reason, logical_time, filled_at, idempotency_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CASE WHEN $9 = 'FILLED' THEN now() END, $12)
     RETURNING *`,
    [id, run.id, run.user_id, order.ticker, order.side, order.orderType, order.quantity, order.limitPrice, status, rejectReason, order.logicalTime, order.idempotencyKey ?? null],
  );
  if (status === 'FILLED') {
    await client.query(
      `INSERT INTO trades (id, order_id, run_id, user_id, ticker, side, quantity, price, executed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())`,
      [randomUUID(), id, run.id, run.user_id, order.ticker, order.side, order.quantity, price],
    );
  }
  return rows[0] as OrderRow;
}

/**
 * Debit the cost and grow the position; the reason to reject when cash does not cover it (RK-01)
 * or the position would pass engine_config.max_position_pct (RK-02). The limit is the database's
 * (trigger positions_limit, SQLSTATE P0400): the savepoint undoes the debit when it refuses.
 */
async function debitForBuy(client: PoolClient, run: RunRow, order: OrderRequest, price: number): Promise<string | null> {
  await client.query('SAVEPOINT buy');
  const debited = await client.query(
    `UPDATE strategy_runs SET cash = cash - round($2::numeric * $3::numeric, 2)
     WHERE id = $1 AND cash >= round($2::numeric * $3::numeric, 2)`,
    [run.id, order.quantity, price],
  );
  if (!debited.rowCount) {
    await client.query('RELEASE SAVEPOINT buy');
    return 'INSUFFICIENT_CASH';
  }
  try {
    await growPosition(client, run, order, price);
  } catch (err) {
    if ((err as { code?: string }).code !== 'P0400') throw err;
    await client.query('ROLLBACK TO SAVEPOINT buy'); // the debit goes with it
    return 'MAX_POSITION';
  }
  await client.query('RELEASE SAVEPOINT buy');
  return null;
}

async function growPosition(client: PoolClient, run: RunRow, order: OrderRequest, price: number): Promise<void> {
  await client.query(
    `INSERT INTO positions (run_id, user_id, ticker, quantity, avg_price, updated_at)
     VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (run_id, ticker) DO UPDATE SET
       avg_price = round((positions.quantity * positions.avg_price + EXCLUDED.quantity * EXCLUDED.avg_price)
                         / (positions.quantity + EXCLUDED.quantity), 4),
       quantity = positions.quantity + EXCLUDED.quantity,
       updated_at = EXCLUDED.updated_at`,
    [run.id, run.user_id, order.ticker, order.quantity, price],
  );
}

/** Shrink the position and credit the proceeds; the reason to reject when the position is short. */
async function creditForSell(client: PoolClient, run: RunRow, order: OrderRequest, price: number): Promise<string | null> {
  const sold = await client.query(
    `UPDATE positions SET quantity = quantity - $3, updated_at = now()
     WHERE run_id = $1 AND ticker = $2 AND quantity >= $3`,
    [run.id, order.ticker, order.quantity],
  );
  if (!sold.rowCount) return 'INSUFFICIENT_POSITION';
  await client.query('UPDATE strategy_runs SET cash = cash + round($2::numeric * $3::numeric, 2) WHERE id = $1', [
    run.id,
    order.quantity,
    price,
  ]);
  return null;
}
