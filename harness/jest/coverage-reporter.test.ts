import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AggregatedResult, Config, TestContext } from '@jest/reporters';
import CoverageReporter from './coverage-reporter';

const savedEnv = { ...process.env };
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'harness-reporter-'));
  mkdirSync(join(dir, 'gen', 'svc'), { recursive: true });
  writeFileSync(join(dir, 'gen', 'svc', 'manifest.json'), JSON.stringify({ service: 'svc', operations: [{ operationId: 'ping', method: 'GET', path: '/ping', statuses: ['200'], cases: [] }] }));
  mkdirSync(join(dir, 'calls'));
  writeFileSync(join(dir, 'calls', 'calls-1.jsonl'), `${JSON.stringify({ v: 1, service: 'svc', operationId: 'ping', method: 'GET', path: '/ping', status: 200, durationMs: 1, testFile: 'gen/svc/a.test.ts', testName: 't', phase: 'seeded' })}\n`);
  writeFileSync(join(dir, 'h.json'), JSON.stringify({ outDir: 'gen', reportsDir: 'rep', sandbox: false, services: [{ name: 'svc', spec: 's.yaml', baseUrl: 'http://127.0.0.1:1' }] }));
  process.env.HARNESS_CONFIG = join(dir, 'h.json');
  process.env.HARNESS_CALLS_DIR = join(dir, 'calls');
  delete process.env.HARNESS_REPORTS_BY;
});
afterEach(() => {
  process.env = { ...savedEnv };
  rmSync(dir, { recursive: true, force: true });
});

const results = { numPassedTests: 3, numFailedTests: 1, numPendingTests: 1, numTodoTests: 1, numTotalTests: 6, numRuntimeErrorTestSuites: 0, testResults: [], startTime: 0, snapshot: {} } as unknown as AggregatedResult;
const context = (name: string) => ({ config: { displayName: { name, color: 'white' }, rootDir: dir } }) as unknown as TestContext;
const globalConfig = { rootDir: tmpdir() } as unknown as Config.GlobalConfig;

describe('CoverageReporter', () => {
  it('writes junit, the test summary and the reports when the suites project ran', async () => {
    const reporter = new CoverageReporter(globalConfig);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await reporter.onRunComplete(new Set([context('unit'), context('suites')]), results);
    stderr.mockRestore();
    const rep = join(dir, 'rep');
    expect(JSON.parse(readFileSync(join(rep, 'test-summary.json'), 'utf8'))).toEqual({ passed: 3, failed: 1, skipped: 2, total: 6, failedFiles: 0, success: false });
    for (const f of ['junit.xml', 'coverage.json', 'coverage.md', 'coverage.html', 'latency.json', 'latency.md']) expect(existsSync(join(rep, f))).toBe(true);
    expect(readFileSync(join(rep, 'coverage.json'), 'utf8')).toContain('"tests": [\n            "gen/svc/a.test.ts"');
  });

  it('leaves the reports to the gate when it says so, and writes nothing for a unit-only run', async () => {
    process.env.HARNESS_REPORTS_BY = 'gate';
    await new CoverageReporter(globalConfig).onRunComplete(new Set([context('suites')]), results);
    expect(existsSync(join(dir, 'rep', 'test-summary.json'))).toBe(true);
    expect(existsSync(join(dir, 'rep', 'coverage.json'))).toBe(false);
    rmSync(join(dir, 'rep'), { recursive: true });
    await new CoverageReporter(globalConfig).onRunComplete(new Set([context('unit')]), results);
    expect(existsSync(join(dir, 'rep'))).toBe(false);
  });
});
