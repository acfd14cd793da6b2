import type { Pool, PoolClient } from 'pg';
import { conflict, notFound } from '../../runtime';

/** A pool or a transaction's client: handlers' helpers work with either. */
export type Db = Pool | PoolClient;

/** limit/offset after validation (the runtime does not apply schema defaults). */
export function paging(query: Record<string, unknown>): { limit: number; offset: number } {
  return {
    limit: typeof query.limit === 'number' ? query.limit : 50,
    offset: typeof query.offset === 'number' ? query.offset : 0,
  };
}

/** Timestamps leave the service as ISO 8601 with milliseconds and `Z`. */
export const iso = (value: Date | string): string => new Date(value).toISOString();

/** 404 unless the company exists: nested routes check their parent first. */
export async function ensureCompany(db: Db, companyId: string): Promise<void> {
  const { rowCount } = await db.query('SELECT 1 FROM companies WHERE id = $1', [companyId]);
  if (!rowCount) throw notFound(`company ${companyId} not found`);
}

export async function ensureWatchlist(db: Db, watchlistId: string): Promise<void> {
  const { rowCount } = await db.query('SELECT 1 FROM watchlists WHERE id = $1', [watchlistId]);
  if (!rowCount) throw notFound(`watchlist ${watchlistId} not found`);
}

/**
 * Run a write and turn a unique violation (SQLSTATE 23505) into a 409 that says what is taken;
 * every other error goes on to the runtime's mapping.
 */
export async function withUniqueConflict<T>(write: () => Promise<T>, detail: string): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if ((err as { code?: string })?.code === '23505') throw conflict(detail);
    throw err;
  }
}
