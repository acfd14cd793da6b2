import { randomUUID } from 'node:crypto';
import { created, noContent, notFound, ok, type Handler } from '../../runtime';
import { ensureCompany, iso, withUniqueConflict } from './shared';

interface SourceRow {
  id: string;
  company_id: string;
  kind: string;
  url: string;
  created_at: Date;
}

const COLUMNS = 'id, company_id, kind, url, created_at';
const toSource = (r: SourceRow) => ({ id: r.id, companyId: r.company_id, kind: r.kind, url: r.url, createdAt: iso(r.created_at) });

const listCompanySources: Handler = async ({ params, query }, { db }) => {
  await ensureCompany(db, String(params.companyId));
  const { rows } = await db.query<SourceRow>(
    `SELECT ${COLUMNS} FROM sources WHERE company_id = $1 AND ($2::text IS NULL OR kind = $2)
     ORDER BY kind, url COLLATE "C", id`,
    [params.companyId, query.kind ?? null],
  );
  return ok(rows.map(toSource));
};

const createCompanySource: Handler = async ({ params, body }, { db }) => {
  const companyId = String(params.companyId);
  const { kind, url } = body as { kind: string; url: string };
  await ensureCompany(db, companyId);
  const { rows } = await withUniqueConflict(
    () =>
      db.query<SourceRow>(`INSERT INTO sources (id, company_id, kind, url) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`, [
        randomUUID(),
        companyId,
        kind,
        url,
      ]),
    `company ${companyId} already has a source with the url ${url}`,
  );
  return created(toSource(rows[0] as SourceRow));
};

const deleteCompanySource: Handler = async ({ params }, { db }) => {
  await ensureCompany(db, String(params.companyId));
  const { rowCount } = await db.query('DELETE FROM sources WHERE id = $1 AND company_id = $2', [params.sourceId, params.companyId]);
  if (!rowCount) throw notFound(`source ${String(params.sourceId)} not found on company ${String(params.companyId)}`);
  return noContent();
};

export const sourceHandlers = { listCompanySources, createCompanySource, deleteCompanySource };
