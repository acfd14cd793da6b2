import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCoverage, matchDocumentedStatus, summarizeCoverage } from './build-coverage';
import { buildLatencyProfile, computePercentile, computeStats, renderLatencyMd } from './build-latency';
import { parseManifest, readRecordedCalls } from './read-inputs';
import { escapeHtml, renderCoverageHtml } from './render-coverage-html';
import { renderCoverageMd } from './render-coverage-md';
import type { CoverageReport, Manifest, RecordedCall } from './report-types';
import { writeReports } from './write-reports';

const FIXTURES = join(__dirname, 'fixtures');
const manifestFile = join(FIXTURES, 'generated', 'registry', 'manifest.json');
const manifest = parseManifest(readFileSync(manifestFile, 'utf8'), manifestFile);
const { calls, malformedLines } = readRecordedCalls(FIXTURES);

/** What varies between runs of the same reports: durations and temporary folders. */
function normalizeReport(text: string, tmp?: string): string {
  let out = text.replace(/\b\d+(\.\d+)? ms\b/g, '<n> ms');
  if (tmp) out = out.split(tmp).join('<tmp>');
  return out;
}

describe('matchDocumentedStatus', () => {
  it.each([
    ['exact code', 404, ['200', '404', '4XX'], '404'],
    ['range when no exact code', 422, ['200', '4XX'], '4XX'],
    ['default last', 503, ['200', 'default'], 'default'],
    ['undocumented', 500, ['200', '404'], undefined],
  ])('%s', (_name, status, documented, want) => {
    expect(matchDocumentedStatus(status, documented)).toBe(want);
  });
});

describe('coverage join (contract 6)', () => {
  const { report, unmatchedCalls } = buildCoverage([manifest], calls);
  const op = (id: string) => report.operations.find((o) => o.operationId === id);

  it('reads every well-formed call and counts the half-written line', () => {
    expect(calls).toHaveLength(9);
    expect(malformedLines).toBe(1);
  });

  it('lists every manifest operation x documented status, in manifest order', () => {
    expect(report.version).toBe(1);
    expect(report.operations.map((o) => `${o.method} ${o.path}`)).toEqual([
      'GET /companies',
      'POST /companies',
      'GET /companies/{companyId}',
      'DELETE /companies/{companyId}',
    ]);
    expect(op('listCompanies')?.statuses).toEqual([
      { status: '200', documented: true, tested: true, calls: 3, tests: ['generated/registry/companies.test.ts', 'tests/registry/round-trip.test.ts'] },
      { status: '422', documented: true, tested: false, calls: 0, tests: [] },
    ]);
  });

  it('flags observed undocumented statuses and ignores calls without a response', () => {
    expect(op('createCompany')?.statuses.at(-1)).toEqual({
      status: '500',
      documented: false,
      tested: true,
      calls: 1,
      tests: ['generated/registry/companies.test.ts'],
    });
    // 422 falls under the documented 4XX range; the status-0 call counts nowhere
    expect(op('getCompany')?.statuses.map((s) => [s.status, s.calls])).toEqual([
      ['200', 1],
      ['404', 0],
      ['4XX', 1],
    ]);
  });

  it('carries the reasons of skipped cases', () => {
    expect(op('deleteCompany')?.statuses[0]).toMatchObject({ status: '204', tested: false, skipped: ['no POST creates a deletable record'] });
  });

  it('keeps calls that match no operation aside', () => {
    expect(unmatchedCalls.map((c) => c.operationId)).toEqual(['unknownOp']);
  });

  it('sums operations and statuses', () => {
    expect(summarizeCoverage(report.operations)).toEqual({
      operations: 4,
      operationsCovered: 3,
      documentedStatuses: 10,
      documentedStatusesTested: 4,
      undocumentedObserved: 1,
    });
  });
});

