import { randomUUID } from 'node:crypto';
import { created, noContent, notFound, ok, type Handler } from '../../runtime';
import { iso, paging, withUniqueConflict } from './shared';

/** The columns of a Company, and their one mapping to the JSON of the contract. */
export const COMPANY_COLUMNS = 'c.id, c.ticker, c.name, c.sector, c.exchange, c.is_active, c.created_at';

export interface CompanyRow {
  id: string;
  ticker: string;
  name: string;
  sector: string;
  exchange: string;
  is_active: boolean;
  created_at: Date;
}

export const toCompany = (r: CompanyRow) => ({
  id: r.id,
  ticker: r.ticker,
  name: r.name,
  sector: r.sector,
  exchange: r.exchange,
  isActive: r.is_active,
  createdAt: iso(r.created_at),
});

interface CompanyCreate {
  ticker: string;
  name: string;
  sector: string;
  exchange: string;
  isActive?: boolean;
}

interface CompanyPatch {
  name?: string;
  sector?: string;
  isActive?: boolean;
}

const listCompanies: Handler = async ({ query }, { db }) => {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: (slot: string) => string, value: unknown) => {
    values.push(value);
    where.push(sql(`$${values.length}`));
  };
  if (query.sector !== undefined) add((s) => `c.sector = ${s}`, query.sector);
  if (query.exchange !== undefined) add((s) => `c.exchange = ${s}`, query.exchange);
  if (query.isActive !== undefined) add((s) => `c.is_active = ${s}`, query.isActive);
  // starts_with avoids LIKE, so `%` and `_` in q are plain characters.
  if (query.q !== undefined) add((s) => `(starts_with(lower(c.ticker), lower(${s})) OR starts_with(lower(c.name), lower(${s})))`, query.q);
  const { limit, offset } = paging(query);
  values.push(limit, offset);
  const { rows } = await db.query<CompanyRow>(
    `SELECT ${COMPANY_COLUMNS} FROM companies c
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY c.ticker COLLATE "C" LIMIT $${values.length - 1} OFFSET $${values.length}`,
    values,
  );
  return ok(rows.map(toCompany));
};

const getCompany: Handler = async ({ params }, { db }) => {
  const { rows } = await db.query<CompanyRow>(`SELECT ${COMPANY_COLUMNS} FROM companies c WHERE c.id = $1`, [params.companyId]);
  const row = rows[0];
  if (!row) throw notFound(`company ${String(params.companyId)} not found`);
  return ok(toCompany(row));
};

const createCompany: Handler = async ({ body }, { db }) => {
  const input = body as CompanyCreate;
  const { rows } = await withUniqueConflict(
    () =>
      db.query<CompanyRow>(
        `INSERT INTO companies AS c (id, ticker, name, sector, exchange, is_active)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COMPANY_COLUMNS}`,
        [randomUUID(), input.ticker, input.name, input.sector, input.exchange, input.isActive ?? true],
      ),
    `a company with ticker ${input.ticker} already exists`,
  );
  return created(toCompany(rows[0] as CompanyRow));
};

const updateCompany: Handler = async ({ params, body }, { db }) => {
  const patch = body as CompanyPatch;
  // COALESCE keeps a field the body leaves out; none of the three is nullable.
  const { rows } = await db.query<CompanyRow>(
    `UPDATE companies AS c SET
       name = COALESCE($2, c.name),
       sector = COALESCE($3, c.sector),
       is_active = COALESCE($4, c.is_active)
     WHERE c.id = $1 RETURNING ${COMPANY_COLUMNS}`,
    [params.companyId, patch.name ?? null, patch.sector ?? null, patch.isActive ?? null],
  );
  const row = rows[0];
  if (!row) throw notFound(`company ${String(params.companyId)} not found`);
  return ok(toCompany(row));
};

const deleteCompany: Handler = async ({ params }, { db }) => {
  // Aliases, sources, memberships, competitor links, documents and recommendations cascade.
  const { rowCount } = await db.query('DELETE FROM companies WHERE id = $1', [params.companyId]);
  if (!rowCount) throw notFound(`company ${String(params.companyId)} not found`);
  return noContent();
};

export const companyHandlers = { listCompanies, getCompany, createCompany, updateCompany, deleteCompany };
