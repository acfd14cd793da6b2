import { randomUUID } from 'node:crypto';
import { badRequest, created, noContent, notFound, ok, type Handler } from '../../runtime';
import { ensureCompany, iso, withUniqueConflict, type Db } from './shared';

interface LinkRow {
  id: string;
  company_id: string;
  competitor_id: string;
  competitor_ticker: string;
  competitor_name: string;
  strength: number;
  created_at: Date;
}

const SELECT = `SELECT l.id, l.company_id, l.competitor_id, c.ticker AS competitor_ticker, c.name AS competitor_name,
  l.strength, l.created_at
  FROM competitor_links l JOIN companies c ON c.id = l.competitor_id`;

const toLink = (r: LinkRow) => ({
  id: r.id,
  companyId: r.company_id,
  competitorId: r.competitor_id,
  competitorTicker: r.competitor_ticker,
  competitorName: r.competitor_name,
  strength: Number(r.strength),
  createdAt: iso(r.created_at),
});

async function readLink(db: Db, id: string): Promise<LinkRow | undefined> {
  const { rows } = await db.query<LinkRow>(`${SELECT} WHERE l.id = $1`, [id]);
  return rows[0];
}

const listCompanyCompetitors: Handler = async ({ params }, { db }) => {
  await ensureCompany(db, String(params.companyId));
  const { rows } = await db.query<LinkRow>(`${SELECT} WHERE l.company_id = $1 ORDER BY c.ticker COLLATE "C", l.id`, [params.companyId]);
  return ok(rows.map(toLink));
};

/** Checks in the documented order: unknown company 404, self link 400, unknown competitor 404, duplicate 409. */
const createCompanyCompetitor: Handler = async ({ params, body }, { db }) => {
  const companyId = String(params.companyId);
  const input = body as { competitorId: string; strength?: number };
  await ensureCompany(db, companyId);
  if (input.competitorId === companyId) throw badRequest('a company cannot be its own competitor');
  const { rowCount } = await db.query('SELECT 1 FROM companies WHERE id = $1', [input.competitorId]);
  if (!rowCount) throw notFound(`competitor company ${input.competitorId} not found`);
  const id = randomUUID();
  // The CHECK competitor_not_self and the UNIQUE (company_id, competitor_id) still hold under races.
  await withUniqueConflict(
    () =>
      db.query('INSERT INTO competitor_links (id, company_id, competitor_id, strength) VALUES ($1, $2, $3, $4)', [
        id,
        companyId,
        input.competitorId,
        input.strength ?? 0.5,
      ]),
    `company ${companyId} is already linked to competitor ${input.competitorId}`,
  );
  const link = await readLink(db, id);
  if (!link) throw notFound(`competitor link ${id} not found`);
  return created(toLink(link));
};

const deleteCompanyCompetitor: Handler = async ({ params }, { db }) => {
  await ensureCompany(db, String(params.companyId));
  const { rowCount } = await db.query('DELETE FROM competitor_links WHERE id = $1 AND company_id = $2', [params.linkId, params.companyId]);
  if (!rowCount) throw notFound(`competitor link ${String(params.linkId)} not found on company ${String(params.companyId)}`);
  return noContent();
};

export const competitorHandlers = { listCompanyCompetitors, createCompanyCompetitor, deleteCompanyCompetitor };
