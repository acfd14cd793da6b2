import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { conflict, created, ok, type Handler } from '../../runtime';
import { executeOrder } from '../engine';
import { toDecision, toOrder, type DecisionRow, type OrderRow } from '../rows';
import { filter, isPgError, page, requireRun } from './common';

/** The strategy: BUY 1 share when the tick's price is below this, HOLD otherwise. Deterministic (DR-01). */
export const BUY_THRESHOLD = 200;
const BUY_QUANTITY = 1;

interface TickInput {
  logicalTime: string;
  prices: Record<string, number>;
}

function decide(ticker: string, price: number): { ticker: string; action: 'BUY' | 'HOLD'; confidence: number; rationale: string } {
  return price < BUY_THRESHOLD
    ? { ticker, action: 'BUY', confidence: 0.75, rationale: `price ${price} is below the buy threshold ${BUY_THRESHOLD}` }
    : { ticker, action: 'HOLD', confidence: 0.5, rationale: `price ${price} is at or above the buy threshold ${BUY_THRESHOLD}` };
}

/** What a tick at this logical time wrote: the answer of the first run and of every replay. */
async function tickOutput(db: Pick<Pool | PoolClient, 'query'>, runId: string, logicalTime: string) {
  const decisions = await db.query<DecisionRow>(
    'SELECT * FROM decisions WHERE run_id = $1 AND logical_time = $2 ORDER BY ticker, id',
    [runId, logicalTime],
  );
  const orders = await db.query<OrderRow>('SELECT * FROM orders WHERE run_id = $1 AND logical_time = $2 ORDER BY ticker, id', [
    runId,
    logicalTime,
  ]);
  return { decisions: decisions.rows.map(toDecision), orders: orders.rows.map(toOrder) };
}

const replay = async (db: Pool, runId: string, logicalTime: string) =>
  ok({ runId, logicalTime: new Date(logicalTime).toISOString(), replayed: true, ...(await tickOutput(db, runId, logicalTime)) });

/**
 * One strategy step, exactly once per (run, logical time) (MT-03, IR-01, IR-03): the engine_ticks
 * primary key is the dedupe. Ticks of one run serialise on the run's row lock, so the second of two
 * concurrent ticks sees the first's row and replays (CC-02); should the insert still collide, the
 * 23505 is answered as a replay too. Everything else rolls back with the transaction (IR-02).
 */
export const runTick: Handler = async (req, ctx) => {
  const runId = String(req.params.runId);
  const tick = req.body as TickInput;
  try {
    const result = await ctx.transaction(async (client) => {
      const run = await requireRun(client, runId, true);
      const seen = await client.query('SELECT 1 FROM engine_ticks WHERE run_id = $1 AND logical_time = $2', [run.id, tick.logicalTime]);
      if (seen.rowCount) return undefined;
      if (run.status !== 'RUNNING') throw conflict(`run ${run.id} is ${run.status}: it accepts no new ticks`);
      await client.query('INSERT INTO engine_ticks (run_id, user_id, logical_time) VALUES ($1, $2, $3)', [run.id, run.user_id, tick.logicalTime]);
      const tickers = Object.keys(tick.prices).sort();
      for (const ticker of tickers) {
        const price = tick.prices[ticker] as number;
        const d = decide(ticker, price);
        await client.query(
          `INSERT INTO decisions (id, run_id, user_id, ticker, action, confidence, rationale, logical_time)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [randomUUID(), run.id, run.user_id, ticker, d.action, d.confidence, d.rationale, tick.logicalTime],
        );
        if (d.action === 'BUY') {
          const order = { ticker, side: 'BUY', orderType: 'MARKET', quantity: BUY_QUANTITY, limitPrice: null, logicalTime: tick.logicalTime } as const;
          await executeOrder(client, run, order, price);
        }
      }
      return tickOutput(client, run.id, tick.logicalTime);
    });
    if (!result) return replay(ctx.db, runId, tick.logicalTime);
    return created({ runId, logicalTime: new Date(tick.logicalTime).toISOString(), replayed: false, ...result });
  } catch (err) {
    if (isPgError(err, '23505', 'engine_ticks_pkey')) return replay(ctx.db, runId, tick.logicalTime);
    throw err;
  }
};

export const listRunDecisions: Handler = async (req, { db }) => {
  const run = await requireRun(db, String(req.params.runId));
  const { limit, offset } = page(req.query);
  const { rows } = await db.query<DecisionRow>(
    `SELECT * FROM decisions WHERE run_id = $1 AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR ticker = $3)
     ORDER BY logical_time, ticker, id LIMIT $4 OFFSET $5`,
    [run.id, filter(req.query.action), filter(req.query.ticker), limit, offset],
  );
  return ok(rows.map(toDecision));
};
