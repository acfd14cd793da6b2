/**
 * Row types of the trading tables and their one mapping each to the JSON of openapi/trading.yaml
 * (snake_case columns -> camelCase fields). Numerics arrive as numbers (services/runtime sets the
 * pg type parser); timestamps as Date.
 */
type Ts = Date;
const iso = (d: Ts): string => d.toISOString();
const isoOrNull = (d: Ts | null): string | null => (d ? d.toISOString() : null);

export interface EngineConfigRow {
  trading_enabled: boolean;
  max_position_pct: number;
  max_order_notional: number;
  default_initial_cash: number;
  tick_interval_seconds: number;
  updated_at: Ts;
}
export const toEngineConfig = (r: EngineConfigRow) => ({
  tradingEnabled: r.trading_enabled,
  maxPositionPct: r.max_position_pct,
  maxOrderNotional: r.max_order_notional,
  defaultInitialCash: r.default_initial_cash,
  tickIntervalSeconds: r.tick_interval_seconds,
  updatedAt: iso(r.updated_at),
});

export interface TraderRow {
  id: string;
  name: string;
  created_at: Ts;
}
export const toTrader = (r: TraderRow) => ({ id: r.id, name: r.name, createdAt: iso(r.created_at) });

export interface MarketPriceRow {
  ticker: string;
  price: number;
  as_of: Ts;
}
export const toMarketPrice = (r: MarketPriceRow) => ({ ticker: r.ticker, price: r.price, asOf: iso(r.as_of) });

export type RunStatus = 'RUNNING' | 'STOPPED' | 'ERROR';
export interface RunRow {
  id: string;
  user_id: string;
  strategy: string;
  status: RunStatus;
  initial_cash: number;
  cash: number;
  started_at: Ts;
  stopped_at: Ts | null;
}
export const toRun = (r: RunRow) => ({
  id: r.id,
  userId: r.user_id,
  strategy: r.strategy,
  status: r.status,
  initialCash: r.initial_cash,
  cash: r.cash,
  startedAt: iso(r.started_at),
  stoppedAt: isoOrNull(r.stopped_at),
});

export interface OrderRow {
  id: string;
  run_id: string;
  user_id: string;
  ticker: string;
  side: 'BUY' | 'SELL';
  order_type: 'MARKET' | 'LIMIT';
  quantity: number;
  limit_price: number | null;
  status: 'PENDING' | 'FILLED' | 'REJECTED' | 'CANCELLED';
  reject_reason: string | null;
  logical_time: Ts | null;
  created_at: Ts;
  filled_at: Ts | null;
}
export const toOrder = (r: OrderRow) => ({
  id: r.id,
  runId: r.run_id,
  userId: r.user_id,
  ticker: r.ticker,
  side: r.side,
  orderType: r.order_type,
  quantity: r.quantity,
  limitPrice: r.limit_price,
  status: r.status,
  rejectReason: r.reject_reason,
  logicalTime: isoOrNull(r.logical_time),
  createdAt: iso(r.created_at),
  filledAt: isoOrNull(r.filled_at),
});

export interface TradeRow {
  id: string;
  order_id: string;
  run_id: string;
  user_id: string;
  ticker: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  price: number;
  executed_at: Ts;
}
export const toTrade = (r: TradeRow) => ({
  id: r.id,
  orderId: r.order_id,
  runId: r.run_id,
  userId: r.user_id,
  ticker: r.ticker,
  side: r.side,
  quantity: r.quantity,
  price: r.price,
  executedAt: iso(r.executed_at),
});

export interface PositionRow {
  run_id: string;
  user_id: string;
  ticker: string;
  quantity: number;
  avg_price: number;
  updated_at: Ts;
}
export const toPosition = (r: PositionRow) => ({
  runId: r.run_id,
  userId: r.user_id,
  ticker: r.ticker,
  quantity: r.quantity,
  avgPrice: r.avg_price,
  updatedAt: iso(r.updated_at),
});

export interface DecisionRow {
  id: string;
  run_id: string;
  user_id: string;
  ticker: string;
  action: 'BUY' | 'SELL' | 'HOLD';
  confidence: number;
  rationale: string;
  logical_time: Ts;
  created_at: Ts;
}
export const toDecision = (r: DecisionRow) => ({
  id: r.id,
  runId: r.run_id,
  userId: r.user_id,
  ticker: r.ticker,
  action: r.action,
  confidence: r.confidence,
  rationale: r.rationale,
  logicalTime: iso(r.logical_time),
  createdAt: iso(r.created_at),
});

export interface NotificationRow {
  id: string;
  user_id: string;
  channel: 'EMAIL' | 'SLACK' | 'WEBHOOK';
  message: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  created_at: Ts;
  delivered_at: Ts | null;
}
export const toNotification = (r: NotificationRow) => ({
  id: r.id,
  userId: r.user_id,
  channel: r.channel,
  message: r.message,
  status: r.status,
  createdAt: iso(r.created_at),
  deliveredAt: isoOrNull(r.delivered_at),
});

export interface EventRow {
  id: string;
  run_id: string;
  user_id: string;
  logical_time: Ts;
  event_type: 'SIP_EXECUTED' | 'SIP_SKIPPED' | 'REBALANCED';
  order_id: string | null;
  detail: string;
  created_at: Ts;
}
export const toEvent = (r: EventRow) => ({
  id: r.id,
  runId: r.run_id,
  logicalTime: iso(r.logical_time),
  eventType: r.event_type,
  orderId: r.order_id,
  detail: r.detail,
  createdAt: iso(r.created_at),
});

export interface MtmRow {
  logical_time: Ts;
  cash: number;
  positions_value: number;
  equity: number;
}
export const toMarkToMarket = (r: MtmRow) => ({
  logicalTime: iso(r.logical_time),
  cash: r.cash,
  positionsValue: r.positions_value,
  equity: r.equity,
});
