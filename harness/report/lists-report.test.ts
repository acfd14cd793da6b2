import { buildCoverage } from './build-coverage';
import { parseManifest } from './read-inputs';
import { renderCoverageHtml } from './render-coverage-html';
import { renderCoverageMd } from './render-coverage-md';
import type { Manifest, RecordedCall } from './report-types';

const check = (name: string, kind: string, param: string, extra: object = {}) => ({ name, kind, check: `list-${kind}`, operationId: 'listThings', param, ...extra });
const manifest: Manifest = parseManifest(
  JSON.stringify({
    service: 'shop',
    operations: [{ operationId: 'listThings', method: 'GET', path: '/things', statuses: ['200'], cases: [] }],
    lists: [
      check('filter ran', 'filter', 'status'),
      check('page size skipped at run time', 'page-size', 'limit'),
      check('paging planned skip', 'paging', 'offset', { skipped: 'no page-size parameter: two pages of one size cannot be asked for' }),
      check('<b>parent</b>', 'parent', 'ownerId'),
    ],
    listOverrides: [
      { operationId: 'listThings', param: 'q', meaning: 'search', by: 'harness.config.json services[0].expect["listThings"].filters["q"]', reason: 'q searches <names>' },
      { operationId: 'listThings', param: 'phase', of: 'state', by: 'harness.config.json services[0].expect["listThings"].filters["phase"]', reason: 'named unlike its property' },
    ],
  }),
  'manifest.json',
);
const call = (testName: string): RecordedCall => ({ v: 1, service: 'shop', operationId: 'listThings', method: 'GET', path: '/things', status: 200, durationMs: 1, testFile: 'generated/shop/shop.test.ts', testName, phase: 'seeded' });
const calls = [call('filter ran'), call('filter ran'), call('page size skipped at run time')];
const skips = [{ v: 1 as const, service: 'shop', testFile: 'generated/shop/shop.test.ts', testName: 'page size skipped at run time', reason: 'the list holds 1 record(s): a page size below the count needs at least 2' }];

test('each list check is run, skipped with its reason (planned or at run time, never counted run) or not run', () => {
  const { report } = buildCoverage([manifest], calls, skips);
  expect(report.lists?.[0]?.checks.map((c) => [c.name, c.state, c.reason])).toEqual([
    ['filter ran', 'run', undefined],
    ['page size skipped at run time', 'skipped', 'run time: the list holds 1 record(s): a page size below the count needs at least 2'],
    ['paging planned skip', 'skipped', 'no page-size parameter: two pages of one size cannot be asked for'],
    ['<b>parent</b>', 'not-run', undefined],
  ]);
});

test('coverage.md and coverage.html list the checks by kind, the skips and why, and every config override with its reason; spec text escaped', () => {
  const { report } = buildCoverage([manifest], calls, skips);
  const md = renderCoverageMd(report);
  expect(md).toContain('**4** generated · **1** run (1 filter, 0 page-size, 0 paging, 0 parent) · **2** skipped · 1 not in this run');
  expect(md).toContain('| shop | `listThings` | paging | `offset` | no page-size parameter: two pages of one size cannot be asked for |');
  expect(md).toContain('| shop | `listThings` | `q` | not a filter (search) | q searches &lt;names&gt; |');
  expect(md).toContain('| shop | `listThings` | `phase` | a filter of state | named unlike its property |');
  const html = renderCoverageHtml(report);
  expect(html).toContain('<h2>List checks: 4 generated, 1 run, 2 skipped</h2>');
  expect(html).toContain('<td><code>q</code></td><td>not a filter (search)</td><td>q searches &lt;names&gt;');
  expect(html).not.toContain('<b>parent</b>');
});

test('a report without list checks has no list section', () => {
  const { report } = buildCoverage([{ ...manifest, lists: undefined, listOverrides: undefined }], calls, skips);
  expect(report.lists).toBeUndefined();
  expect(renderCoverageMd(report)).not.toContain('List checks');
});
