import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildCoverage } from './build-coverage';
import { runCoverageDiff } from './coverage-diff-cli';
import { diffCoverage, parseCoverage } from './diff-coverage';
import { parseManifest, readRecordedCalls } from './read-inputs';
import type { CoverageReport, Manifest } from './report-types';

const FIXTURES = join(__dirname, 'fixtures');
const manifestFile = join(FIXTURES, 'generated', 'registry', 'manifest.json');
const manifest = parseManifest(readFileSync(manifestFile, 'utf8'), manifestFile);
const { calls } = readRecordedCalls(FIXTURES);
const base = buildCoverage([manifest], calls).report;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'harness-diff-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function save(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCoverageDiff(argv, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

describe('coverage:diff', () => {
  it('deleting the only tests of a status fails --fail-on-regression, naming it', () => {
    // round-trip.test.ts is the only test of createCompany 201
    const head = buildCoverage([manifest], calls.filter((c) => c.testFile !== 'tests/registry/round-trip.test.ts')).report;
    const files = [save('base.json', base), save('head.json', head)];
    const result = run(...files, '--fail-on-regression');
    expect(result.code).toBe(1);
    expect(result.err).toContain('coverage regression: registry createCompany POST /companies status 201 is no longer tested');
    expect(result.out).toMatch(/### Newly untested \(1\)[\s\S]*`createCompany` \| POST \| `\/companies` \| 201 \| `tests\/registry\/round-trip\.test\.ts`/);
    // without the flag, the same diff is only a report
    expect(run(...files).code).toBe(0);
  });

  it('lists operations added and removed, and statuses newly covered', () => {
    const extra: Manifest = {
      service: 'registry',
      operations: [
        ...manifest.operations.filter((op) => op.operationId !== 'deleteCompany'),
        { operationId: 'listAliases', method: 'GET', path: '/companies/{companyId}/aliases', statuses: ['200', '404'], cases: [] },
      ],
    };
    const more = [...calls, { ...calls[0]!, operationId: 'listCompanies', status: 422, testFile: 'generated/registry/companies.test.ts' }];
    const head = buildCoverage([extra], more).report;
    const diff = diffCoverage(base, head);
    expect(diff.added.map((o) => o.operationId)).toEqual(['listAliases']);
    expect(diff.removed.map((o) => o.operationId)).toEqual(['deleteCompany']);
    expect(diff.newlyCovered.map((c) => `${c.operationId} ${c.status}`)).toEqual(['listCompanies 422']);
    expect(diff.newlyUntested).toEqual([]);
    expect(diff.newUntested.map((c) => `${c.operationId} ${c.status}`)).toEqual(['listAliases 200', 'listAliases 404']);
    const { code, out } = run(save('b.json', base), save('h.json', head), '--fail-on-regression');
    expect(code).toBe(0);
    expect(out).toMatchSnapshot();
  });

  it('says so when nothing changed', () => {
    const file = save('same.json', base);
    expect(run(file, file).out).toContain('No change in operations or coverage.');
  });

  it.each([
    ['not JSON', '{', /same\.json: not valid JSON/],
    ['wrong version', { version: 2, operations: [] }, /\/version: expected 1, got 2/],
    ['status without tests', { version: 1, operations: [{ service: 's', operationId: 'o', method: 'GET', path: '/', statuses: [{ status: '200', documented: true, tested: true, calls: 1 }] }] }, /\/operations\/0\/statuses\/0\/tests: expected an array of strings/],
  ])('exits 2 with a clear message on a malformed file: %s', (_name, content, message) => {
    const bad = save('same.json', content);
    const result = run(save('ok.json', base), bad);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^coverage:diff: malformed coverage file: /);
    expect(result.err).toMatch(message);
  });

  it('exits 2 on a missing file, through the npm script', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', resolve(__dirname, 'coverage-diff-cli.ts'), join(dir, 'nope.json'), save('h.json', base)], { encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/nope\.json: cannot be read \(ENOENT\)/);
  });

  it('parses what buildCoverage writes', () => {
    const report: CoverageReport = parseCoverage(JSON.stringify(base), 'x');
    expect(report.operations).toHaveLength(4);
  });
});
