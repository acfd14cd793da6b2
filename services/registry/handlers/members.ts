import { created, noContent, notFound, ok, type Handler } from '../../runtime';
import { COMPANY_COLUMNS, toCompany, type CompanyRow } from './companies';
import { ensureCompany, ensureWatchlist, iso, type Db } from './shared';

interface MemberRow extends CompanyRow {
  watchlist_id: string;
  added_at: Date;
}

const toMember = (r: MemberRow) => ({ watchlistId: r.watchlist_id, addedAt: iso(r.added_at), company: toCompany(r) });

const SELECT = `SELECT m.watchlist_id, m.added_at, ${COMPANY_COLUMNS}
  FROM watchlist_members m JOIN companies c ON c.id = m.company_id`;

async function readMember(db: Db, watchlistId: string, companyId: string) {
  const { rows } = await db.query<MemberRow>(`${SELECT} WHERE m.watchlist_id = $1 AND m.company_id = $2`, [watchlistId, companyId]);
  return rows[0];
}

const listWatchlistMembers: Handler = async ({ params }, { db }) => {
  const watchlistId = String(params.watchlistId);
  await ensureWatchlist(db, watchlistId);
  const { rows } = await db.query<MemberRow>(`${SELECT} WHERE m.watchlist_id = $1 ORDER BY c.ticker COLLATE "C"`, [watchlistId]);
  return ok(rows.map(toMember));
};

/** PUT is idempotent: 201 when this call added the company, 200 when it already was a member. */
const addWatchlistMember: Handler = async ({ params }, { db }) => {
  const watchlistId = String(params.watchlistId);
  const companyId = String(params.companyId);
  await ensureWatchlist(db, watchlistId);
  await ensureCompany(db, companyId);
  const inserted = await db.query(
    'INSERT INTO watchlist_members (watchlist_id, company_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [watchlistId, companyId],
  );
  const member = await readMember(db, watchlistId, companyId);
  // Removed between the two statements by a concurrent call: report it as gone.
  if (!member) throw notFound(`company ${companyId} is not a member of watchlist ${watchlistId}`);
  return inserted.rowCount ? created(toMember(member)) : ok(toMember(member));
};

const removeWatchlistMember: Handler = async ({ params }, { db }) => {
  const watchlistId = String(params.watchlistId);
  const companyId = String(params.companyId);
  await ensureWatchlist(db, watchlistId);
  await ensureCompany(db, companyId);
  const { rowCount } = await db.query('DELETE FROM watchlist_members WHERE watchlist_id = $1 AND company_id = $2', [watchlistId, companyId]);
  if (!rowCount) throw notFound(`company ${companyId} is not a member of watchlist ${watchlistId}`);
  return noContent();
};

export const memberHandlers = { listWatchlistMembers, addWatchlistMember, removeWatchlistMember };
