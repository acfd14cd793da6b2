import { unavailable } from '../runtime';

/**
 * The pre-trade check trading asks the risk service (openapi/risk.yaml, listLockouts) before it
 * places any order, through the API or a tick: is the ticker under a lockout in force now? A
 * locked ticker is a forbidden symbol (seed 003's RK-03): the order is REJECTED with
 * `SYMBOL_LOCKED`. Risk unreachable, slower than the deadline, or answering anything but 200 is a
 * 503 naming the risk service (seed 000: graceful degradation when a dependency is down), and the
 * caller's transaction rolls back, so nothing is written.
 */
export const RISK_BASE_URL = 'RISK_BASE_URL';
/** The deadline of one risk call in milliseconds (default 2000). */
export const RISK_TIMEOUT_MS = 'RISK_TIMEOUT_MS';
const DEFAULT_TIMEOUT_MS = 2_000;

/** The reason a ticker may not be traded now, or null when it may. */
export type RiskCheck = (ticker: string) => Promise<string | null>;

interface Lockout {
  reason: string;
  endsAt: string;
}

export function riskCheckFrom(env: Readonly<Record<string, string | undefined>>): RiskCheck {
  const base = (env[RISK_BASE_URL] ?? '').replace(/\/+$/, '');
  const timeoutMs = Number(env[RISK_TIMEOUT_MS] ?? DEFAULT_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS;
  return async (ticker) => {
    const url = `${base}/lockouts?ticker=${encodeURIComponent(ticker)}&active=true&limit=1`;
    let res: Response;
    let body: unknown;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      body = await res.json();
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
      throw unavailable(`risk service unavailable (${base}): ${why}; the order was not placed`);
    }
    if (res.status !== 200 || !Array.isArray(body)) {
      throw unavailable(`risk service unavailable (${base}): its lockout check answered ${res.status}; the order was not placed`);
    }
    const lockout = body[0] as Lockout | undefined;
    return lockout ? `locked until ${lockout.endsAt}: ${lockout.reason}` : null;
  };
}
