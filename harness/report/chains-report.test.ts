import { buildCoverage } from './build-coverage';
import { parseManifest } from './read-inputs';
import { renderCoverageHtml } from './render-coverage-html';
import { renderCoverageMd } from './render-coverage-md';
import type { Manifest, RecordedCall } from './report-types';

const chain = (name: string, extra: object = {}) => ({ name, kind: 'create-read', oracle: 'create-read-mismatch', resource: '/things', operations: ['createThing', 'getThing'], ...extra });
const manifest: Manifest = parseManifest(
  JSON.stringify({
    service: 'shop',
    operations: [
      { operationId: 'createThing', method: 'POST', path: '/things', statuses: ['201'], cases: [] },
      { operationId: 'getThing', method: 'GET', path: '/things/{id}', statuses: ['200', '404'], cases: [] },
    ],
    resources: [{ collection: '/things' }],
    chains: [
      chain('ran', { ignored: [{ pointer: '/updatedAt', by: 'config x: the server sets it' }] }),
      chain('planned skip', { skipped: 'no GET by id' }),
      chain('skipped at run time'),
      chain('<b>filtered</b>'),
    ],
  }),
  'manifest.json',
);
const call = (testName: string, operationId: string, method: string, path: string, status: number): RecordedCall => ({ v: 1, service: 'shop', operationId, method, path, status, durationMs: 1, testFile: 'generated/shop/things.test.ts', testName, phase: 'seeded' });
const calls = [call('ran', 'createThing', 'POST', '/things', 201), call('ran', 'getThing', 'GET', '/things/{id}', 404), call('skipped at run time', 'createThing', 'POST', '/things', 409)];
const skips = [{ v: 1 as const, service: 'shop', testFile: 'generated/shop/things.test.ts', testName: 'skipped at run time', reason: 'create (POST /things) answered 409, not 2xx' }];

test('each chain is run, skipped with its reason (planned or at run time, never counted run) or not run', () => {
  const { report } = buildCoverage([manifest], calls, skips);
  expect(report.chains?.[0]?.chains.map((c) => [c.name, c.state, c.reason])).toEqual([
    ['ran', 'run', undefined],
    ['planned skip', 'skipped', 'no GET by id'],
    ['skipped at run time', 'skipped', 'run time: create (POST /things) answered 409, not 2xx'],
    ['<b>filtered</b>', 'not-run', undefined],
  ]);
});

test("a status a chain reaches is covered (a 404 after delete covers the read's 404)", () => {
  const { report } = buildCoverage([manifest], calls, skips);
  expect(report.operations.find((o) => o.operationId === 'getThing')?.statuses.find((s) => s.status === '404')?.tested).toBe(true);
});

test('coverage.md and coverage.html gain a chains section: resources, generated, run, skipped and why, ignored fields; spec text escaped', () => {
  const { report } = buildCoverage([manifest], calls, skips);
  const md = renderCoverageMd(report);
  expect(md).toContain('**1** resources · **4** chains generated · **1** run · **2** skipped · 1 not in this run');
  expect(md).toContain('| shop | `/things` | create-read | run time: create (POST /things) answered 409, not 2xx |');
  expect(md).toContain('| shop | `/things` | create-read | `/updatedAt` | config x: the server sets it |');
  const html = renderCoverageHtml(report);
  expect(html).toContain('<h2>Chains: 1 resources, 4 generated, 1 run, 2 skipped</h2>');
  expect(html).not.toContain('<b>filtered</b>');
});

test('a report without chains has no chains section', () => {
  const { report } = buildCoverage([{ ...manifest, chains: undefined, resources: undefined }], calls, skips);
  expect(report.chains).toBeUndefined();
  expect(renderCoverageMd(report)).not.toContain('Chains');
});
