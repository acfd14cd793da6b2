import { badRequest, created, noContent, notFound, ok, type Handler } from '../../runtime';
import { iso, pageOf, Where } from './paging';

/** A row of symbol_lockouts, with `active` computed against the database clock. */
interface LockoutRow {
  id: string;
  ticker: string;
  reason: string;
  starts_at: Date;
  ends_at: Date;
  active: boolean;
  created_at: Date;
}

/** In force now: the window is [starts_at, ends_at). The evaluation uses the same condition. */
export const LOCKOUT_ACTIVE_SQL = '(starts_at <= now() AND ends_at > now())';
const COLUMNS = `id, ticker, reason, starts_at, ends_at, ${LOCKOUT_ACTIVE_SQL} AS active, created_at`;

/** The one place a lockout row becomes its JSON form (schema `Lockout`). */
export function toLockout(row: LockoutRow) {
  return {
    id: row.id,
    ticker: row.ticker,
    reason: row.reason,
    startsAt: iso(row.starts_at),
    endsAt: iso(row.ends_at),
    active: row.active,
    createdAt: iso(row.created_at),
  };
}

interface LockoutCreate {
  ticker: string;
  reason: string;
  startsAt: string;
  endsAt: string;
}

export const lockoutHandlers: Record<string, Handler> = {
  async listLockouts(req, ctx) {
    const { limit, offset } = pageOf(req.query);
    const where = new Where();
    if (req.query.ticker !== undefined) where.add((s) => `ticker = ${s}`, req.query.ticker);
    if (req.query.active === true) where.raw(LOCKOUT_ACTIVE_SQL);
    if (req.query.active === false) where.raw(`NOT ${LOCKOUT_ACTIVE_SQL}`);
    const { rows } = await ctx.db.query<LockoutRow>(
      `SELECT ${COLUMNS} FROM symbol_lockouts ${where} ORDER BY starts_at, id LIMIT ${where.slot(limit)} OFFSET ${where.slot(offset)}`,
      where.values,
    );
    return ok(rows.map(toLockout));
  },

  async getLockout(req, ctx) {
    const id = String(req.params.lockoutId);
    const { rows } = await ctx.db.query<LockoutRow>(`SELECT ${COLUMNS} FROM symbol_lockouts WHERE id = $1`, [id]);
    if (!rows[0]) throw notFound(`lockout ${id} not found`);
    return ok(toLockout(rows[0]));
  },

  /** endsAt <= startsAt is refused here with a clear message; the CHECK lockout_window backs it (23514 -> 400). */
  async createLockout(req, ctx) {
    const body = req.body as LockoutCreate;
    if (new Date(body.endsAt).getTime() <= new Date(body.startsAt).getTime()) throw badRequest('endsAt must be after startsAt');
    const { rows } = await ctx.db.query<LockoutRow>(
      `INSERT INTO symbol_lockouts (id, ticker, reason, starts_at, ends_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [body.ticker, body.reason, body.startsAt, body.endsAt],
    );
    return created(toLockout(rows[0] as LockoutRow));
  },

  async deleteLockout(req, ctx) {
    const id = String(req.params.lockoutId);
    const { rowCount } = await ctx.db.query('DELETE FROM symbol_lockouts WHERE id = $1', [id]);
    if (!rowCount) throw notFound(`lockout ${id} not found`);
    return noContent();
  },
};
