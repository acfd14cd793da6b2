import { groupByService, summarizeCoverage } from './build-coverage';
import { renderChainsMd } from './render-chains';
import { renderListsMd } from './render-lists';
import type { CoverageOperation, CoverageReport } from './report-types';

/**
 * coverage.md: per service, what is untested first. Meant for a pull-request comment and for
 * `$GITHUB_STEP_SUMMARY`, both capped near 64 KiB, hence the budget: the tested details go
 * first, then the untested lists are cut, with a pointer to coverage.html.
 */

export const MD_BUDGET_CHARS = 60_000;

/** Text from a spec in a GFM table cell: no HTML, no emphasis, no cell breaks. */
export function escapeMdText(s: string): string {
  return s
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]#~!|])/g, '\\$1');
}

/** A code span where possible (raw `<` is harmless there); `|` is escaped for the table (GFM §4.10). */
export function formatMdCode(s: string): string {
  if (s.includes('`') || /[\r\n]/.test(s)) return escapeMdText(s);
  return `\`${s.replace(/\|/g, '\\|')}\``;
}

const pct = (n: number, d: number): string => (d === 0 ? '-' : `${Math.round((100 * n) / d)}%`);

function formatTests(tests: readonly string[]): string {
  const shown = tests.slice(0, 3).map(formatMdCode).join(', ');
  return tests.length > 3 ? `${shown} +${tests.length - 3}` : shown;
}

function renderUntestedRows(ops: readonly CoverageOperation[]): string[] {
  const rows = ops
    .map((op) => ({ op, untested: op.statuses.filter((s) => s.documented && !s.tested) }))
    .filter((r) => r.untested.length > 0)
    // operations with nothing tested at all come first
    .sort((a, b) => Number(a.op.statuses.some((s) => s.tested)) - Number(b.op.statuses.some((s) => s.tested)));
  return rows.map(({ op, untested }) => {
    const skipped = untested.flatMap((s) => (s.skipped ?? []).map((r) => `${s.status}: ${escapeMdText(r)}`)).join('; ');
    const none = op.statuses.some((s) => s.tested) ? '' : ' (none tested)';
    return `| ${formatMdCode(op.operationId)} | ${op.method} ${formatMdCode(op.path)} | ${untested.map((s) => s.status).join(', ')}${none} | ${skipped} |`;
  });
}

function renderUndocumentedRows(ops: readonly CoverageOperation[]): string[] {
  return ops.flatMap((op) =>
    op.statuses
      .filter((s) => !s.documented && s.tested)
      .map((s) => `| ${formatMdCode(op.operationId)} | ${op.method} ${formatMdCode(op.path)} | ${s.status} | ${s.calls} | ${formatTests(s.tests)} |`),
  );
}

/** Where the config, not the spec, says what to expect: each case's status and the entry behind it. */
function renderExpectedByConfigRows(ops: readonly CoverageOperation[]): string[] {
  return ops.flatMap((op) =>
    op.statuses
      .filter((s) => s.expectedBy)
      .map((s) => `| ${formatMdCode(op.operationId)} | ${op.method} ${formatMdCode(op.path)} | ${s.status}${s.documented ? '' : ' (undocumented)'} | ${s.tested ? 'yes' : 'no'} | ${(s.expectedBy ?? []).map(escapeMdText).join('; ')} |`),
  );
}

/** Statuses seen while a fault suite had a fault active: which faults, and whether a healthy service sent them too. */
function renderFaultRows(ops: readonly CoverageOperation[]): string[] {
  return ops.flatMap((op) =>
    op.statuses
      .filter((s) => s.faults)
      .map((s) => `| ${formatMdCode(op.operationId)} | ${op.method} ${formatMdCode(op.path)} | ${s.status}${s.documented ? '' : ' (undocumented)'} | ${s.onlyUnderFault ? 'only under a fault' : 'also without one'} | ${(s.faults ?? []).map(escapeMdText).join('; ')} |`),
  );
}

function renderTestedRows(ops: readonly CoverageOperation[]): string[] {
  return ops
    .filter((op) => op.statuses.some((s) => s.documented && s.tested))
    .map((op) => {
      const tested = op.statuses.filter((s) => s.documented && s.tested);
      const tests = [...new Set(tested.flatMap((s) => s.tests))].sort();
      return `| ${formatMdCode(op.operationId)} | ${op.method} ${formatMdCode(op.path)} | ${tested.map((s) => `${s.status} (${s.calls})`).join(', ')} | ${formatTests(tests)} |`;
    });
}

