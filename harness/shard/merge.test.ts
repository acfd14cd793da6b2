import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliCommand } from '../package-paths';
import type { CoverageReport } from '../report/report-types';
import { writeFragment, type FragmentMeta, type ShardId } from './fragment';
import { digestFolder } from './inputs-digest';
import { mergeFragments } from './merge-fragments';

/**
 * merge over fragments made here: two operations, three shards, each shard testing one status.
 * What a user sees: the merged coverage is the union, junit and counts are summed, and a set of
 * fragments that is not one run is refused with exit 2, naming the problem, writing nothing.
 */

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'harness-merge-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const manifest = {
  service: 'ext',
  operations: [
    { operationId: 'listThings', method: 'GET', path: '/things', statuses: ['200', '422'], cases: [] },
    { operationId: 'getThing', method: 'GET', path: '/things/{id}', statuses: ['200', '404'], cases: [] },
  ],
};

interface ShardSpec {
  shard: ShardId;
  /** [operationId, status] pairs this shard's test called, with the fault active during the call, if any. */
  calls: [string, number, string?][];
  failed?: number;
  manifestText?: string;
  spec?: string;
}

function junit(file: string, tests: number, failures: number): string {
  const cases = Array.from({ length: tests }, (_, i) => `    <testcase classname="${file}" name="case ${i}" time="0.01" file="${file}">${i < failures ? '\n      <failure>boom</failure>' : ''}\n    </testcase>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="jest tests" tests="${tests}" failures="${failures}" errors="0" time="0.5">`,
    `  <testsuite name="${file}" errors="0" failures="${failures}" skipped="0" timestamp="2026-12-04T00:00:00" time="0.5" tests="${tests}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** One shard's fragment, as gate --shard writes it, under `<dir>/<name>`. */
function makeFragment(s: ShardSpec, name = `shard-${s.shard.index}-of-${s.shard.count}`): string {
  const work = join(dir, `work-${name}`);
  const gen = join(work, 'gen', 'ext');
  mkdirSync(gen, { recursive: true });
  mkdirSync(join(work, 'calls'), { recursive: true });
  writeFileSync(join(gen, 'manifest.json'), s.manifestText ?? JSON.stringify(manifest));
  const file = `gen/ext/shard${s.shard.index}.test.ts`;
  const lines = s.calls.map(([operationId, status, fault]) =>
    JSON.stringify({ v: 1, service: 'ext', operationId, method: 'GET', path: operationId === 'listThings' ? '/things' : '/things/{id}', status, durationMs: 3, testFile: file, testName: `t ${operationId}`, phase: 'seeded', ...(fault ? { fault, instance: 'private' } : {}) }),
  );
  writeFileSync(join(work, 'calls', `calls-${100 + s.shard.index}.jsonl`), `${lines.join('\n')}\n`);
  const tests = s.calls.length;
  const failed = s.failed ?? 0;
  writeFileSync(join(work, 'junit.xml'), junit(file, tests, failed));
  const meta: FragmentMeta = {
    version: 1,
    shard: s.shard,
    inputs: [{ service: 'ext', spec: s.spec ?? 'spec-digest', generated: digestFolder(gen) }],
    tests: { passed: tests - failed, failed, skipped: 0, total: tests, failedFiles: 0, success: failed === 0 },
    passed: failed === 0,
    problems: [],
    wallMs: 1000,
    stages: [{ name: 'tests', ms: 500 }],
  };
  const out = join(dir, name);
  writeFragment({ dir: out, meta, callsDir: join(work, 'calls'), outDir: join(work, 'gen'), junitFile: join(work, 'junit.xml') });
  return out;
}

const three = (): string[] => [
  makeFragment({ shard: { index: 1, count: 3 }, calls: [['listThings', 200]] }),
  makeFragment({ shard: { index: 2, count: 3 }, calls: [['getThing', 200]] }),
  makeFragment({ shard: { index: 3, count: 3 }, calls: [['getThing', 404], ['getThing', 404]] }),
];

function runMerge(args: string[]) {
  const [cmd, ...rest] = cliCommand(['merge', ...args]) as [string, ...string[]];
  const env = { ...process.env };
  delete env.GITHUB_STEP_SUMMARY;
  return spawnSync(cmd, rest, { encoding: 'utf8', timeout: 60_000, env });
}

test('the merged reports are those of one run: coverage is the union of the shards, junit and counts are summed', () => {
  const out = join(dir, 'reports');
  const result = mergeFragments({ fragmentDirs: three().reverse(), reportsDir: out });
  expect(result.passed).toBe(true);
  expect(result.tests).toEqual({ passed: 4, failed: 0, skipped: 0, total: 4, failedFiles: 0, success: true });
  const coverage = JSON.parse(readFileSync(join(out, 'coverage.json'), 'utf8')) as CoverageReport;
  const tested = coverage.operations.flatMap((o) => o.statuses.filter((s) => s.tested).map((s) => `${o.operationId} ${s.status} x${s.calls}`));
  expect(tested).toEqual(['listThings 200 x1', 'getThing 200 x1', 'getThing 404 x2']);
  const xml = readFileSync(join(out, 'junit.xml'), 'utf8');
  expect(xml).toMatch(/^<\?xml[^\n]*\n<testsuites name="jest tests" tests="4" failures="0" errors="0" time="1.5">\n/);
  expect([...xml.matchAll(/<testsuite name="([^"]+)"/g)].map((m) => m[1])).toEqual(['gen/ext/shard1.test.ts', 'gen/ext/shard2.test.ts', 'gen/ext/shard3.test.ts']);
  expect(xml.match(/<testcase /g)).toHaveLength(4);
  for (const f of ['coverage.md', 'coverage.html', 'latency.json', 'latency.md', 'test-summary.json', 'shards.json']) expect(existsSync(join(out, f))).toBe(true);
});

test('a status seen under a fault in one shard says so in the merged coverage, as in one run', () => {
  const out = join(dir, 'reports');
  const fragments = [
    makeFragment({ shard: { index: 1, count: 2 }, calls: [['getThing', 200], ['getThing', 404, 'db stopped']] }),
    makeFragment({ shard: { index: 2, count: 2 }, calls: [['getThing', 200, 'db refused']] }),
  ];
  mergeFragments({ fragmentDirs: fragments, reportsDir: out });
  const coverage = JSON.parse(readFileSync(join(out, 'coverage.json'), 'utf8')) as CoverageReport;
  const getThing = coverage.operations.find((o) => o.operationId === 'getThing');
  expect(getThing?.statuses.map((s) => [s.status, s.faults, s.onlyUnderFault])).toEqual([
    ['200', ['db refused'], undefined],
    ['404', ['db stopped'], true],
  ]);
  expect(readFileSync(join(out, 'coverage.md'), 'utf8')).toContain('| `getThing` | GET `/things/{id}` | 404 | only under a fault | db stopped |');
});

test.each([
  ['a missing shard', () => [makeFragment({ shard: { index: 1, count: 3 }, calls: [] }), makeFragment({ shard: { index: 3, count: 3 }, calls: [] })], /shard 2\/3 is missing \(given: 1\/3 from .*shard-1-of-3, 3\/3 from .*shard-3-of-3\)/],
  ['a shard given twice', () => [makeFragment({ shard: { index: 1, count: 2 }, calls: [] }), makeFragment({ shard: { index: 1, count: 2 }, calls: [] }, 'again'), makeFragment({ shard: { index: 2, count: 2 }, calls: [] })], /shard 1\/2 is given twice: .*shard-1-of-2 and .*again/],
  ['shards of different counts', () => [makeFragment({ shard: { index: 1, count: 2 }, calls: [] }), makeFragment({ shard: { index: 2, count: 3 }, calls: [] })], /fragments disagree on the number of shards: .*shard-1-of-2 is shard 1\/2, .*shard-2-of-3 is shard 2\/3/],
  ['a different spec', () => [makeFragment({ shard: { index: 1, count: 2 }, calls: [] }), makeFragment({ shard: { index: 2, count: 2 }, calls: [], spec: 'other' })], /different specs: service "ext"'s spec differs between .*shard-1-of-2 and .*shard-2-of-2/],
  [
    'different generated files',
    () => [makeFragment({ shard: { index: 1, count: 2 }, calls: [] }), makeFragment({ shard: { index: 2, count: 2 }, calls: [], manifestText: JSON.stringify({ ...manifest, operations: manifest.operations.slice(1) }) })],
    /different generated files: service "ext"'s generated folder differs between .*shard-1-of-2 and .*shard-2-of-2/,
  ],
  ['a folder that is no fragment', () => [makeFragment({ shard: { index: 1, count: 1 }, calls: [] }), join(dir, 'nothing')], /nothing\/fragment\.json: not found/],
])('refuses %s with exit 2, naming it, and writes nothing', (_name, make, message) => {
  const out = join(dir, 'reports');
  const res = runMerge([...make(), '--out', out]);
  expect({ status: res.status, stdout: res.stdout }).toEqual({ status: 2, stdout: '' });
  expect(res.stderr).toMatch(message);
  expect(existsSync(out)).toBe(false);
}, 60_000);

test('a malformed fragment.json is refused naming the file and the JSON pointer', () => {
  const [one] = three();
  const file = join(one as string, 'fragment.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), shard: { index: 4, count: 3 } }));
  expect(() => mergeFragments({ fragmentDirs: [one as string], reportsDir: join(dir, 'reports') })).toThrow(`${file}#/shard: "4/3" is not a shard`);
});

