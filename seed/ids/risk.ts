/**
 * Named ids of the risk fixtures. Prefixes by table: operator approvals a600, symbol lockouts a700,
 * daily risk snapshots a800.
 */

/** AAPL BUY 5000, PENDING, expires 2099: the one to approve or reject. Does not lift the notional limit. */
export const APPROVAL_PENDING = '00000000-0000-4000-a600-000000000001';
/** MSFT BUY 2000, APPROVED, expires 2099: MSFT BUY orders above the notional limit are approved. */
export const APPROVAL_APPROVED = '00000000-0000-4000-a600-000000000002';
/** JPM SELL 3000, REJECTED: may only expire. */
export const APPROVAL_REJECTED = '00000000-0000-4000-a600-000000000003';
/** XOM BUY 4000, EXPIRED (final): every action on it is a 409. */
export const APPROVAL_EXPIRED = '00000000-0000-4000-a600-000000000004';

/** TSLA, from 2026-01-01 until 2099: TSLA orders are rejected (SYMBOL_LOCKED). */
export const LOCKOUT_ACTIVE = '00000000-0000-4000-a700-000000000001';
/** NVDA, ended 2025-11-30: no longer in force. */
export const LOCKOUT_EXPIRED = '00000000-0000-4000-a700-000000000002';

export const RISK_SNAPSHOT_2026_01_02 = '00000000-0000-4000-a800-000000000001';
export const RISK_SNAPSHOT_2026_01_05 = '00000000-0000-4000-a800-000000000002';
export const RISK_SNAPSHOT_2026_01_06 = '00000000-0000-4000-a800-000000000003';
/** The seeded snapshot dates, oldest first (trading days; no snapshot on the weekend 01-03/01-04). */
export const RISK_SNAPSHOT_DATES = ['2026-01-02', '2026-01-05', '2026-01-06'] as const;
