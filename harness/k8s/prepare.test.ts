import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { databaseUrl, dropDatabase, withClient } from '../../infra/db/databases';
import { cliCommand, PACKAGE_ROOT } from '../package-paths';
import { DATABASES } from './pod-values';

/**
 * `k8s prepare`, the command the run's prepare Job runs, against a real Postgres (the unit
 * project's): the empty instances' database migrated and empty, the seeded one migrated and
 * seeded; run again, as a retried Job does, it starts clean and ends the same.
 */

const adminUrl = process.env.HARNESS_TEST_PG_URL as string;
const count = (db: string, sql: string) => withClient(databaseUrl(adminUrl, db), async (c) => Number((await c.query<{ n: string }>(sql)).rows[0]?.n));

afterAll(async () => {
  for (const db of Object.values(DATABASES)) await dropDatabase(adminUrl, db);
});

test('prepare builds the seeded and the empty database, and a second run (a retried Job) ends the same', () => {
  const [cmd, ...args] = cliCommand(['k8s', 'prepare', '--database-url', adminUrl]) as [string, ...string[]];
  const env = { ...process.env, HARNESS_CONFIG: join(PACKAGE_ROOT, 'harness.config.ts') };
  const results = [1, 2].map(() => spawnSync(cmd, args, { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 90_000, env }));
  return (async () => {
    for (const res of results) {
      expect(res.stderr).toContain(`ready: ${DATABASES.seeded} (seeded), ${DATABASES.empty} (empty)`);
      expect(res.status).toBe(0);
    }
    const tables = "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'companies'";
    expect(await count(DATABASES.empty, tables)).toBe(1);
    expect(await count(DATABASES.seeded, tables)).toBe(1);
    expect(await count(DATABASES.empty, 'SELECT count(*) AS n FROM companies')).toBe(0);
    const seeded = await count(DATABASES.seeded, 'SELECT count(*) AS n FROM companies');
    expect(seeded).toBeGreaterThan(0);
  })();
}, 180_000);

test('without a database URL it exits 2 naming the flag', () => {
  const [cmd, ...args] = cliCommand(['k8s', 'prepare']) as [string, ...string[]];
  const { DATABASE_URL: _unset, ...env } = process.env;
  const res = spawnSync(cmd, args, { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 60_000, env });
  expect(res.status).toBe(2);
  expect(res.stderr).toContain('--database-url: required');
}, 60_000);
