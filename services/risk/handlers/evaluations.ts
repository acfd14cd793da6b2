import { ok, type Handler } from '../../runtime';
import { LOCKOUT_ACTIVE_SQL } from './lockouts';

/** Orders whose notional (quantity x price) exceeds this need an APPROVED, unexpired approval. */
export const NOTIONAL_LIMIT = 250_000;

type ReasonCode = 'UNKNOWN_SYMBOL' | 'INACTIVE_SYMBOL' | 'SYMBOL_LOCKED' | 'NOTIONAL_LIMIT' | 'APPROVAL_ON_FILE';
interface Reason {
  code: ReasonCode;
  message: string;
}

interface EvaluationRequest {
  ticker: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  price: number;
}

/** Money to the cent, so 0.1 x 3 is 0.3 and the limit comparison is exact. */
const roundCents = (n: number) => Math.round(n * 100) / 100;

/**
 * The pre-trade check (schema `Evaluation`). Rejections come first (registry, then lockouts);
 * only an order that is not rejected is checked against the notional limit. Nothing is written,
 * and the answer depends only on the database and the clock.
 */
const evaluateOrder: Handler = async (req, ctx) => {
  const order = req.body as EvaluationRequest;
  const notional = roundCents(order.quantity * order.price);
  const reasons: Reason[] = [];

  const company = (await ctx.db.query<{ is_active: boolean }>('SELECT is_active FROM companies WHERE ticker = $1', [order.ticker])).rows[0];
  if (!company) {
    reasons.push({ code: 'UNKNOWN_SYMBOL', message: `${order.ticker} is not in the symbol registry` });
  } else if (!company.is_active) {
    reasons.push({ code: 'INACTIVE_SYMBOL', message: `${order.ticker} is inactive in the symbol registry` });
  }

  const lockout = (
    await ctx.db.query<{ ends_at: Date; reason: string }>(
      `SELECT ends_at, reason FROM symbol_lockouts WHERE ticker = $1 AND ${LOCKOUT_ACTIVE_SQL} ORDER BY ends_at DESC, id LIMIT 1`,
      [order.ticker],
    )
  ).rows[0];
  if (lockout) {
    reasons.push({ code: 'SYMBOL_LOCKED', message: `${order.ticker} is locked until ${lockout.ends_at.toISOString()}: ${lockout.reason}` });
  }

  let decision: 'APPROVE' | 'REJECT' | 'REQUIRES_APPROVAL' = reasons.length ? 'REJECT' : 'APPROVE';
  let approvalId: string | null = null;
  if (decision === 'APPROVE' && notional > NOTIONAL_LIMIT) {
    const approval = (
      await ctx.db.query<{ id: string }>(
        `SELECT id FROM operator_approvals
          WHERE ticker = $1 AND side = $2 AND status = 'APPROVED' AND expires_at > now()
          ORDER BY expires_at DESC, id LIMIT 1`,
        [order.ticker, order.side],
      )
    ).rows[0];
    if (approval) {
      approvalId = approval.id;
      reasons.push({ code: 'APPROVAL_ON_FILE', message: `notional ${notional} exceeds ${NOTIONAL_LIMIT}; approval ${approval.id} covers it` });
    } else {
      decision = 'REQUIRES_APPROVAL';
      reasons.push({ code: 'NOTIONAL_LIMIT', message: `notional ${notional} exceeds ${NOTIONAL_LIMIT} and no approval is on file` });
    }
  }

  return ok({
    ticker: order.ticker,
    side: order.side,
    quantity: order.quantity,
    price: order.price,
    notional,
    decision,
    approvalId,
    reasons,
  });
};

export const evaluationHandlers: Record<string, Handler> = { evaluateOrder };
