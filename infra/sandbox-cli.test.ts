import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withClient } from './db/databases';
import { descendants, FAKE_SERVICE, stillRunning, waitFor } from './test/helpers';
import { platformConfigJson } from '../services/testing/platform';

const REPO_ROOT = resolve(__dirname, '..');

/**
 * `npm run sandbox` as a process: stage lines, endpoints.json, and after SIGTERM (or stdin
 * closing) not one process of it left, checked by pid. The embedded-Postgres case runs fake
 * services; the last case runs the four reference services.
 */

jest.setTimeout(90_000);

const CLI = join(REPO_ROOT, 'infra', 'sandbox-cli.ts');
const TSX_CJS = require.resolve('tsx/cjs');
const fakeCommand = JSON.stringify([process.execPath, '--require', TSX_CJS, FAKE_SERVICE]);

let tmp: string;
let twoServiceConfig: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
  tmp = mkdtempSync(join(REPO_ROOT, '.tmp', 'sandbox-cli-test-'));
  chmodSync(tmp, 0o755); // as root, the embedded Postgres runs as "postgres" and must reach its data
  twoServiceConfig = join(tmp, 'two.config.json');
  writeFileSync(
    twoServiceConfig,
    JSON.stringify(platformConfigJson(['registry', 'risk'], { reportsDir: join(tmp, 'reports') })),
  );
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

interface Cli {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Cli {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, HARNESS_CONFIG: twoServiceConfig, ...env };
  if (!('DATABASE_URL' in env)) delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, ['--require', TSX_CJS, CLI, ...args], { cwd: REPO_ROOT, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => text, exited };
}

async function waitForEndpoints(cli: Cli, stateDir: string): Promise<{ databaseUrl: string; services: Record<string, { baseUrl: string; emptyBaseUrl: string }> }> {
  const file = join(stateDir, 'endpoints.json');
  await waitFor(() => existsSync(file) || cli.child.exitCode !== null, 60_000, `${file}\n${cli.output()}`);
  if (!existsSync(file)) throw new Error(`sandbox exited (${cli.child.exitCode}) before it was healthy:\n${cli.output()}`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

test('embedded Postgres: stages printed, endpoints written, and SIGTERM leaves no process and no data', async () => {
  const stateDir = join(tmp, 'embedded');
  const cli = runCli(['--state-dir', stateDir, '--service-command', fakeCommand]);
  const endpoints = await waitForEndpoints(cli, stateDir);
  expect(Object.keys(endpoints.services)).toEqual(['registry', 'risk']);
  for (const s of Object.values(endpoints.services)) {
    expect((await fetch(`${s.baseUrl}/health`)).status).toBe(200);
    expect((await fetch(`${s.emptyBaseUrl}/health`)).status).toBe(200);
  }
  for (const stage of ['postgres', 'migrate', 'seed', 'databases', 'services', 'ready']) {
    expect(cli.output()).toMatch(new RegExp(`^${stage} +\\d+\\.\\d\\ds`, 'm'));
  }
  const tree = descendants(cli.child.pid as number);
  const commands = tree.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  expect(commands.filter((c) => c.includes('fake-service'))).toHaveLength(4);
  expect(commands.some((c) => c.includes('bin/postgres'))).toBe(true);

  cli.child.kill('SIGTERM');
  expect(await cli.exited).toBe(0);
  expect(cli.output()).toMatch(/stopped in \d+\.\d\ds/);
  expect(stillRunning(tree)).toEqual([]);
  expect(existsSync(stateDir) ? readdirSync(stateDir) : []).toEqual([]);
});

test('embedded Postgres killed while it runs: exit 1 naming Postgres with its log tail, status.json kept, no process left', async () => {
  const stateDir = join(tmp, 'pg-killed');
  const cli = runCli(['--state-dir', stateDir, '--logs-dir', join(tmp, 'pg-killed-logs'), '--service-command', fakeCommand]);
  await waitForEndpoints(cli, stateDir);
  const tree = descendants(cli.child.pid as number);
  const postmaster = tree.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('bin/postgres'));
  expect(postmaster).toBeDefined();

  process.kill(postmaster as number, 'SIGKILL');
  expect(await cli.exited).toBe(1);
  expect(cli.output()).toContain(`sandbox: the sandbox's Postgres (embedded, data dir ${join(stateDir, 'pg')}/pg-`);
  expect(cli.output()).toMatch(/died: exited \(killed by SIGKILL\); every service that uses it is stopped; last lines of its log .*postgres\.log:\n[^]*database system is ready to accept connections/);
  expect(cli.output()).toContain('stopping (Postgres died)');
  const status = JSON.parse(readFileSync(join(stateDir, 'status.json'), 'utf8')) as { state: string; dead: unknown[]; deadPostgres: { pid: number; signal: string } };
  expect(status).toMatchObject({ state: 'failed', dead: [], deadPostgres: { pid: postmaster, signal: 'SIGKILL' } });
  // the services were stopped; the postmaster's own children follow it
  await waitFor(() => stillRunning(tree).length === 0, 30_000, `every process of the sandbox to exit: ${stillRunning(tree).join(', ')}`);
  expect(readdirSync(stateDir)).toEqual(['status.json']);
});

test('--exit-on-stdin-close stops when the parent closes the pipe; a second sandbox on the same state dir is refused', async () => {
  const stateDir = join(tmp, 'stdin');
  const env = { DATABASE_URL: process.env.HARNESS_TEST_PG_URL };
  const cli = runCli(['--state-dir', stateDir, '--service-command', fakeCommand, '--exit-on-stdin-close'], env);
  await waitForEndpoints(cli, stateDir);

  const second = runCli(['--state-dir', stateDir, '--service-command', fakeCommand], env);
  expect(await second.exited).toBe(1);
  expect(second.output()).toContain(`a sandbox (pid ${cli.child.pid}) is already running with state dir ${stateDir}`);
  expect(second.output()).toContain('--state-dir');
  expect(existsSync(join(stateDir, 'endpoints.json'))).toBe(true);

  const tree = descendants(cli.child.pid as number);
  expect(tree.length).toBeGreaterThanOrEqual(4);
  cli.child.stdin?.end();
  expect(await cli.exited).toBe(0);
  expect(cli.output()).toContain('stopping (stdin closed)');
  expect(stillRunning(tree)).toEqual([]);
});

test('a sandbox killed with SIGKILL leaves processes that the next one on its state dir stops', async () => {
  const stateDir = join(tmp, 'killed');
  const env = { DATABASE_URL: process.env.HARNESS_TEST_PG_URL };
  const first = runCli(['--state-dir', stateDir, '--service-command', fakeCommand], env);
  await waitForEndpoints(first, stateDir);
  const orphans = descendants(first.child.pid as number);
  expect(orphans).toHaveLength(4);
  first.child.kill('SIGKILL');
  await first.exited;
  expect(stillRunning(orphans)).toHaveLength(4); // nothing could stop them

  const second = runCli(['--state-dir', stateDir, '--service-command', fakeCommand], env);
  // the dead sandbox's endpoints.json is still there: wait for the new one's status instead
  const status = join(stateDir, 'status.json');
  await waitFor(() => {
    try {
      const s = JSON.parse(readFileSync(status, 'utf8')) as { pid: number; state: string };
      return s.pid === second.child.pid && s.state === 'ready';
    } catch {
      return false;
    }
  }, 60_000, `the second sandbox\n${second.output()}`);
  expect(stillRunning(orphans)).toEqual([]);
  // and the databases it left on the server were dropped
  const leftDbs = await withClient(process.env.HARNESS_TEST_PG_URL as string, async (c) =>
    (await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`sbx_${first.child.pid}_%`])).rows,
  );
  expect(leftDbs).toEqual([]);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
});

