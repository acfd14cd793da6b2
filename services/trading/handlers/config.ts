import { notFound, ok, type Handler } from '../../runtime';
import { toEngineConfig, type EngineConfigRow } from '../rows';

interface EngineConfigInput {
  tradingEnabled: boolean;
  maxPositionPct: number;
  maxOrderNotional: number;
  defaultInitialCash: number;
  tickIntervalSeconds: number;
}

export const getEngineConfig: Handler = async (_req, { db }) => {
  const { rows } = await db.query<EngineConfigRow>('SELECT * FROM engine_config WHERE id = 1');
  if (!rows[0]) throw notFound('the engine configuration is not set: replace it with PUT /config');
  return ok(toEngineConfig(rows[0]));
};

/** Whole replacement of the singleton (an upsert, so it also works on an empty database). */
export const replaceEngineConfig: Handler = async (req, { db }) => {
  const c = req.body as EngineConfigInput;
  const { rows } = await db.query<EngineConfigRow>(
    `INSERT INTO engine_config (id, trading_enabled, max_position_pct, max_order_notional, default_initial_cash, tick_interval_seconds, updated_at)
     VALUES (1, $1, $2, $3, $4, $5, now())
     ON CONFLICT (id) DO UPDATE SET trading_enabled = EXCLUDED.trading_enabled, max_position_pct = EXCLUDED.max_position_pct,
       max_order_notional = EXCLUDED.max_order_notional, default_initial_cash = EXCLUDED.default_initial_cash,
       tick_interval_seconds = EXCLUDED.tick_interval_seconds, updated_at = EXCLUDED.updated_at
     RETURNING *`,
    [c.tradingEnabled, c.maxPositionPct, c.maxOrderNotional, c.defaultInitialCash, c.tickIntervalSeconds],
  );
  return ok(toEngineConfig(rows[0] as EngineConfigRow));
};
