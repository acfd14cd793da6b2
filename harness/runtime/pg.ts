import { readFileSync } from 'node:fs';
import type { Client, Pool, PoolClient, PoolConfig, QueryResultRow } from 'pg';
import { assertPostgresAlive } from '../endpoints';
import type { Phase } from './case-types';

/**
 * Database assertions in hand-written tests, against the sandbox's databases: `pg` is the
 * seeded database (the one the seeded instances use), `pg.empty` the empty one when the sandbox
 * names it. URLs come from the sandbox's endpoints file (`HARNESS_ENDPOINTS`, contract 2):
 * `databaseUrl`, and `emptyDatabaseUrl` beside it.
 *
 *   const [row] = await pg.query<{ title: string }>('SELECT title FROM notes WHERE id = $1', [note.id]);
 *   expect(await pg.count('notes', 'title = $1', [title])).toBe(1);
 *
 * One pool per database and test file; `pg.end()` closes it, and idle connections let the
 * process exit anyway (`allowExitOnIdle`), so a forgotten `end()` never holds Jest open.
 */

/** pg on first use: every test file loads the runtime, few of them query a database. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pgModule = (): typeof import('pg') => require('pg') as typeof import('pg');

const URL_FIELD: Record<Phase, 'databaseUrl' | 'emptyDatabaseUrl'> = { seeded: 'databaseUrl', empty: 'emptyDatabaseUrl' };

/** The URL of the seeded or empty database, read from the endpoints file now. */
export function sandboxDatabaseUrl(phase: Phase = 'seeded', env: NodeJS.ProcessEnv = process.env): string {
  const file = env.HARNESS_ENDPOINTS;
  assertPostgresAlive(env.HARNESS_SANDBOX_STATUS); // its endpoints file is gone with it
  if (!file) throw new Error('HARNESS_ENDPOINTS is not set: database helpers need the sandbox, which the harness\'s Jest global setup (or `contract-harness gate`) brings up');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const url = parsed[URL_FIELD[phase]];
  if (typeof url !== 'string' || url === '') throw new Error(`${file} has no ${URL_FIELD[phase]}${phase === 'empty' ? ' (this sandbox names only the seeded database)' : ''}`);
  return url;
}

export class SandboxDatabase {
  private pool: Pool | undefined;

  constructor(
    readonly phase: Phase,
    private readonly options: Omit<PoolConfig, 'connectionString'> = {},
  ) {}

  url(): string {
    return sandboxDatabaseUrl(this.phase);
  }

  /** The pool of this test file, created on first use. */
  connectionPool(): Pool {
    this.pool ??= new (pgModule().Pool)({ max: 4, idleTimeoutMillis: 1_000, allowExitOnIdle: true, application_name: 'contract-harness tests', ...this.options, connectionString: this.url() });
    return this.pool;
  }

  /** The rows of one statement. `text` is code; values go in `values`, never into `text`. */
  async query<R extends QueryResultRow = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> {
    try {
      return (await this.connectionPool().query<R>(text, values)).rows;
    } catch (err) {
      assertPostgresAlive(); // a connection error because the sandbox's Postgres died: say that
      throw err;
    }
  }

  /** `SELECT count(*) FROM <table> WHERE <where>`. `table` and `where` are code, never input. */
  async count(table: string, where = 'true', values: unknown[] = []): Promise<number> {
    const rows = await this.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values);
    return rows[0]?.n ?? 0;
  }

  /** A connection of the pool for a transaction or a lock; the caller releases it. */
  connect(): Promise<PoolClient> {
    return this.connectionPool().connect();
  }

  /** A connected client outside the pool (a second session); the caller ends it. */
  async client(): Promise<Client> {
    const c = new (pgModule().Client)({ application_name: 'contract-harness tests', ...this.options, connectionString: this.url() });
    await c.connect();
    return c;
  }

  /** Close this file's pool (e.g. in afterAll). */
  async end(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    if (p) await p.end();
  }
}

/** The seeded database, and `pg.empty` the empty one. */
export const pg: SandboxDatabase & { readonly empty: SandboxDatabase } = Object.assign(new SandboxDatabase('seeded'), { empty: new SandboxDatabase('empty') });
