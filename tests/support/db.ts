/**
 * Direct access to the seeded run database, for assertions about rows (counts, constraints,
 * triggers) that the HTTP API cannot express.
 *
 * The URL comes from the runtime's `sandboxDatabaseUrl` (endpoints.json, contract 2,
 * `databaseUrl`); the pool is the platform's own, with its type parsers (the runtime's `pg` helper
 * keeps pg's defaults). infra/sandbox.ts writes the URL of the seeded
 * *run* database (`<prefix>_seeded_run`); should a sandbox write the admin URL (database
 * `postgres`) instead, the seeded run database is found by that naming rule.
 */
import { Client, Pool, types, type PoolClient, type QueryResultRow } from 'pg';
import { sandboxDatabaseUrl } from '../../harness/runtime';

/** numeric and bigint as JS numbers (the services do the same), timestamps as Date, dates as text. */
const NUMERIC = 1700;
const INT8 = 20;
const DATE = 1082;
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === NUMERIC || oid === INT8) return (v: string) => Number(v);
    if (oid === DATE) return (v: string) => v;
    return types.getTypeParser(oid, format);
  }) as typeof types.getTypeParser,
};

let resolvedUrl: Promise<string> | undefined;

/** The seeded run database's URL (see the header for the admin-URL fallback). */
export function databaseUrl(): Promise<string> {
  resolvedUrl ??= (async () => {
    const url = new URL(sandboxDatabaseUrl());
    const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (name !== '' && name !== 'postgres') return url.toString();
    const admin = new Client({ connectionString: url.toString() });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE '%\\_seeded\\_run' ORDER BY oid DESC LIMIT 1`,
      );
      if (!rows[0]) throw new Error(`${url.host} has no *_seeded_run database (infra/sandbox.ts names it <prefix>_seeded_run)`);
      url.pathname = `/${encodeURIComponent(rows[0].datname)}`;
      return url.toString();
    } finally {
      await admin.end();
    }
  })();
  return resolvedUrl;
}

let pool: Pool | undefined;
let poolPromise: Promise<Pool> | undefined;

export function db(): Promise<Pool> {
  poolPromise ??= databaseUrl().then((connectionString) => {
    pool = new Pool({ connectionString, max: 6, types: typeParsers, application_name: 'tests' });
    return pool;
  });
  return poolPromise;
}

/** One query on the pool. */
export async function sql<R extends QueryResultRow = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> {
  const p = await db();
  return (await p.query<R>(text, values)).rows;
}

/** A dedicated connection (transactions, locks); released by the caller. */
export async function connect(): Promise<PoolClient> {
  return (await db()).connect();
}

/** A separate client outside the pool (for a second concurrent session). */
export async function standaloneClient(): Promise<Client> {
  const c = new Client({ connectionString: await databaseUrl(), types: typeParsers, application_name: 'tests-standalone' });
  await c.connect();
  return c;
}

export async function closeDb(): Promise<void> {
  const p = pool;
  pool = undefined;
  poolPromise = undefined;
  if (p) await p.end();
}

/** `SELECT count(*) FROM table WHERE <where>`. `table` and `where` are code, never input. */
export async function count(table: string, where = 'true', values: unknown[] = []): Promise<number> {
  const rows = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values);
  return rows[0]?.n ?? 0;
}

/** The tables that hang off a strategy run (composite FK (user_id, run_id)). */
export const RUN_CHILD_TABLES = ['engine_ticks', 'orders', 'trades', 'positions', 'decisions'] as const;

/** Row counts of every child table of one run. */
export async function runRowCounts(runId: string): Promise<Record<(typeof RUN_CHILD_TABLES)[number], number>> {
  const rows = await sql<{ t: string; n: number }>(
    RUN_CHILD_TABLES.map((t, i) => `SELECT ${i} AS i, '${t}' AS t, count(*)::int AS n FROM ${t} WHERE run_id = $1`).join(' UNION ALL ') + ' ORDER BY i',
    [runId],
  );
  return Object.fromEntries(rows.map((r) => [r.t, r.n])) as Record<(typeof RUN_CHILD_TABLES)[number], number>;
}

/** The SQLSTATE of a failed statement (undefined when it did not fail). */
export async function sqlState(run: () => Promise<unknown>): Promise<{ code?: string; constraint?: string } | undefined> {
  try {
    await run();
    return undefined;
  } catch (err) {
    const e = err as { code?: string; constraint?: string };
    return { ...(e.code !== undefined ? { code: e.code } : {}), ...(e.constraint !== undefined ? { constraint: e.constraint } : {}) };
  }
}
