/**
 * Named ids of the trading fixtures. Prefixes by table: traders b100, strategy runs b200,
 * orders b300, trades b400, decisions b500, notifications b600.
 */
export const TRADER_ALICE = '00000000-0000-4000-b100-000000000001';
export const TRADER_BOB = '00000000-0000-4000-b100-000000000002';
/** Has no runs and no notifications: empty lists. */
export const TRADER_CAROL = '00000000-0000-4000-b100-000000000003';
/**
 * Reserved for writes by generated baseline tests (the spec's examples point at it): its runs,
 * orders and notifications change during a test run. Never assert on its contents exactly.
 */
export const TRADER_SCRATCH = '00000000-0000-4000-b100-000000000004';
/** Reserved, with no seeded run: the createRun example starts its run for this trader. */
export const TRADER_SCRATCH_RUNS = '00000000-0000-4000-b100-000000000005';

/** ALICE's RUNNING run: FILLED, PENDING and REJECTED orders, two trades, two positions, decisions. */
export const RUN_ALICE_ACTIVE = '00000000-0000-4000-b200-000000000001';
/** ALICE's earlier run, STOPPED: accepts no writes, cannot be revived; no children. */
export const RUN_ALICE_STOPPED = '00000000-0000-4000-b200-000000000002';
/** BOB's RUNNING run with no orders, trades, positions or decisions: empty nested lists. */
export const RUN_BOB_ACTIVE = '00000000-0000-4000-b200-000000000003';
/** BOB's earlier run that ended in ERROR: accepts no writes. */
export const RUN_BOB_ERROR = '00000000-0000-4000-b200-000000000004';
/** TRADER_SCRATCH's RUNNING run with 1,000,000 cash: the placeOrder example writes here. */
export const RUN_SCRATCH_ACTIVE = '00000000-0000-4000-b200-000000000005';

/** MARKET BUY 10 AAPL, FILLED at 190 (trade TRADE_ALICE_AAPL). */
export const ORDER_ALICE_AAPL_FILLED = '00000000-0000-4000-b300-000000000001';
/** LIMIT BUY 5 MSFT at 425, FILLED at the market price 420 (trade TRADE_ALICE_MSFT). */
export const ORDER_ALICE_MSFT_FILLED = '00000000-0000-4000-b300-000000000002';
/** LIMIT BUY 20 NVDA at 120, below the market price 130: PENDING, no trade. */
export const ORDER_ALICE_NVDA_PENDING = '00000000-0000-4000-b300-000000000003';
/** MARKET BUY 1000 TSLA (250,000) with 96,000 cash: REJECTED, INSUFFICIENT_CASH, no trade. */
export const ORDER_ALICE_TSLA_REJECTED = '00000000-0000-4000-b300-000000000004';

export const TRADE_ALICE_AAPL = '00000000-0000-4000-b400-000000000001';
export const TRADE_ALICE_MSFT = '00000000-0000-4000-b400-000000000002';

/** Decisions of ALICE's active run at the tick SEED_TICK_TIME. */
export const DECISION_ALICE_AAPL_BUY = '00000000-0000-4000-b500-000000000001';
export const DECISION_ALICE_MSFT_HOLD = '00000000-0000-4000-b500-000000000002';
export const DECISION_ALICE_NVDA_BUY = '00000000-0000-4000-b500-000000000003';

/** The seeded tick's scheduled rebalance: nothing over the max position limit, nothing sold. */
export const EVENT_ALICE_REBALANCED = '00000000-0000-4000-b700-000000000001';

export const NOTIFICATION_ALICE_FILL_DELIVERED = '00000000-0000-4000-b600-000000000001';
export const NOTIFICATION_ALICE_REJECT_PENDING = '00000000-0000-4000-b600-000000000002';
export const NOTIFICATION_BOB_ERROR_FAILED = '00000000-0000-4000-b600-000000000003';

/** The one seeded engine tick (ALICE's active run): a tick repeated at this time is a replay. */
export const SEED_TICK_TIME = '2026-01-05T14:00:00.000Z';
/** A ticker with no market price: orders for it are a 400. */
export const TICKER_WITHOUT_PRICE = 'BARE';
