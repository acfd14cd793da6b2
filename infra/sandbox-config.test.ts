import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FAKE_SERVICE } from './test/helpers';

/**
 * A platform of its own, told to the sandbox by config keys alone: its SQL migrations, its seed
 * (SQL, a module, a command) and a start command per service. Each broken key fails the way a
 * user expects: a config error (exit 2, file and JSON pointer) before anything starts, or a start
 * error (exit 1) naming the step, or the service, its phase and its last log lines; no process is
 * left and no endpoints file is written.
 */

jest.setTimeout(60_000);

const REPO_ROOT = resolve(__dirname, '..');
const CLI = join(__dirname, 'sandbox-cli.ts');
const TSX_CJS = require.resolve('tsx/cjs');

let tmp: string;
beforeAll(() => {
  mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
  tmp = mkdtempSync(join(REPO_ROOT, '.tmp', 'sandbox-config-'));
  mkdirSync(join(tmp, 'db', 'migrations'), { recursive: true });
  writeFileSync(join(tmp, 'db', 'migrations', '001_notes.sql'), 'CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL);');
  writeFileSync(join(tmp, 'db', 'migrations', '20240101_tags.sql'), 'CREATE TABLE tags (name text PRIMARY KEY);');
  writeFileSync(join(tmp, 'db', 'seed.sql'), "INSERT INTO notes VALUES (1, 'first'), (2, 'second');");
  writeFileSync(join(tmp, 'db', 'seed.ts'), "export default async (client: { query(sql: string): Promise<unknown> }) => { await client.query(\"INSERT INTO tags VALUES ('a')\"); };");
  writeFileSync(join(tmp, 'db', 'bad-seed.sql'), "INSERT INTO notes VALUES (1, NULL);");
  mkdirSync(join(tmp, 'db', 'migrations-bad'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let counter = 0;

/** A config whose one service is the fake service, tagged so that its processes can be found. */
function writeConfig(edit: (c: Record<string, any>) => void = () => undefined): { file: string; tag: string; stateDir: string } {
  const tag = `cfgtest${process.pid}x${++counter}`;
  const config: Record<string, any> = {
    reportsDir: 'reports',
    sandbox: { migrations: 'db/migrations', seed: 'db/seed.sql', readyTimeoutMs: 20_000 },
    services: [
      {
        name: 'notes',
        spec: 'notes.yaml',
        start: {
          command: [process.execPath, '--require', TSX_CJS, FAKE_SERVICE, `--tag=${tag}`],
          env: { PORT: '{port}', DATABASE_URL: '{databaseUrl}', SERVICE_NAME: 'notes', FAKE_MODE: 'ok' },
        },
      },
    ],
  };
  edit(config);
  const file = join(tmp, `${tag}.json`);
  writeFileSync(file, JSON.stringify(config));
  return { file, tag, stateDir: join(tmp, `state-${tag}`) };
}

/** Processes whose command line carries the tag (the services of one config). */
function tagged(tag: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(tag);
      } catch {
        return false;
      }
    })
    .map(Number);
}

interface Endpoints {
  databaseUrl: string;
  emptyDatabaseUrl: string;
  services: Record<string, { baseUrl: string; emptyBaseUrl: string }>;
}

/** Run the sandbox CLI on a config; once it is up, `whileUp` looks at it, then it is stopped (SIGTERM). */
async function runSandbox(file: string, stateDir: string, whileUp?: (endpoints: Endpoints) => Promise<void>): Promise<{ code: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, HARNESS_CONFIG: file, DATABASE_URL: process.env.HARNESS_TEST_PG_URL };
  const child = spawn(process.execPath, ['--require', TSX_CJS, CLI, '--state-dir', stateDir], { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let looked: Promise<void> | undefined;
  const onData = (c: Buffer) => {
    out += c.toString();
    if (!looked && out.includes('running;')) {
      const endpoints = JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8')) as Endpoints;
      looked = (whileUp?.(endpoints) ?? Promise.resolve()).finally(() => child.kill('SIGTERM'));
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  await looked;
  return { code, out };
}

async function count(databaseUrl: string, table: string): Promise<number> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    await client.end();
  }
}

test('migrations folder, SQL seed and a start command: both instances come up, over the seeded and the empty database', async () => {
  const { file, tag, stateDir } = writeConfig();
  const seen: Record<string, number> = {};
  const { code, out } = await runSandbox(file, stateDir, async (endpoints) => {
    seen.seeded = await count(endpoints.databaseUrl, 'notes');
    seen.empty = await count(endpoints.emptyDatabaseUrl, 'notes');
    const served = (await (await fetch(`${endpoints.services.notes?.emptyBaseUrl}/`)).json()) as { database: string };
    seen.emptyServed = served.database === endpoints.emptyDatabaseUrl ? 1 : 0;
  });
  expect(code).toBe(0);
  expect(out).toMatch(/migrate +[\d.]+s +2 applied from .*db\/migrations/);
  expect(out).toMatch(/seed +[\d.]+s +.*db\/seed\.sql/);
  expect(seen).toEqual({ seeded: 2, empty: 0, emptyServed: 1 });
  expect(readFileSync(join(tmp, 'reports', 'logs', 'notes-seeded.log'), 'utf8')).toContain('listening on port');
  expect(readFileSync(join(tmp, 'reports', 'logs', 'notes-empty.log'), 'utf8')).toContain('listening on port');
  expect(tagged(tag)).toEqual([]);
  expect(existsSync(join(stateDir, 'endpoints.json'))).toBe(false);
});

test.each([
  [
    'a command that is not found',
    (c: Record<string, any>) => (c.services[0].start.command = ['no-such-program-xyz', 'main.js']),
    /configuration error: .*#\/services\/0\/start\/command\/0: command not found: "no-such-program-xyz" \(not on PATH\)/,
  ],
  [
    'an environment variable that is not set',
    (c: Record<string, any>) => (c.services[0].start.env.TOKEN = '${NO_SUCH_VAR_XYZ}'),
    /configuration error: .*#\/services\/0\/start\/env\/TOKEN: environment variable NO_SUCH_VAR_XYZ is not set/,
  ],
  [
    'an unknown placeholder',
    (c: Record<string, any>) => (c.services[0].start.env.PORT = '{prot}'),
    /configuration error: .*#\/services\/0\/start\/env\/PORT: unknown placeholder \{prot\}/,
  ],
])('%s is a config error: exit 2 naming the key, nothing started', async (_, edit, message) => {
  const { file, tag, stateDir } = writeConfig(edit);
  const { code, out } = await runSandbox(file, stateDir);
  expect(code).toBe(2);
  expect(out).toMatch(message);
  expect(tagged(tag)).toEqual([]);
  expect(existsSync(join(stateDir, 'endpoints.json'))).toBe(false);
});

test.each([
  [
    'a service that exits during start',
    (c: Record<string, any>) => (c.services[0].start.env.FAKE_MODE = 'crash'),
    /service "notes" \((seeded|empty) instance, port \d+\) did not come up: exited with code 1[^]*--- last lines of .*notes-(seeded|empty)\.log ---[^]*relation "companies" does not exist/,
  ],
  [
    'a health path that never answers 2xx',
    (c: Record<string, any>) => {
      c.services[0].start.health = '/missing/health';
      c.sandbox.readyTimeoutMs = 1_500;
    },
    /service "notes" \((seeded|empty) instance, port \d+\) did not come up: no healthy answer after 1500 ms \(last: HTTP 404\)[^]*listening on port/,
  ],
  [
    'a migration that fails',
    (c: Record<string, any>) => {
      writeFileSync(join(tmp, 'db', 'migrations-bad', '001_broken.sql'), 'CREATE TABLE broken (id int PRIMARY KEY, oops);');
      c.sandbox.migrations = 'db/migrations-bad';
    },
    /migrations \(.*migrations-bad\): migration 001_broken\.sql failed: syntax error/,
  ],
  [
    'a seed that fails',
    (c: Record<string, any>) => (c.sandbox.seed = 'db/bad-seed.sql'),
    /seed \(.*bad-seed\.sql\) failed: null value in column "body"/,
  ],
  [
    'a seed command that fails',
    (c: Record<string, any>) => (c.sandbox.seed = { command: [process.execPath, '-e', 'console.error("seeding {db.name} failed: no fixtures"); process.exit(3)'] }),
    /seed command ".*" exited with code 3\n--- last lines ---\nseeding sbx_\d+_[0-9a-f]+_seeded failed: no fixtures/,
  ],
])('%s fails the start (exit 1) with what happened, leaving no process', async (_, edit, message) => {
  const { file, tag, stateDir } = writeConfig(edit);
  const { code, out } = await runSandbox(file, stateDir);
  expect(code).toBe(1);
  expect(out).toMatch(message);
  expect(tagged(tag)).toEqual([]);
  expect(existsSync(join(stateDir, 'endpoints.json'))).toBe(false);
});

test('a .ts seed module runs on the seeded template only', async () => {
  const { file, stateDir } = writeConfig((c) => (c.sandbox.seed = 'db/seed.ts'));
  const seen: Record<string, number> = {};
  const { code, out } = await runSandbox(file, stateDir, async (endpoints) => {
    seen.seeded = await count(endpoints.databaseUrl, 'tags');
    seen.empty = await count(endpoints.emptyDatabaseUrl, 'tags');
  });
  expect(code).toBe(0);
  expect(out).toMatch(/seed +[\d.]+s +.*db\/seed\.ts/);
  expect(seen).toEqual({ seeded: 1, empty: 0 });
});
