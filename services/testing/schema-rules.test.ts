import { withClient } from '../../infra/db/databases';
import { applyMigrations, listMigrations } from '../../infra/db/migrate';
import { platformMigrationsDir } from './platform';
import { createTestDatabase, type TestDatabase } from './test-db';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ seeded: false });
});
afterAll(() => db.drop());

test('every platform migration is recorded once and a second apply changes nothing', async () => {
  await withClient(db.url, async (c) => {
    const recorded = (await c.query('SELECT name FROM schema_migrations ORDER BY name')).rows.map((r) => r.name);
    expect(recorded).toEqual(listMigrations(platformMigrationsDir()).map((m) => m.name));
    expect(await applyMigrations(c, platformMigrationsDir())).toEqual([]);
  });
});

test('the database enforces one RUNNING run per user and no revival of a STOPPED run', async () => {
  await withClient(db.url, async (c) => {
    const user = '00000000-0000-4000-9999-000000000001';
    await c.query(`INSERT INTO traders (id, name) VALUES ($1, 'rl-test')`, [user]);
    const run = (id: string) =>
      c.query(`INSERT INTO strategy_runs (id, user_id, strategy, initial_cash, cash) VALUES ($1, $2, 'sip', 1000, 1000)`, [id, user]);
    await run('00000000-0000-4000-9999-000000000011');
    await expect(run('00000000-0000-4000-9999-000000000012')).rejects.toMatchObject({ code: '23505' });
    await c.query(`UPDATE strategy_runs SET status = 'STOPPED' WHERE id = '00000000-0000-4000-9999-000000000011'`);
    await expect(
      c.query(`UPDATE strategy_runs SET status = 'RUNNING' WHERE id = '00000000-0000-4000-9999-000000000011'`),
    ).rejects.toMatchObject({ code: 'P0409' });
  });
});
