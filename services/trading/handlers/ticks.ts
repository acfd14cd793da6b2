import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { conflict, created, ok, unprocessable, type Handler, type HandlerContext } from '../../runtime';
import { executeOrder } from '../engine';
import { riskCheckFrom } from '../risk-check';
import { toDecision, toEvent, toMarkToMarket, toOrder, type DecisionRow, type EventRow, type MtmRow, type OrderRow } from '../rows';
import { runRebalance, runSip, type SipInstalment } from '../schedule';
import { filter, isPgError, page, requireRun } from './common';

/** The strategy: BUY 1 share when the tick's price is below this, HOLD otherwise. Deterministic (DR-01). */
export const BUY_THRESHOLD = 200;
const BUY_QUANTITY = 1;

interface TickInput {
  logicalTime: string;
  prices: Record<string, number>;
  /** false: the market is closed at this time (MT-01): no decisions, no orders. Default true. */
  marketOpen?: boolean;
  /** The SIP instalment scheduled at this time (MT-02). */
  sip?: SipInstalment;
  /** A rebalance is scheduled at this time (MT-04). */
  rebalance?: boolean;
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
  const events = await db.query<EventRow>('SELECT * FROM event_ledger WHERE run_id = $1 AND logical_time = $2 ORDER BY event_type, id', [
    runId,
    logicalTime,
  ]);
  const mtm = await db.query<MtmRow>('SELECT * FROM mtm_ledger WHERE run_id = $1 AND logical_time = $2', [runId, logicalTime]);
  return {
    decisions: decisions.rows.map(toDecision),
    orders: orders.rows.map(toOrder),
    events: events.rows.map(toEvent),
    markToMarket: mtm.rows[0] ? toMarkToMarket(mtm.rows[0]) : null,
  };
}

/**
 * FI-01: the mark-to-market of a tick, in a transaction of its own after the tick's trades
 * committed: cash plus each position at the tick's price (else the market price, else its average
 * price). At most one row per run and logical time (the primary key; a replay of a tick whose row
 * is missing writes it, a second one writes nothing). A run that is not RUNNING gets none.
 *
 * This INSERT is the transaction's first statement, so a test that holds
 * `LOCK TABLE mtm_ledger IN SHARE MODE` stops every tick exactly between its two transactions.
 */
async function markToMarket(ctx: HandlerContext, runId: string, logicalTime: string): Promise<void> {
  try {
    await writeMarkToMarket(ctx, runId, logicalTime);
  } catch (err) {
    // The run stopped while this statement ran: its WHERE saw RUNNING, the no-writes guard (a
    // newer snapshot) STOPPED. The tick happened; a stopped run gets no mark-to-market.
    if (isPgError(err, 'P0409')) return;
    throw err;
  }
}

function writeMarkToMarket(ctx: HandlerContext, runId: string, logicalTime: string) {
  return ctx.transaction((client) =>
    client.query(
      `INSERT INTO mtm_ledger (run_id, user_id, logical_time, cash, positions_value, equity)
       SELECT r.id, r.user_id, t.logical_time, r.cash, v.value, r.cash + v.value
       FROM strategy_runs r
       JOIN engine_ticks t ON t.run_id = r.id AND t.logical_time = $2
       CROSS JOIN LATERAL (
         SELECT coalesce(round(sum(p.quantity * coalesce((t.prices ->> p.ticker)::numeric, mp.price, p.avg_price)), 2), 0) AS value
         FROM positions p LEFT JOIN market_prices mp ON mp.ticker = p.ticker WHERE p.run_id = r.id
       ) v
       WHERE r.id = $1 AND r.status = 'RUNNING'
       ON CONFLICT (run_id, logical_time) DO NOTHING`,
      [runId, logicalTime],
    ),
  );
}

const replay = async (ctx: HandlerContext, runId: string, logicalTime: string) => {
  await markToMarket(ctx, runId, logicalTime);
  return ok({ runId, logicalTime: new Date(logicalTime).toISOString(), replayed: true, ...(await tickOutput(ctx.db, runId, logicalTime)) });
};

/** The SIP's ticker needs a price in this tick's feed. */
function checkTickInput(tick: TickInput): void {
  if (tick.sip && tick.prices[tick.sip.ticker] === undefined) {
    throw unprocessable([{ loc: ['body', 'sip', 'ticker'], msg: `no price for ${tick.sip.ticker} in prices`, type: 'missing' }]);
  }
}

/**
 * One strategy step, exactly once per (run, logical time) (MT-03, IR-01, IR-03): the engine_ticks
 * primary key is the dedupe. Ticks of one run serialise on the run's row lock, so the second of two
 * concurrent ticks sees the first's row and replays (CC-02); should the insert still collide, the
 * 23505 is answered as a replay too. Everything else rolls back with the transaction (IR-02).
 */
export const runTick: Handler = async (req, ctx) => {
  const runId = String(req.params.runId);
  const tick = req.body as TickInput;
  checkTickInput(tick);
  const risk = riskCheckFrom(ctx.env);
  const marketOpen = tick.marketOpen !== false;
  try {
    const result = await ctx.transaction(async (client) => {
      const run = await requireRun(client, runId, true);
      const seen = await client.query('SELECT 1 FROM engine_ticks WHERE run_id = $1 AND logical_time = $2', [run.id, tick.logicalTime]);
      if (seen.rowCount) return undefined;
      if (run.status !== 'RUNNING') throw conflict(`run ${run.id} is ${run.status}: it accepts no new ticks`);
      await client.query('INSERT INTO engine_ticks (run_id, user_id, logical_time, market_open, prices) VALUES ($1, $2, $3, $4, $5)', [
        run.id,
        run.user_id,
        tick.logicalTime,
        marketOpen,
        JSON.stringify(tick.prices),
      ]);
      const tickers = marketOpen ? Object.keys(tick.prices).sort() : [];
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
          await executeOrder(client, run, order, price, risk);
        }
      }
      if (tick.sip) await runSip(client, run, tick.logicalTime, tick.sip, tick.prices[tick.sip.ticker] as number, marketOpen, risk);
      if (tick.rebalance && marketOpen) await runRebalance(client, run, tick.logicalTime, tick.prices, risk);
      return true;
    });
    if (!result) return await replay(ctx, runId, tick.logicalTime);
  } catch (err) {
    if (isPgError(err, '23505', 'engine_ticks_pkey')) return replay(ctx, runId, tick.logicalTime);
    throw err;
  }
  await markToMarket(ctx, runId, tick.logicalTime);
  return created({ runId, logicalTime: new Date(tick.logicalTime).toISOString(), replayed: false, ...(await tickOutput(ctx.db, runId, tick.logicalTime)) });
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
