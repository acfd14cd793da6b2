import { join, resolve } from 'node:path';
import { startEmbeddedPostgres, type PostgresInstance } from '../postgres';
import { prepareTemplates } from '../db/databases';

/**
 * Unit-project global setup: one Postgres for every test file that needs a database (the
 * embedded one, or `DATABASE_URL` to use an existing server), with migrated and seeded template
 * databases that each test clones in ~40 ms. Workers find them through the environment.
 */
export default async function globalSetup(): Promise<void> {
  let instance: PostgresInstance | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    instance = await startEmbeddedPostgres({ baseDir: join(resolve(__dirname, '..', '..'), '.tmp', `unit-pg-${process.pid}`) });
    adminUrl = instance.url;
  }
  const templates = await prepareTemplates(adminUrl, `unit_${process.pid}`);
  process.env.HARNESS_TEST_PG_URL = adminUrl;
  process.env.HARNESS_TEST_TEMPLATE_SEEDED = templates.seeded;
  process.env.HARNESS_TEST_TEMPLATE_MIGRATED = templates.migrated;
  (globalThis as { __unitPostgres?: PostgresInstance }).__unitPostgres = instance;
}
