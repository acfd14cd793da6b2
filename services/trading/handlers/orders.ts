import { badRequest, conflict, created, notFound, ok, unprocessable, type Handler, type ValidationIssue } from '../../runtime';
import { executeOrder, type OrderRequest } from '../engine';
import { riskCheckFrom } from '../risk-check';
import { toOrder, toPosition, toTrade, type MarketPriceRow, type OrderRow, type PositionRow, type TradeRow } from '../rows';
import { filter, page, requireRun } from './common';

interface OrderInput {
  ticker: string;
  side: 'BUY' | 'SELL';
  orderType: 'MARKET' | 'LIMIT';
  quantity: number;
  limitPrice?: number;
}

/** Quantities and prices are stored with 4 decimals (numeric(18,4)). */
const round4 = (n: number) => Math.round(n * 1e4) / 1e4;

/** Rules the schema cannot say simply: limitPrice with LIMIT only, and values that survive rounding. */
function checkOrderInput(body: OrderInput): OrderRequest {
  const issues: ValidationIssue[] = [];
  if (body.orderType === 'LIMIT' && body.limitPrice === undefined) {
    issues.push({ loc: ['body', 'limitPrice'], msg: 'required for a LIMIT order', type: 'missing' });
  }
  if (body.orderType === 'MARKET' && body.limitPrice !== undefined) {
    issues.push({ loc: ['body', 'limitPrice'], msg: 'not allowed for a MARKET order', type: 'extra_forbidden' });
  }
  const quantity = round4(body.quantity);
  if (quantity <= 0) issues.push({ loc: ['body', 'quantity'], msg: 'must be at least 0.0001', type: 'minimum' });
  const limitPrice = body.limitPrice === undefined ? null : round4(body.limitPrice);
  if (limitPrice !== null && limitPrice <= 0) issues.push({ loc: ['body', 'limitPrice'], msg: 'must be at least 0.0001', type: 'minimum' });
  if (issues.length) throw unprocessable(issues);
  return { ticker: body.ticker, side: body.side, orderType: body.orderType, quantity, limitPrice, logicalTime: null };
}

/** The optional Idempotency-Key header: 1 to 200 characters. */
function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | null {
  const key = headers['idempotency-key'];
  if (key === undefined) return null;
  if (typeof key !== 'string' || key.length < 1 || key.length > 200) {
    throw unprocessable([{ loc: ['header', 'Idempotency-Key'], msg: 'must be one value of 1 to 200 characters', type: 'value_error' }]);
  }
  return key;
}

export const listRunOrders: Handler = async (req, { db }) => {
  const run = await requireRun(db, String(req.params.runId));
  const { limit, offset } = page(req.query);
  const { rows } = await db.query<OrderRow>(
    `SELECT * FROM orders WHERE run_id = $1 AND ($2::text IS NULL OR status = $2)
     ORDER BY created_at, ticker, id LIMIT $3 OFFSET $4`,
    [run.id, filter(req.query.status), limit, offset],
  );
  return ok(rows.map(toOrder));
};

/**
 * OR-01..OR-05, RK-01..RK-03: fill, reject or leave pending, all in one transaction with the run
 * locked; risk down or the database down is a 503 and the transaction rolls back (nothing written).
 * An Idempotency-Key the run has used answers that order again (the unique index backs it).
 */
export const placeOrder: Handler = async (req, ctx) => {
  const order = { ...checkOrderInput(req.body as OrderInput), idempotencyKey: idempotencyKeyOf(req.headers) };
  const risk = riskCheckFrom(ctx.env);
  return ctx.transaction(async (client) => {
    const run = await requireRun(client, String(req.params.runId), true);
    if (order.idempotencyKey) {
      // under the run's lock: a concurrent request with the same key waits, then finds this one's order
      const placed = await client.query<OrderRow>('SELECT * FROM orders WHERE run_id = $1 AND idempotency_key = $2', [run.id, order.idempotencyKey]);
      if (placed.rows[0]) return created(toOrder(placed.rows[0])); // answered as the first time
    }
    if (run.status !== 'RUNNING') throw conflict(`run ${run.id} is ${run.status}: it accepts no new orders`);
    const { rows } = await client.query<MarketPriceRow>('SELECT * FROM market_prices WHERE ticker = $1', [order.ticker]);
    if (!rows[0]) throw badRequest(`no market price for ${order.ticker}`);
    return created(toOrder(await executeOrder(client, run, order, rows[0].price, risk)));
  });
};

export const getOrder: Handler = async (req, { db }) => {
  const { rows } = await db.query<OrderRow>('SELECT * FROM orders WHERE id = $1', [req.params.orderId]);
  if (!rows[0]) throw notFound(`order ${String(req.params.orderId)} not found`);
  return ok(toOrder(rows[0]));
};

export const listRunTrades: Handler = async (req, { db }) => {
  const run = await requireRun(db, String(req.params.runId));
  const { limit, offset } = page(req.query);
  const { rows } = await db.query<TradeRow>(
    'SELECT * FROM trades WHERE run_id = $1 ORDER BY executed_at, ticker, id LIMIT $2 OFFSET $3',
    [run.id, limit, offset],
  );
  return ok(rows.map(toTrade));
};

export const listRunPositions: Handler = async (req, { db }) => {
  const run = await requireRun(db, String(req.params.runId));
  const { rows } = await db.query<PositionRow>('SELECT * FROM positions WHERE run_id = $1 ORDER BY ticker', [run.id]);
  return ok(rows.map(toPosition));
};
