import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendStepSummary, STEP_SUMMARY_LIMIT_BYTES, truncateStepSummary } from './step-summary';

const rows = (n: number, cell = 'x'.repeat(40)): string => Array.from({ length: n }, (_, i) => `| ${i} | ${cell} |`).join('\n') + '\n';

test.each([
  ['under the limit: unchanged', rows(3), 1_000, false],
  ['over the limit: whole lines, then the notice', rows(100), 1_000, true],
  ['multi-byte text over the limit', rows(100, 'é✓'.repeat(20)), 1_000, true],
])('%s', (_name, text, budget, cut) => {
  const out = truncateStepSummary(text, budget, 'the whole report is in reports/');
  expect(Buffer.byteLength(out)).toBeLessThanOrEqual(budget);
  if (!cut) return expect(out).toBe(text);
  const [kept, notice] = out.split('\n> **Truncated**');
  expect(text.startsWith(kept as string)).toBe(true);
  expect(kept).toMatch(/\|\n$/);
  expect(notice).toMatch(/^: this summary is \d+ KiB, over GitHub's 1.0 MiB step summary limit; the whole report is in reports\/\.\n$/);
});

test("appends within what is left of this step's 1 MiB, and not at all without GITHUB_STEP_SUMMARY", () => {
  const dir = mkdtempSync(join(tmpdir(), 'harness-summary-'));
  try {
    const file = join(dir, 'summary.md');
    writeFileSync(file, 'a'.repeat(STEP_SUMMARY_LIMIT_BYTES - 2_000));
    expect(appendStepSummary(rows(10), 'see coverage.md', file)).toBe(false);
    expect(appendStepSummary(rows(100), 'see coverage.md', file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT_BYTES);
    expect(text).toMatch(/see coverage\.md\.\n$/);
    expect(appendStepSummary(rows(10), 'see coverage.md', '')).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
