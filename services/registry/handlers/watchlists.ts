import { randomUUID } from 'node:crypto';
import { created, noContent, notFound, ok, type Handler } from '../../runtime';
import { iso, paging, withUniqueConflict, type Db } from './shared';

interface WatchlistRow {
  id: string;
  name: string;
  description: string | null;
  member_count: number;
  created_at: Date;
}

interface WatchlistInput {
  name: string;
  description?: string | null;
}

/** A watchlist with its member count (a correlated count: watchlists are few and small). */
const SELECT = `SELECT w.id, w.name, w.description, w.created_at,
  (SELECT count(*)::int FROM watchlist_members m WHERE m.watchlist_id = w.id) AS member_count
  FROM watchlists w`;

const toWatchlist = (r: WatchlistRow) => ({
  id: r.id,
  name: r.name,
  description: r.description,
  memberCount: r.member_count,
  createdAt: iso(r.created_at),
});

const nameTaken = (name: string) => `a watchlist named ${JSON.stringify(name)} already exists`;

async function readWatchlist(db: Db, id: string) {
  const { rows } = await db.query<WatchlistRow>(`${SELECT} WHERE w.id = $1`, [id]);
  const row = rows[0];
  if (!row) throw notFound(`watchlist ${id} not found`);
  return toWatchlist(row);
}

const listWatchlists: Handler = async ({ query }, { db }) => {
  const { limit, offset } = paging(query);
  const { rows } = await db.query<WatchlistRow>(`${SELECT} ORDER BY w.name COLLATE "C", w.id LIMIT $1 OFFSET $2`, [limit, offset]);
  return ok(rows.map(toWatchlist));
};

const getWatchlist: Handler = async ({ params }, { db }) => ok(await readWatchlist(db, String(params.watchlistId)));

const createWatchlist: Handler = async ({ body }, { db }) => {
  const input = body as WatchlistInput;
  const id = randomUUID();
  await withUniqueConflict(
    () => db.query('INSERT INTO watchlists (id, name, description) VALUES ($1, $2, $3)', [id, input.name, input.description ?? null]),
    nameTaken(input.name),
  );
  return created(await readWatchlist(db, id));
};

const replaceWatchlist: Handler = async ({ params, body }, { db }) => {
  const id = String(params.watchlistId);
  const input = body as WatchlistInput;
  const { rowCount } = await withUniqueConflict(
    () => db.query('UPDATE watchlists SET name = $2, description = $3 WHERE id = $1', [id, input.name, input.description ?? null]),
    nameTaken(input.name),
  );
  if (!rowCount) throw notFound(`watchlist ${id} not found`);
  return ok(await readWatchlist(db, id));
};

const deleteWatchlist: Handler = async ({ params }, { db }) => {
  const { rowCount } = await db.query('DELETE FROM watchlists WHERE id = $1', [params.watchlistId]);
  if (!rowCount) throw notFound(`watchlist ${String(params.watchlistId)} not found`);
  return noContent();
};

export const watchlistHandlers = { listWatchlists, getWatchlist, createWatchlist, replaceWatchlist, deleteWatchlist };
