import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseSandboxTiming } from './gate-cli';
import { buildJestArgs, buildJestCommand, findJestConfig } from './jest/jest-command';
import { ownScriptCommand } from './package-paths';
import type { CoverageReport } from './report/report-types';
import { childEnv, runHarnessScript } from './test/run-script';

const REPO = resolve(__dirname, '..');

describe('gate helpers', () => {
  it.each([
    ['postgres 0.71s', { stage: 'postgres', ms: 710 }],
    ['[sandbox] migrate: 212 ms', { stage: 'migrate', ms: 212 }],
    ['seed ........ 0.30 s', { stage: 'seed', ms: 300 }],
    ['services healthy in 2.5s', { stage: 'services', ms: 2500 }],
    ['registry listening on 127.0.0.1:7001', undefined],
  ])('parses sandbox stage timing from %j', (line, want) => {
    expect(parseSandboxTiming(line)).toEqual(want);
  });

  it("runs the config's outDir and the tests/ folder beside the config, whichever exist", () => {
    const own = buildJestArgs({ outDir: join(REPO, 'generated'), rootDir: REPO });
    expect(own).toEqual(['--selectProjects', 'suites', '--roots', join(REPO, 'generated'), '--roots', join(REPO, 'tests'), '--testMatch', `${join(REPO, 'generated')}/**/*.test.ts`, '--testMatch', `${join(REPO, 'tests')}/**/*.test.ts`]);
    const other = buildJestArgs({ outDir: join(REPO, 'harness'), rootDir: join(REPO, 'examples', 'third-party') });
    expect(other).toEqual(['--selectProjects', 'suites', '--roots', join(REPO, 'harness'), '--testMatch', `${join(REPO, 'harness')}/**/*.test.ts`]);
  });

  it("uses the project's Jest config, found as Jest finds it, else the package's", () => {
    expect(findJestConfig(join(REPO, 'examples', 'third-party'))).toBe(join(REPO, 'jest.config.ts'));
    const dir = mkdtempSync(join(tmpdir(), 'harness-jest-config-'));
    try {
      expect(findJestConfig(dir)).toBeUndefined();
      const command = buildJestCommand({ outDir: join(dir, 'gen'), rootDir: dir });
      expect(command.cwd).toBe(dir);
      const config = JSON.parse(command.argv[command.argv.indexOf('--config') + 1] as string) as { rootDir: string; projects: { displayName: string; globalSetup: string }[] };
      expect(config).toMatchObject({ rootDir: dir, projects: [{ displayName: 'suites', globalSetup: join(REPO, 'harness', 'jest', 'global-setup.ts') }] });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', jest: { testMatch: [] } }));
      expect(findJestConfig(dir)).toBe(join(dir, 'package.json'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('gate with HARNESS_CONFIG and sandbox: false', () => {
  it('runs the suites of the config outDir against a service started by hand, writes every report, fails on a failed test', async () => {
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/things') res.end('[]');
      else {
        res.statusCode = 404;
        res.end('{"detail":"not found"}');
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dir = mkdtempSync(join(tmpdir(), 'harness-gate-'));
    try {
      mkdirSync(join(dir, 'gen', 'ext'), { recursive: true });
      copyFileSync(join(__dirname, 'jest', 'fixtures', 'external-suite.ts'), join(dir, 'gen', 'ext', 'ext.test.ts'));
      writeFileSync(join(dir, 'gen', 'ext', 'manifest.json'), JSON.stringify({
        service: 'ext',
        operations: [
          { operationId: 'listThings', method: 'GET', path: '/things', statuses: ['200', '422'], cases: [] },
          { operationId: 'getThing', method: 'GET', path: '/things/{id}', statuses: ['200', '404'], cases: [] },
        ],
      }));
      writeFileSync(join(dir, 'h.json'), JSON.stringify({ outDir: 'gen', reportsDir: 'rep', sandbox: false, services: [{ name: 'ext', spec: 'ext.yaml', baseUrl }] }));
      const env = childEnv({ HARNESS_CONFIG: join(dir, 'h.json'), EXT_BASE_URL: baseUrl });
      const { code, stdout, stderr } = await runHarnessScript('gate-cli.ts', ['--no-generate'], env);
      expect({ code, stdout }).toEqual({
        code: 1,
        stdout: expect.stringMatching(/^gate FAILED: tests 2 passed, 1 failed, 1 skipped · operations covered 2\/2 · statuses covered 2\/4 · wall \d+\.\d\d s\n$/),
      });
      expect(stderr).toMatch(/\[gate\] tests +\d+\.\d\d s/);
      const coverage = JSON.parse(readFileSync(join(dir, 'rep', 'coverage.json'), 'utf8')) as CoverageReport;
      expect(coverage.operations[1]?.statuses.find((s) => s.status === '404')).toMatchObject({ tested: true, calls: 2, tests: ['ext/ext.test.ts'] });
      expect(readFileSync(join(dir, 'rep', 'junit.xml'), 'utf8')).toMatch(/failures="1"/);
      for (const f of ['coverage.md', 'coverage.html', 'latency.json', 'latency.md']) expect(readFileSync(join(dir, 'rep', f), 'utf8').length).toBeGreaterThan(0);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/**
 * The gate against the fake sandbox (harness/jest/fixtures/fake-sandbox) with a 25 s suite, where
 * something dies after 1.5 s (`--die-after`: the service, `--postgres-dies-after`: Postgres).
 */
async function gateWhenSomethingDies(flag: '--die-after' | '--postgres-dies-after', check: (run: { code: number | null; stdout: string; stderr: string; junit: string }) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'harness-gate-'));
  try {
    mkdirSync(join(dir, 'gen', 'fake'), { recursive: true });
    copyFileSync(join(__dirname, 'jest', 'fixtures', 'slow-suite.ts'), join(dir, 'gen', 'fake', 'slow.test.ts'));
    writeFileSync(join(dir, 'h.json'), JSON.stringify({ outDir: 'gen', reportsDir: 'rep', sandbox: {}, services: [{ name: 'fake', spec: 'fake.yaml', start: { command: ['node', 'fake.js'] } }] }));
    const fake = [...ownScriptCommand('harness/jest/fixtures/fake-sandbox'), '--state-dir', '{stateDir}', flag, '1500'];
    const env = childEnv({ HARNESS_CONFIG: join(dir, 'h.json'), HARNESS_SANDBOX_COMMAND: JSON.stringify(fake) });
    const { code, stdout, stderr } = await runHarnessScript('gate-cli.ts', ['--no-generate'], env);
    // Jest never got to its reporters, yet CI gets a junit.xml that says what happened
    check({ code, stdout, stderr, junit: readFileSync(join(dir, 'rep', 'junit.xml'), 'utf8') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('gate with a sandbox that loses a service mid-run', () => {
  it('stops the tests within seconds and names the service', async () => {
    await gateWhenSomethingDies('--die-after', ({ code, stdout, stderr, junit }) => {
      expect(code).toBe(1);
      // "did not report": Jest was stopped before its reporters, not left to finish the 25 s suite
      // (no wall-clock bound: how long the stop takes depends on the machine's load, not on us)
      expect(stdout).toMatch(/^gate FAILED: tests did not report \(service "fake" \(seeded\) died during the tests\)/);
      expect(stderr).toContain('service "fake" (seeded instance) died (killed by SIGKILL); last log lines:\nfake listening');
      expect(junit).toMatch(/<failure message="service &quot;fake&quot; \(seeded\) died during the tests">[\s\S]*fake listening/);
    });
  }, 60_000);
});

describe('gate with a sandbox whose Postgres dies mid-run', () => {
  it('stops the tests, exits 1 and names Postgres, its data dir and its log tail', async () => {
    await gateWhenSomethingDies('--postgres-dies-after', ({ code, stdout, stderr, junit }) => {
      expect(code).toBe(1);
      expect(stdout).toMatch(/^gate FAILED: tests did not report \(Postgres \(.*gate-\d+\/pg\/pg-5432\) died during the tests\)/);
      expect(stderr).toMatch(/the sandbox's Postgres \(embedded, data dir .*\/pg\/pg-5432, pid 4242\) died: exited \(killed by SIGKILL\); every service that uses it is stopped; last lines of its log .*postgres\.log:\nLOG: {2}database system is ready to accept connections/);
      expect(junit).toMatch(/<failure message="Postgres \(.*pg-5432\) died during the tests">[\s\S]*database system is ready/);
    });
  }, 60_000);
});
