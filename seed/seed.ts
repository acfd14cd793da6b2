import type { ClientBase } from 'pg';
import type { FixtureTable } from './fixture-types';
import { queryFixtures } from './fixtures/query';
import { registryFixtures } from './fixtures/registry';
import { riskFixtures } from './fixtures/risk';
import { tradingFixtures } from './fixtures/trading';

/** All fixtures in foreign-key order: registry first (companies), query last (it references them). */
export const ALL_FIXTURES: FixtureTable[] = [...registryFixtures, ...riskFixtures, ...tradingFixtures, ...queryFixtures];

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Insert one table's rows, in batches, skipping rows that already exist. */
async function insertTable(client: ClientBase, { table, rows }: FixtureTable): Promise<void> {
  const BATCH = 500;
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    const columns = [...new Set(batch.flatMap((r) => Object.keys(r)))].sort();
    const values: unknown[] = [];
    const tuples = batch.map((row) => {
      const slots = columns.map((col) => {
        values.push(row[col] ?? null);
        return `$${values.length}`;
      });
      return `(${slots.join(', ')})`;
    });
    await client.query(
      `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`,
      values,
    );
  }
}

/**
 * Seed the database: every fixture in one transaction, idempotently (a second run inserts
 * nothing), so the same fixtures always yield the same database.
 */
export async function seedDatabase(client: ClientBase, fixtures: FixtureTable[] = ALL_FIXTURES): Promise<void> {
  await client.query('BEGIN');
  try {
    for (const table of fixtures) await insertTable(client, table);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw new Error(`seeding failed: ${(err as Error).message}`);
  }
}

/**
 * The sandbox's seed step (`"seed": "seed/seed.ts"` in harness.config.ts): the harness runs it
 * in one transaction on the seeded template database.
 */
export default async function seed(client: ClientBase): Promise<void> {
  for (const table of ALL_FIXTURES) await insertTable(client, table);
}

/** A hash per table over every row in a stable order: equal hashes, equal contents. */
export async function hashTables(client: ClientBase): Promise<Record<string, string>> {
  const tables = (
    await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY 1`,
    )
  ).rows.map((r) => r.name);
  const out: Record<string, string> = {};
  for (const t of tables) {
    const { rows } = await client.query<{ h: string | null; n: string }>(
      `SELECT md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) AS h, count(*) AS n FROM ${quoteIdent(t)} x`,
    );
    out[t] = `${rows[0]?.n}:${rows[0]?.h}`;
  }
  return out;
}
