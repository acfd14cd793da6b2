// The sandbox's migration step for Unleash (harness.config.json: sandbox.migrations.command):
// Unleash's own migrator (db-migrate, the one Unleash runs at start-up) applied to the template
// database named by the one argument, {databaseUrl}. Unleash is installed into .tmp/third-party.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const migrator = join(root, '.tmp', 'third-party', 'node_modules', 'unleash-server', 'dist', 'migrator.js');
if (!existsSync(migrator)) {
  console.error(`unleash-server is not installed (${migrator}): npm install --prefix .tmp/third-party unleash-server@7.5.1`);
  process.exit(1);
}
const url = new URL(process.argv[2] ?? '');
const { migrateDb } = await import(pathToFileURL(migrator).href);
await migrateDb({
  db: {
    host: url.hostname,
    port: Number(url.port || 5432),
    database: decodeURIComponent(url.pathname.slice(1)),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    driver: 'postgres',
    ssl: false,
    schema: 'public',
  },
});
console.log(`unleash migrations applied to ${url.pathname.slice(1)}`);
