import { dropDatabase } from '../../infra/db/databases';
import type { PostgresInstance } from '../../infra/postgres';

export default async function globalTeardown(): Promise<void> {
  const instance = (globalThis as { __unitPostgres?: PostgresInstance }).__unitPostgres;
  const adminUrl = process.env.HARNESS_TEST_PG_URL;
  if (instance) {
    await instance.stop();
  } else if (adminUrl) {
    // An external server outlives the run: leave nothing of ours on it.
    for (const name of [process.env.HARNESS_TEST_TEMPLATE_SEEDED, process.env.HARNESS_TEST_TEMPLATE_MIGRATED]) {
      if (name) await dropDatabase(adminUrl, name);
    }
  }
}
