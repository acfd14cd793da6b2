/**
 * Named ids of the trading fixtures. Prefixes by table: traders b100, strategy runs b200,
 * orders b300, trades b400, decisions b500, notifications b600.
 */
export const TRADER_ALICE = '00000000-0000-4000-b100-000000000001';
export const TRADER_BOB = '00000000-0000-4000-b100-000000000002';
/** Has no runs and no notifications: empty lists. */
export const TRADER_CAROL = '00000000-0000-4000-b100-000000000003';
