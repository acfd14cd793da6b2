import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCoverage } from './build-coverage';
import { readRecordedCalls } from './read-inputs';
import { renderCoverageHtml } from './render-coverage-html';
import { renderCoverageMd } from './render-coverage-md';
import type { Manifest, RecordedCall } from './report-types';

/**
 * A status a fault suite caused (issue 15): the recorded calls carry the fault active at the
 * time (`fault`), and coverage.json, .md and .html say which statuses were seen under one: a 503
 * seen only while risk was stopped counts as tested, and the report says a fault caused it.
 */

const manifest: Manifest = {
  service: 'trading',
  operations: [{ operationId: 'createOrder', method: 'post', path: '/runs/{runId}/orders', statuses: ['201', '503'], cases: [] }],
};
const call = (status: number, extra: Partial<RecordedCall> = {}): RecordedCall => ({
  v: 1,
  service: 'trading',
  operationId: 'createOrder',
  method: 'POST',
  path: '/runs/{runId}/orders',
  status,
  durationMs: 4,
  testFile: 'tests/faults-risk.test.ts',
  testName: 'an order while risk is down',
  phase: 'seeded',
  ...extra,
});

test('the recorded fault and private instance survive reading the calls folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'harness-fault-calls-'));
  try {
    const lines = [call(503, { fault: 'risk stopped', instance: 'private' }), call(201)].map((c) => JSON.stringify(c));
    writeFileSync(join(dir, 'calls-1.jsonl'), `${lines.join('\n')}\n`);
    expect(readRecordedCalls(dir).calls.map((c) => [c.status, c.fault, c.instance])).toEqual([
      [503, 'risk stopped', 'private'],
      [201, undefined, undefined],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a 503 seen only under a fault is tested and says which fault; a 201 seen with and without one lists it too, but not as its only cause', () => {
  const calls = [call(503, { fault: 'risk stopped', instance: 'private' }), call(503, { fault: 'risk killed', instance: 'private' }), call(201), call(201, { fault: 'database refused' })];
  const { report } = buildCoverage([manifest], calls);
  expect(report.operations[0]?.statuses).toEqual([
    { status: '201', documented: true, tested: true, calls: 2, tests: ['tests/faults-risk.test.ts'], faults: ['database refused'] },
    { status: '503', documented: true, tested: true, calls: 2, tests: ['tests/faults-risk.test.ts'], faults: ['risk killed', 'risk stopped'], onlyUnderFault: true },
  ]);
  const md = renderCoverageMd(report);
  expect(md).toContain('**Seen under a fault**');
  expect(md).toContain('| `createOrder` | POST `/runs/{runId}/orders` | 503 | only under a fault | risk killed; risk stopped |');
  expect(md).toContain('| `createOrder` | POST `/runs/{runId}/orders` | 201 | also without one | database refused |');
  const html = renderCoverageHtml(report);
  expect(html).toContain('<td class="st fault" title="2 calls\nonly under a fault: risk killed; risk stopped');
  expect(html).toContain("tested only under a fault suite's fault (hover: which)");
});

test('without faults nothing changes: no fault fields, no fault section, no legend entry', () => {
  const { report } = buildCoverage([manifest], [call(201)]);
  expect(report.operations[0]?.statuses.every((s) => s.faults === undefined && s.onlyUnderFault === undefined)).toBe(true);
  expect(renderCoverageMd(report)).not.toContain('under a fault');
  const html = renderCoverageHtml(report);
  expect(html).not.toContain('class="st fault"');
  expect(html).not.toContain('under a fault');
});
