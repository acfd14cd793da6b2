import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * `.github/workflows/contract.yml`, checked offline with GitHub's own workflow parser
 * (@actions/workflow-parser: the schema and expression grammar of the Actions runner; ESM-only,
 * hence import() under Jest's VM modules): no errors, then the facts the example promises
 * (issue 14): a shard matrix that does not fail fast, one artifact per shard, a merge job after
 * failed shards but not after a cancel, the artifacts downloaded into one folder, the merge and
 * a regression check against the base branch, and npm scripts that exist.
 */

const REPO = resolve(__dirname, '..', '..');
const FILE = join(REPO, '.github', 'workflows', 'contract.yml');
const text = readFileSync(FILE, 'utf8');

async function parseErrors(content: string): Promise<string[]> {
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import('@actions/workflow-parser');
  const result = parseWorkflow({ name: 'contract.yml', content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || !result.value) return errors;
  // the conversion checks what the schema alone does not: needs, job and step ids, matrix shape
  const template = await convertWorkflowTemplate(result.context, result.value);
  return (template.errors ?? []).map((e) => e.Message);
}

test("GitHub's workflow parser accepts it", async () => {
  expect(await parseErrors(text)).toEqual([]);
}, 30_000);

test.each([
  ['a misspelled key', (t: string) => t.replace('runs-on: ubuntu-latest', 'run-on: ubuntu-latest'), /run-on/],
  ['a broken expression', (t: string) => t.replace('${{ !cancelled() }}', '${{ !cancelled( }}'), /Unexpected|expected/i],
  ['a job that needs no such job', (t: string) => t.replace('needs: shard', 'needs: shards'), /shards/],
])('and refuses it with %s', async (_name, mutate, message) => {
  const errors = await parseErrors(mutate(text));
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.join('\n')).toMatch(message);
}, 30_000);

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  id?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string;
  if?: string;
  strategy?: { 'fail-fast'?: boolean; matrix?: { shard?: number[] } };
  steps: Step[];
}

const workflow = parse(text) as { jobs: { shard: Job; merge: Job } };
const { shard, merge } = workflow.jobs;
const runs = (job: Job): string => job.steps.map((s) => s.run ?? '').join('\n');
const uses = (job: Job, action: string): Step[] => job.steps.filter((s) => s.uses?.startsWith(`${action}@`));

test('shards: a matrix that runs every shard to the end, each gate on its shard, one artifact each, failed shards included', () => {
  expect(shard.strategy?.['fail-fast']).toBe(false);
  expect(shard.strategy?.matrix?.shard).toEqual([1, 2, 3]);
  expect(runs(shard)).toContain('npm run -s gate -- --shard "${{ matrix.shard }}/${{ strategy.job-total }}"');
  const [upload, ...more] = uses(shard, 'actions/upload-artifact');
  expect(more).toEqual([]);
  expect(upload).toMatchObject({ if: '${{ !cancelled() }}', with: { name: 'contract-fragment-${{ matrix.shard }}', path: 'reports/fragments/', 'if-no-files-found': 'error' } });
});

test('merge: after the shards unless cancelled, every fragment into one folder, the merged reports, a regression check against the base branch', () => {
  expect(merge).toMatchObject({ needs: 'shard', if: '${{ !cancelled() }}' });
  expect(uses(merge, 'actions/download-artifact')).toEqual([expect.objectContaining({ with: { pattern: 'contract-fragment-*', path: 'fragments', 'merge-multiple': true } })]);
  expect(runs(merge)).toContain('npm run -s merge -- fragments/shard-* --out reports');
  expect(runs(merge)).toContain('npm run -s coverage:diff -- base/coverage.json reports/coverage.json --fail-on-regression');
  expect(runs(merge)).toContain('>> "$GITHUB_STEP_SUMMARY"');
  expect(merge.steps.find((s) => s.id === 'base')?.run).toContain('gh run download "$run_id" --repo "$GITHUB_REPOSITORY" --name contract-reports');
  expect(uses(merge, 'actions/upload-artifact').map((s) => s.with?.name)).toEqual(['contract-reports']);
});

test('every npm script the workflow runs exists', () => {
  const scripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const used = [...text.matchAll(/npm run -s ([\w:-]+)/g)].map((m) => m[1] as string);
  expect(used.length).toBeGreaterThan(0);
  for (const name of used) expect(Object.keys(scripts)).toContain(name);
});
