import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import globalSetup from './global-setup';
import globalTeardown from './global-teardown';
import { buildJestCommand } from './jest-command';
import { ownScriptCommand } from '../package-paths';
import { removeStaleStateDirs, startSandbox } from './sandbox-process';
import { loadConfig } from '../config';
import { assertSandboxAlive, resolveEndpoints } from '../endpoints';
import { sandboxDatabaseUrl } from '../runtime/pg';

const FAKE = join(__dirname, 'fixtures', 'fake-sandbox.ts');
const fakeCommand = (...extra: string[]): string[] => [process.execPath, '--import', 'tsx', FAKE, '--state-dir', '{stateDir}', ...extra];
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// These tests call the real global setup and teardown. Should Jest ever run them in its main
// process (in band) beside a suites run, they must not see or stop that run's sandbox: the
// state they share through globalThis is swapped for a fresh one around each test.
type WithState = { __harnessState?: unknown };
const savedEnv = { ...process.env };
let savedState: unknown;
let dir: string;
beforeEach(() => {
  savedState = (globalThis as WithState).__harnessState;
  (globalThis as WithState).__harnessState = {};
  dir = mkdtempSync(join(tmpdir(), 'harness-setup-'));
  for (const k of ['HARNESS_CONFIG', 'HARNESS_ENDPOINTS', 'HARNESS_SANDBOX_STATUS', 'HARNESS_CALLS_DIR']) delete process.env[k];
});
afterEach(() => {
  (globalThis as WithState).__harnessState = savedState;
  process.env = { ...savedEnv };
  rmSync(dir, { recursive: true, force: true });
});