describe('coverage.md and coverage.html', () => {
  const { report } = buildCoverage([manifest], calls);

  it('coverage.md puts what is untested first (golden)', () => {
    const md = renderCoverageMd(report);
    expect(md.indexOf('**Untested**')).toBeLessThan(md.indexOf('Tested operations'));
    expect(md).toMatchSnapshot();
  });

  it('coverage.md stays within its budget by dropping details, then cutting lists', () => {
    const big: CoverageReport = {
      version: 1,
      operations: Array.from({ length: 2_000 }, (_, i) => ({
        service: 'big',
        operationId: `op${i}`,
        method: 'GET',
        path: `/things/${i}/{id}`,
        statuses: [{ status: '404', documented: true, tested: false, calls: 0, tests: [] }],
      })),
    };
    const md = renderCoverageMd(big);
    expect(md.length).toBeLessThanOrEqual(60_000);
    expect(md).toMatch(/more operations: see coverage\.html/);
  });

  it('coverage.html is one self-contained page (golden)', () => {
    const html = renderCoverageHtml(report);
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html).toContain("default-src 'none'");
    expect(html).toMatchSnapshot();
  });

  it('escapes everything that comes from a spec', () => {
    const hostile: Manifest = {
      service: 'evil',
      operations: [{ operationId: '</script><img onerror=x>', method: 'get', path: '/a/"\'<b>|`x`', statuses: ['200'], cases: [] }],
    };
    const { report: r } = buildCoverage([hostile], []);
    const html = renderCoverageHtml(r);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain(escapeHtml('</script><img onerror=x>'));
    const md = renderCoverageMd(r);
    // raw `<` is inert inside a code span; outside one it must be an entity
    expect(md.replace(/`[^`]*`/g, '')).not.toMatch(/<img|<b>/);
    // a raw | would break the table row into extra cells
    expect(md.split('\n').find((l) => l.includes('onerror'))?.replace(/\\\|/g, '').split('|')).toHaveLength(6);
  });
});

describe('latency profile', () => {
  it.each([
    ['empty', [], 50, 0],
    ['one sample', [7], 99, 7],
    ['median of 4 is the 2nd', [1, 2, 3, 4], 50, 2],
    ['p95 of 20 is the 19th', Array.from({ length: 20 }, (_, i) => i + 1), 95, 19],
    ['p99 of 100 is the 99th', Array.from({ length: 100 }, (_, i) => i + 1), 99, 99],
  ])('nearest-rank percentile: %s', (_name, values, p, want) => {
    expect(computePercentile(values, p)).toBe(want);
  });

  it('profiles answered calls per operation and flags slow ones', () => {
    const call = (operationId: string, durationMs: number): RecordedCall => ({
      v: 1, service: 's', operationId, method: 'GET', path: `/${operationId}`, status: 200, durationMs, testFile: 't', testName: 'n', phase: 'seeded',
    });
    const fast = Array.from({ length: 20 }, (_, i) => call('fast', i + 1));
    const slow = Array.from({ length: 20 }, () => call('slow', 700));
    const profile = buildLatencyProfile([...fast, ...slow, { ...call('fast', 99_999), status: 0 }]);
    expect(profile.operations.map((o) => [o.operationId, o.count, o.p50, o.p95, o.slow])).toEqual([
      ['fast', 20, 10, 19, false],
      ['slow', 20, 700, 700, true],
    ]);
    expect(profile.overall).toEqual(computeStats([...fast, ...slow].map((c) => c.durationMs)));
    expect(renderLatencyMd(profile)).toMatch(/1 slow operations \(p95 over 500 ms\)[\s\S]*`slow`.*\*\*slow\*\*/);
  });
});

describe('writeReports', () => {
  it('writes every report from the calls folder and the manifests', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'harness-reports-'));
    try {
      const summary = writeReports({
        config: { outDir: join(FIXTURES, 'generated'), reportsDir: tmp, services: [{ name: 'registry', spec: '', headers: {}, bindings: {} }, { name: 'absent', spec: '', headers: {}, bindings: {} }] },
        callsDir: FIXTURES,
      });
      expect(summary.missingManifests).toEqual(['absent']);
      expect(summary.coverage.operationsCovered).toBe(3);
      const json = JSON.parse(readFileSync(join(tmp, 'coverage.json'), 'utf8')) as CoverageReport;
      expect(json.operations).toHaveLength(4);
      expect(normalizeReport(readFileSync(join(tmp, 'latency.md'), 'utf8'), tmp)).toMatchSnapshot();
      expect(readFileSync(join(tmp, 'coverage.md'), 'utf8')).toBe(summary.coverageMd);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