test('the threshold and the verdict apply to the merged run: no shard alone reaches 75%, the three together do; a failed shard fails the merge', () => {
  const out = join(dir, 'reports');
  const fragments = three();
  // each shard alone tests 1 of the 4 documented statuses (25%)
  const ok = runMerge([...fragments, '--out', out, '--min-statuses', '75']);
  expect({ status: ok.status, stdout: ok.stdout }).toEqual({ status: 0, stdout: 'merge passed: 3 shards · tests 4 passed, 0 failed, 0 skipped · operations covered 2/2 · statuses covered 3/4\n' });
  const under = runMerge([...fragments, '--out', out, '--min-statuses', '80']);
  expect(under.status).toBe(1);
  expect(under.stderr).toContain('documented statuses tested 3/4 (75.0%) is under --min-statuses 80%');
  rmSync(fragments[1] as string, { recursive: true });
  const failing = makeFragment({ shard: { index: 2, count: 3 }, calls: [['getThing', 200]], failed: 1 });
  const res = runMerge([fragments[0] as string, failing, fragments[2] as string, '--out', out]);
  expect(res.status).toBe(1);
  expect(res.stdout).toMatch(/^merge FAILED: 3 shards · tests 3 passed, 1 failed/);
  expect(res.stderr).toContain('shard 2/3 failed (1 tests failed)');
  expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/<testsuites name="jest tests" tests="4" failures="1"/);
}, 60_000);

test('a bad --min-statuses exits 2 naming the option', () => {
  const res = runMerge([join(dir, 'x'), '--min-statuses', '120']);
  expect(res.status).toBe(2);
  expect(res.stderr).toContain("option '--min-statuses <percent>' argument '120' is invalid. a percentage from 0 to 100");
}, 60_000);
