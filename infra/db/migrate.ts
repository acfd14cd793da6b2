import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientBase } from 'pg';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** The `.sql` files of a folder, in name order (`001_users.sql`, `20240101_orders.sql`). */
export function listMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((f) => /\.sql$/i.test(f))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Apply pending migrations, each in its own transaction, recorded in `schema_migrations`.
 * An applied migration whose file changed since is an error: history is never rewritten.
 * Returns the names applied now.
 */
export async function applyMigrations(client: ClientBase, dir: string): Promise<string[]> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied = new Map<string, string>(
    (await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations')).rows.map((r) => [
      r.name,
      r.checksum,
    ]),
  );
  const done: string[] = [];
  for (const m of listMigrations(dir)) {
    const previous = applied.get(m.name);
    if (previous !== undefined) {
      if (previous !== m.checksum) throw new Error(`migration ${m.name} changed after it was applied; add a new migration instead`);
      continue;
    }
    await client.query('BEGIN');
    try {
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [m.name, m.checksum]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
    }
    done.push(m.name);
  }
  return done;
}
