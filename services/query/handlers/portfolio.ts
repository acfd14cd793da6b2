import { notFound, ok, type Handler } from '../../runtime';
import { fromCents, requiredString, toCents } from './common';

/**
 * getPortfolioSummary (openapi/query.yaml), over trading's traders, strategy_runs, positions and
 * market_prices. Cash counts RUNNING runs only; positions are every open position of any of the
 * trader's runs, valued at the last market price (average cost when none is known).
 */
interface PositionRow {
  run_id: string;
  run_status: string;
  ticker: string;
  quantity: number;
  avg_price: number;
  last_price: number | null;
  market_value: number;
}

export const getPortfolioSummary: Handler = async ({ params }, { db }) => {
  const userId = requiredString(params.userId);
  const trader = await db.query('SELECT 1 FROM traders WHERE id = $1', [userId]);
  if (trader.rowCount === 0) throw notFound(`trader ${userId} not found`);
  const [runs, positions] = await Promise.all([
    db.query<{ running: number; cash: number }>(
      `SELECT count(*)::int AS running, coalesce(sum(cash), 0) AS cash
         FROM strategy_runs WHERE user_id = $1 AND status = 'RUNNING'`,
      [userId],
    ),
    db.query<PositionRow>(
      `SELECT p.run_id, r.status AS run_status, p.ticker, p.quantity, p.avg_price, mp.price AS last_price,
              round(p.quantity * coalesce(mp.price, p.avg_price), 2) AS market_value
         FROM positions p
         JOIN strategy_runs r ON r.id = p.run_id AND r.user_id = p.user_id
         LEFT JOIN market_prices mp ON mp.ticker = p.ticker
        WHERE p.user_id = $1 AND p.quantity > 0
        ORDER BY p.ticker, p.run_id`,
      [userId],
    ),
  ]);
  const cashCents = toCents(runs.rows[0]?.cash ?? 0);
  const marketValueCents = positions.rows.reduce((sum, p) => sum + toCents(p.market_value), 0);
  return ok({
    userId,
    runningRuns: runs.rows[0]?.running ?? 0,
    cash: fromCents(cashCents),
    marketValue: fromCents(marketValueCents),
    equity: fromCents(cashCents + marketValueCents),
    positions: positions.rows.map((p) => ({
      runId: p.run_id,
      runStatus: p.run_status,
      ticker: p.ticker,
      quantity: p.quantity,
      avgPrice: p.avg_price,
      lastPrice: p.last_price,
      marketValue: p.market_value,
    })),
  });
};
