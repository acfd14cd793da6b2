import { withClient } from '../infra/db/databases';
import { createTestDatabase, type TestDatabase } from '../services/testing/test-db';
import { hashTables, seedDatabase } from './seed';

/**
 * The same seed always yields the same database, and seeding again changes nothing.
 * Mutation tried: companies fixtures without created_at (so it came from now()) -> the first test
 * fails on the companies hash.
 */
let first: TestDatabase;
let second: TestDatabase;
beforeAll(async () => {
  [first, second] = await Promise.all([createTestDatabase({ seeded: false }), createTestDatabase({ seeded: false })]);
});
afterAll(async () => {
  await Promise.all([first?.drop(), second?.drop()]);
});

test('seeding twice leaves every table identical, and two fresh databases seed alike', async () => {
  const once = await withClient(first.url, async (c) => {
    await seedDatabase(c);
    return hashTables(c);
  });
  const twice = await withClient(first.url, async (c) => {
    await seedDatabase(c);
    return hashTables(c);
  });
  const elsewhere = await withClient(second.url, async (c) => {
    await seedDatabase(c);
    return hashTables(c);
  });
  expect(twice).toEqual(once);
  expect(elsewhere).toEqual(once);
});

test('every table has fixtures', async () => {
  const hashes = await withClient(first.url, async (c) => {
    await seedDatabase(c);
    return hashTables(c);
  });
  const empty = Object.entries(hashes)
    .filter(([, h]) => h.startsWith('0:'))
    .map(([table]) => table);
  expect(empty).toEqual([]);
  expect(Object.keys(hashes).length).toBeGreaterThanOrEqual(20);
});