interface RenderOptions {
  withTested: boolean;
  maxUntestedRows: number;
}

function renderService(name: string, ops: readonly CoverageOperation[], options: RenderOptions): string[] {
  const t = summarizeCoverage(ops);
  const out = [
    `### ${escapeMdText(name)}: ${t.operationsCovered}/${t.operations} operations, ${t.documentedStatusesTested}/${t.documentedStatuses} statuses (${pct(t.documentedStatusesTested, t.documentedStatuses)})`,
    '',
  ];
  const untested = renderUntestedRows(ops);
  if (untested.length > 0) {
    out.push('**Untested**', '', '| operation | route | untested statuses | skipped cases |', '|---|---|---|---|');
    out.push(...untested.slice(0, options.maxUntestedRows));
    if (untested.length > options.maxUntestedRows) out.push(`| … ${untested.length - options.maxUntestedRows} more operations: see coverage.html | | | |`);
    out.push('');
  } else {
    out.push('Every documented status is tested.', '');
  }
  const undocumented = renderUndocumentedRows(ops);
  if (undocumented.length > 0) {
    out.push('**Undocumented statuses observed**', '', '| operation | route | status | calls | tests |', '|---|---|---|---|---|', ...undocumented, '');
  }
  const byConfig = renderExpectedByConfigRows(ops);
  if (byConfig.length > 0) {
    out.push('**Expected by the config, not the spec**', '', '| operation | route | status | tested | from |', '|---|---|---|---|---|', ...byConfig, '');
  }
  const underFault = renderFaultRows(ops);
  if (underFault.length > 0) {
    out.push('**Seen under a fault** (a fault suite had it active)', '', '| operation | route | status | seen | faults |', '|---|---|---|---|---|', ...underFault, '');
  }
  const tested = renderTestedRows(ops);
  if (options.withTested && tested.length > 0) {
    out.push(`<details><summary>Tested operations (${tested.length})</summary>`, '', '| operation | route | tested statuses (calls) | tests |', '|---|---|---|---|', ...tested, '', '</details>', '');
  }
  return out;
}

function renderWith(report: CoverageReport, options: RenderOptions): string {
  const t = summarizeCoverage(report.operations);
  const lines = [
    '## API coverage',
    '',
    `**${t.operationsCovered}/${t.operations}** operations with a tested status · **${t.documentedStatusesTested}/${t.documentedStatuses}** documented statuses tested (${pct(t.documentedStatusesTested, t.documentedStatuses)}) · **${t.undocumentedObserved}** undocumented statuses observed`,
    '',
  ];
  const groups = groupByService(report.operations);
  if (groups.size > 1) {
    lines.push('| service | operations with a tested status | documented statuses tested | undocumented observed |', '|---|---|---|---|');
    for (const [name, ops] of groups) {
      const s = summarizeCoverage(ops);
      lines.push(`| ${escapeMdText(name)} | ${s.operationsCovered}/${s.operations} | ${s.documentedStatusesTested}/${s.documentedStatuses} (${pct(s.documentedStatusesTested, s.documentedStatuses)}) | ${s.undocumentedObserved} |`);
    }
    lines.push('');
  }
  for (const [name, ops] of groups) lines.push(...renderService(name, ops, options));
  lines.push(...renderChainsMd(report.chains, escapeMdText, formatMdCode));
  lines.push(...renderListsMd(report.lists, escapeMdText, formatMdCode));
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Render coverage.md within the budget: full first, then without the tested details, then cut untested lists. */
export function renderCoverageMd(report: CoverageReport, budget = MD_BUDGET_CHARS): string {
  const full = renderWith(report, { withTested: true, maxUntestedRows: Infinity });
  if (full.length <= budget) return full;
  let md = renderWith(report, { withTested: false, maxUntestedRows: Infinity });
  for (let rows = 200; md.length > budget && rows >= 5; rows = Math.floor(rows / 2)) {
    md = renderWith(report, { withTested: false, maxUntestedRows: rows });
  }
  return md;
}