function listen(): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => res.end('{}'));
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => done({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

function writeConfig(baseUrl: string): string {
  const file = join(dir, 'harness.config.json');
  writeFileSync(file, JSON.stringify({ sandbox: false, reportsDir: 'out', services: [{ name: 'ext', spec: 'ext.yaml', baseUrl }] }));
  return file;
}

describe('global setup, sandbox: false', () => {
  it('uses the config base URLs, exports the calls folder and clears old calls', async () => {
    const { server, url } = await listen();
    try {
      process.env.HARNESS_CONFIG = writeConfig(url);
      mkdirSync(join(dir, 'out', '.calls'), { recursive: true });
      writeFileSync(join(dir, 'out', '.calls', 'calls-1.jsonl'), '{}\n');
      await globalSetup();
      expect(process.env.HARNESS_CALLS_DIR).toBe(join(dir, 'out', '.calls'));
      expect(existsSync(join(dir, 'out', '.calls', 'calls-1.jsonl'))).toBe(false);
      expect(process.env.HARNESS_ENDPOINTS).toBeUndefined();
      expect(resolveEndpoints(loadConfig())).toEqual({ ext: { baseUrl: url } });
      await globalTeardown();
    } finally {
      server.close();
    }
  });

  it('fails fast naming a service that does not answer', async () => {
    const { server, url } = await listen();
    await new Promise((done) => server.close(done));
    process.env.HARNESS_CONFIG = writeConfig(url);
    await expect(globalSetup()).rejects.toThrow(/service "ext" does not answer at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });
});

describe('global setup, HARNESS_ENDPOINTS already set (the gate or a sandbox started by hand)', () => {
  it('uses the endpoints file, finds the status file beside it, and starts nothing', async () => {
    const file = join(dir, 'harness.config.json');
    writeFileSync(file, JSON.stringify({ sandbox: {}, reportsDir: 'out', services: [{ name: 'ext', spec: 'ext.yaml', start: { command: ['node', 'ext.js'] } }] }));
    writeFileSync(join(dir, 'endpoints.json'), JSON.stringify({ databaseUrl: 'postgres://x', services: { ext: { baseUrl: 'http://127.0.0.1:9', emptyBaseUrl: 'http://127.0.0.1:10' } } }));
    writeFileSync(join(dir, 'status.json'), JSON.stringify({ pid: 1, state: 'ready', dead: [] }));
    process.env.HARNESS_CONFIG = file;
    process.env.HARNESS_ENDPOINTS = join(dir, 'endpoints.json');
    await globalSetup();
    expect(process.env.HARNESS_SANDBOX_STATUS).toBe(join(dir, 'status.json'));
    expect(resolveEndpoints(loadConfig())).toEqual({ ext: { baseUrl: 'http://127.0.0.1:9', emptyBaseUrl: 'http://127.0.0.1:10' } });
    await globalTeardown(); // nothing of ours to stop
  });

  it('names a missing endpoints file', async () => {
    process.env.HARNESS_CONFIG = writeConfig('http://127.0.0.1:9');
    process.env.HARNESS_ENDPOINTS = join(dir, 'nope.json');
    await expect(globalSetup()).rejects.toThrow(`HARNESS_ENDPOINTS names ${join(dir, 'nope.json')}, which does not exist`);
  });
});

describe('sandbox child process (contract 2)', () => {
  it('resolves once endpoints.json exists and leaves no process behind after stop', async () => {
    const lines: string[] = [];
    const sandbox = await startSandbox({ stateDir: join(dir, 'state'), command: fakeCommand(), onLine: (l) => lines.push(l) });
    expect(sandbox.endpoints.services.fake?.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${sandbox.endpoints.services.fake?.baseUrl}/health`);
    expect(res.status).toBe(200);
    await sandbox.stop();
    expect(isAlive(sandbox.pid)).toBe(false);
    expect(lines).toContain('postgres 0.01s');
  });

  it('goes down with a parent killed by SIGKILL (stdin closes; its stdout is a file, not a pipe)', async () => {
    const holder = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'hold-sandbox.ts'), join(dir, 'state')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const sandboxPid = await new Promise<number>((done) => {
      let out = '';
      holder.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /UP (\d+)/.exec(out);
        if (m) done(Number(m[1]));
      });
    });
    expect(isAlive(sandboxPid)).toBe(true);
    holder.kill('SIGKILL');
    // it goes once it reads end-of-file on stdin: waited for as long as the test may take, not
    // against a clock of its own (5 s was a guess at how loaded the machine would be)
    while (isAlive(sandboxPid)) await new Promise((r) => setTimeout(r, 50));
    expect(isAlive(sandboxPid)).toBe(false);
  });

  it('removes the state folders of runs whose process is gone, and only those', () => {
    for (const name of ['jest-999999999', `gate-${process.pid}`, 'keep-me']) mkdirSync(join(dir, name));
    writeFileSync(join(dir, 'jest-999999999', 'status.json'), '{}');
    removeStaleStateDirs(dir);
    expect(readdirSync(dir).sort()).toEqual([`gate-${process.pid}`, 'keep-me']);
  });

  it('reports the last log lines when the sandbox exits before it is healthy', async () => {
    await expect(startSandbox({ stateDir: join(dir, 'state'), command: fakeCommand('--fail') })).rejects.toThrow(
      /exited before it was healthy \(code 3[\s\S]*migrations broken/,
    );
  });

  it('gives up after the timeout and stops the child', async () => {
    await expect(startSandbox({ stateDir: join(dir, 'state'), command: fakeCommand('--hang'), timeoutMs: 1_500 })).rejects.toThrow(
      /not healthy after 1500 ms[\s\S]*services 0\.02s/,
    );
  });
});

describe('sandbox liveness (contract 2 status file)', () => {
  it('names a dead service with its last log lines, and only for that service when asked', () => {
    const file = join(dir, 'status.json');
    writeFileSync(file, JSON.stringify({ pid: 1, state: 'ready', dead: [{ service: 'registry', phase: 'seeded', exitCode: null, signal: 'SIGKILL', logTail: 'listening on 7001' }] }));
    expect(() => assertSandboxAlive('registry', file)).toThrow('service "registry" (seeded instance) died (killed by SIGKILL); last log lines:\nlistening on 7001');
    expect(() => assertSandboxAlive('risk', file)).not.toThrow();
    expect(() => assertSandboxAlive(undefined, join(dir, 'absent.json'))).not.toThrow();
  });

  it('names a dead Postgres, with its data dir and log tail, to every service', () => {
    const file = join(dir, 'status.json');
    const deadPostgres = {
      kind: 'embedded', where: '/x/.sandbox/pg/pg-5432', pid: 4242, exitCode: null, signal: 'SIGKILL',
      reason: 'exited (killed by SIGKILL)', logFile: '/x/reports/logs/postgres.log', logTail: 'LOG:  database system is ready to accept connections',
    };
    writeFileSync(file, JSON.stringify({ pid: 1, state: 'failed', dead: [], deadPostgres }));
    const message = "the sandbox's Postgres (embedded, data dir /x/.sandbox/pg/pg-5432, pid 4242) died: exited (killed by SIGKILL); every service that uses it is stopped; last lines of its log /x/reports/logs/postgres.log:\nLOG:  database system is ready to accept connections";
    for (const service of ['registry', 'risk', undefined]) expect(() => assertSandboxAlive(service, file)).toThrow(message);
    writeFileSync(file, JSON.stringify({ pid: 1, state: 'failed', dead: [], deadPostgres: { ...deadPostgres, kind: 'external', where: 'postgres://u:***@db:5432/postgres', pid: null, signal: null, reason: '3 checks in a row failed', logFile: null, logTail: '' } }));
    expect(() => assertSandboxAlive('risk', file)).toThrow('Postgres at postgres://u:***@db:5432/postgres (the existing server the sandbox uses) died: 3 checks in a row failed; every service that uses it is stopped; its log is the server\'s own');

    // the stopped sandbox removed its endpoints file: a test file that loads now is told why, not ENOENT
    const env = { HARNESS_ENDPOINTS: join(dir, 'endpoints.json'), HARNESS_SANDBOX_STATUS: file };
    const config = { file: join(dir, 'h.json'), services: [{ name: 'risk', baseUrl: 'http://127.0.0.1:9' }] } as unknown as Parameters<typeof resolveEndpoints>[0];
    expect(() => resolveEndpoints(config, env)).toThrow('Postgres at postgres://u:***@db:5432/postgres (the existing server the sandbox uses) died');
    expect(() => sandboxDatabaseUrl('seeded', env)).toThrow('Postgres at postgres://u:***@db:5432/postgres (the existing server the sandbox uses) died');
  });
});

describe('a Jest run through the global setup whose sandbox loses Postgres', () => {
  it('fails its test with the Postgres message, not on a timeout, and its teardown removes the run\'s state', async () => {
    const outDir = join(__dirname, 'fixtures', 'postgres-dies');
    writeFileSync(join(dir, 'h.json'), JSON.stringify({ outDir, reportsDir: 'rep', sandbox: {}, services: [{ name: 'fake', spec: 'fake.yaml', start: { command: ['node', 'fake.js'] } }] }));
    const env: NodeJS.ProcessEnv = { ...process.env, HARNESS_CONFIG: join(dir, 'h.json'), HARNESS_SANDBOX_COMMAND: JSON.stringify([...ownScriptCommand('harness/jest/fixtures/fake-sandbox'), '--state-dir', '{stateDir}', '--postgres-dies-after', '1000']) };
    for (const k of ['HARNESS_ENDPOINTS', 'HARNESS_SANDBOX_STATUS', 'HARNESS_CALLS_DIR', 'JEST_WORKER_ID']) delete env[k];
    const jest = buildJestCommand({ outDir, rootDir: dir });
    const child = spawn(jest.argv[0] as string, jest.argv.slice(1), { cwd: jest.cwd, env });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect({ code, failed: /Tests: +1 failed, 1 total/.test(output) }).toEqual({ code: 1, failed: true });
    expect(output).toMatch(/the sandbox's Postgres \(embedded, data dir .*\/pg\/pg-5432, pid 4242\) died: exited \(killed by SIGKILL\); every service that uses it is stopped; last lines of its log .*postgres\.log:\n\s*LOG: {2}database system is ready/);
    expect(output).not.toMatch(/Exceeded timeout/);
    // the global teardown ran (it failed to load here once: "Cannot find module './global-setup'") and removed the run's state
    expect(output).not.toMatch(/Got error running globalTeardown/);
    expect(readdirSync(join(dir, '.sandbox'))).toEqual([]);
  }, 60_000);
});
