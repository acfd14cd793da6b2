import { randomBytes } from 'node:crypto';
import { createDatabase, dropDatabase } from '../../infra/db/databases';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this test in the "unit" Jest project (npm run jest -- --selectProjects unit)`);
  return value;
}

/** A fresh database of its own for one test file: seeded (default) or migrated and empty. */
export async function createTestDatabase(opts: { seeded?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = requireEnv('HARNESS_TEST_PG_URL');
  const template = requireEnv(opts.seeded === false ? 'HARNESS_TEST_TEMPLATE_MIGRATED' : 'HARNESS_TEST_TEMPLATE_SEEDED');
  const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = await createDatabase(adminUrl, name, template);
  return { name, url, drop: () => dropDatabase(adminUrl, name) };
}