test('a configuration error exits 2, naming the file and field', async () => {
  const bad = join(tmp, 'bad.config.json');
  writeFileSync(bad, JSON.stringify({ sandbox: {}, services: [{ name: 'Bad Name', spec: 'x.yaml' }] }));
  const cli = runCli(['--state-dir', join(tmp, 'bad')], { HARNESS_CONFIG: bad });
  expect(await cli.exited).toBe(2);
  expect(cli.output()).toContain(`configuration error: ${bad}#/services/0/name`);
});

const referenceServices = ['query', 'registry', 'risk', 'trading'];
const haveReferenceServices = referenceServices.every((s) => existsSync(join(REPO_ROOT, 'services', s, 'main.ts')));

(haveReferenceServices ? test : test.skip)('the four reference services come up, seeded and empty, and stop cleanly', async () => {
  const stateDir = join(tmp, 'real');
  const cli = runCli(['--state-dir', stateDir, '--logs-dir', join(tmp, 'real-logs')], {
    HARNESS_CONFIG: join(REPO_ROOT, 'harness.config.ts'),
    DATABASE_URL: process.env.HARNESS_TEST_PG_URL,
  });
  const endpoints = await waitForEndpoints(cli, stateDir);
  expect(Object.keys(endpoints.services)).toEqual(referenceServices);
  for (const s of Object.values(endpoints.services)) {
    for (const url of [s.baseUrl, s.emptyBaseUrl]) {
      const res = await fetch(`${url}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok' });
    }
  }
  const tree = descendants(cli.child.pid as number);
  cli.child.kill('SIGINT');
  expect(await cli.exited).toBe(0);
  expect(stillRunning(tree)).toEqual([]);
});
