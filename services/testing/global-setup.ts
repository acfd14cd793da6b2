import { join } from 'node:path';
import { startEmbeddedPostgres, type PostgresInstance } from '../../infra/postgres';
import { prepareTemplates } from '../../infra/db/databases';
import { platformConfig, PLATFORM_ROOT } from './platform';

/**
 * Unit-project global setup: one Postgres for every test file that needs a database (the
 * embedded one, or `DATABASE_URL` to use an existing server), with template databases migrated
 * and seeded as the platform's config says, that each test clones in ~40 ms. Workers find them through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const config = platformConfig();
  let instance: PostgresInstance | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    instance = await startEmbeddedPostgres({ baseDir: join(PLATFORM_ROOT, '.tmp', `unit-pg-${process.pid}`) });
    adminUrl = instance.url;
  }
  const templates = await prepareTemplates(adminUrl, `unit_${process.pid}`, { sandbox: config.sandbox, cwd: config.rootDir });
  process.env.HARNESS_TEST_PG_URL = adminUrl;
  process.env.HARNESS_TEST_TEMPLATE_SEEDED = templates.seeded;
  process.env.HARNESS_TEST_TEMPLATE_MIGRATED = templates.migrated;
  (globalThis as { __unitPostgres?: PostgresInstance }).__unitPostgres = instance;
}
