import { randomUUID } from 'node:crypto';
import { created, noContent, notFound, ok, type Handler } from '../../runtime';
import { ensureCompany, iso, withUniqueConflict } from './shared';

interface AliasRow {
  id: string;
  company_id: string;
  alias: string;
  created_at: Date;
}

const COLUMNS = 'id, company_id, alias, created_at';
const toAlias = (r: AliasRow) => ({ id: r.id, companyId: r.company_id, alias: r.alias, createdAt: iso(r.created_at) });

const listCompanyAliases: Handler = async ({ params }, { db }) => {
  await ensureCompany(db, String(params.companyId));
  // COLLATE "C": the same order whatever the database's locale.
  const { rows } = await db.query<AliasRow>(
    `SELECT ${COLUMNS} FROM company_aliases WHERE company_id = $1 ORDER BY alias COLLATE "C", id`,
    [params.companyId],
  );
  return ok(rows.map(toAlias));
};

const createCompanyAlias: Handler = async ({ params, body }, { db }) => {
  const companyId = String(params.companyId);
  const { alias } = body as { alias: string };
  await ensureCompany(db, companyId);
  const { rows } = await withUniqueConflict(
    () =>
      db.query<AliasRow>(`INSERT INTO company_aliases (id, company_id, alias) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`, [
        randomUUID(),
        companyId,
        alias,
      ]),
    `company ${companyId} already has the alias ${JSON.stringify(alias)}`,
  );
  return created(toAlias(rows[0] as AliasRow));
};

const deleteCompanyAlias: Handler = async ({ params }, { db }) => {
  await ensureCompany(db, String(params.companyId));
  const { rowCount } = await db.query('DELETE FROM company_aliases WHERE id = $1 AND company_id = $2', [params.aliasId, params.companyId]);
  if (!rowCount) throw notFound(`alias ${String(params.aliasId)} not found on company ${String(params.companyId)}`);
  return noContent();
};

export const aliasHandlers = { listCompanyAliases, createCompanyAlias, deleteCompanyAlias };
