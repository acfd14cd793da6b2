/**
 * The one place a seeded fixture row (seed/fixtures/*.ts, snake_case columns) becomes the JSON the
 * API returns for it (camelCase fields of openapi/*.yaml). Column names map mechanically
 * (`is_active` -> `isActive`, `var_95` -> `var95`); what the API derives or joins is added here
 * per table, from other fixtures only, never from the service under test.
 */
import { ALL_FIXTURES } from '../../seed/seed';

type Row = Record<string, string | number | boolean | null>;
type Json = Record<string, unknown>;

export function fixtureRows(table: string): Row[] {
  const found = ALL_FIXTURES.find((t) => t.table === table);
  if (!found) throw new Error(`no fixture table ${table}`);
  return found.rows;
}

export function fixtureRow(table: string, id: string): Row {
  const row = fixtureRows(table).find((r) => r.id === id);
  if (!row) throw new Error(`no ${table} fixture with id ${id}`);
  return row;
}

const camel = (column: string) => column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** snake_case -> camelCase, every column kept, values as they are. */
export function camelRow(row: Row): Json {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v]));
}

const company = (id: unknown) => fixtureRow('companies', String(id));

/** The API form of one fixture row of `table`, at `now` (for windows such as a lockout's `active`). */
export function apiForm(table: string, row: Row, now = new Date()): Json {
  const base = camelRow(row);
  switch (table) {
    case 'watchlists':
      return { ...base, memberCount: fixtureRows('watchlist_members').filter((m) => m.watchlist_id === row.id).length };
    case 'watchlist_members': {
      const { watchlistId, addedAt } = base;
      return { watchlistId, addedAt, company: camelRow(company(row.company_id)) };
    }
    case 'competitor_links':
      return { ...base, competitorTicker: company(row.competitor_id).ticker, competitorName: company(row.competitor_id).name };
    case 'symbol_lockouts': {
      const t = now.getTime();
      return { ...base, active: Date.parse(String(row.starts_at)) <= t && Date.parse(String(row.ends_at)) > t };
    }
    case 'documents':
    case 'recommendations':
      return { ...base, ticker: company(row.company_id).ticker };
    case 'engine_config': {
      const { id: _singleton, ...rest } = base;
      return rest;
    }
    default:
      return base;
  }
}

/** apiForm of the fixture row with this id. */
export function expected(table: string, id: string, now?: Date): Json {
  return apiForm(table, fixtureRow(table, id), now);
}

/** Fixture rows of `table` whose `column` equals `value`, in API form. */
export function expectedWhere(table: string, column: string, value: unknown): Json[] {
  return fixtureRows(table)
    .filter((r) => r[column] === value)
    .map((r) => apiForm(table, r));
}
