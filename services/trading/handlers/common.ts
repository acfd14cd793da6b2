import type { Pool, PoolClient } from 'pg';
import { notFound } from '../../runtime';
import type { RunRow } from '../rows';

type Queryable = Pick<Pool | PoolClient, 'query'>;

/** limit/offset after validation (the runtime coerces them; defaults are the documented ones). */
export function page(query: Record<string, unknown>): { limit: number; offset: number } {
  return {
    limit: typeof query.limit === 'number' ? query.limit : 50,
    offset: typeof query.offset === 'number' ? query.offset : 0,
  };
}

/** An optional string filter: undefined -> null so `($n::text IS NULL OR col = $n)` works. */
export const filter = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The run, or a 404. `lock` takes the row lock (FOR UPDATE) that serialises every write to one
 * run: order placement, ticks and stop (CC-01, CC-02).
 */
export async function requireRun(db: Queryable, runId: string, lock = false): Promise<RunRow> {
  const { rows } = await db.query<RunRow>(`SELECT * FROM strategy_runs WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [runId]);
  const run = rows[0];
  if (!run) throw notFound(`run ${runId} not found`);
  return run;
}

export async function requireTrader(db: Queryable, traderId: string): Promise<void> {
  const { rowCount } = await db.query('SELECT 1 FROM traders WHERE id = $1', [traderId]);
  if (!rowCount) throw notFound(`trader ${traderId} not found`);
}

/** Is this a Postgres error with this SQLSTATE (and constraint, when given)? */
export function isPgError(err: unknown, code: string, constraint?: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  return typeof e === 'object' && e !== null && e.code === code && (constraint === undefined || e.constraint === constraint);
}
