import { compareStatuses, groupByService, summarizeCoverage } from './build-coverage';
import { renderChainsHtml } from './render-chains';
import { renderListsHtml } from './render-lists';
import type { CoverageOperation, CoverageReport, CoverageStatus } from './report-types';

/**
 * coverage.html: one self-contained page (inline style and script, a CSP that forbids any
 * fetch), a grid of operations x statuses per service, filterable by text, service and
 * "untested only". Everything that comes from a spec or a test path goes through escapeHtml;
 * no data is embedded in the script, so nothing from a spec can end it.
 */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1f2328}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
.filters{display:flex;gap:1rem;align-items:center;margin:1rem 0;flex-wrap:wrap}
table{border-collapse:collapse;margin-bottom:1rem}
th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0}
td.st{text-align:center;min-width:3.2rem;font-variant-numeric:tabular-nums}
td.ok{background:#dafbe1}td.fault{background:#ddf4ff}td.miss{background:#ffebe9;font-weight:600}td.undoc{background:#fff1c2}
code{font-size:12px}.legend span{padding:2px 6px;margin-right:.5rem;border:1px solid #d0d7de}
tr.hidden,section.hidden{display:none}
`;

const SCRIPT = `
(function(){
  var q=document.getElementById('q'),svc=document.getElementById('svc'),only=document.getElementById('untested');
  function apply(){
    var text=q.value.trim().toLowerCase(),s=svc.value,u=only.checked;
    document.querySelectorAll('section[data-service]').forEach(function(sec){
      var shown=0;
      sec.querySelectorAll('tbody tr').forEach(function(tr){
        var ok=(!text||tr.getAttribute('data-search').indexOf(text)>=0)&&(!u||tr.getAttribute('data-untested')==='1');
        tr.classList.toggle('hidden',!ok);if(ok)shown++;
      });
      sec.classList.toggle('hidden',(s!==''&&sec.getAttribute('data-service')!==s)||shown===0);
    });
  }
  q.addEventListener('input',apply);svc.addEventListener('change',apply);only.addEventListener('change',apply);
})();
`;

function renderCell(status: CoverageStatus | undefined): string {
  if (!status) return '<td class="st"></td>';
  const tests = status.tests.length > 0 ? `\n${status.tests.join('\n')}` : '';
  const skipped = status.skipped ? `\nskipped: ${status.skipped.join('; ')}` : '';
  const byConfig = status.expectedBy ? `\nexpected by ${status.expectedBy.join('; ')}` : '';
  const faults = status.faults ? `\n${status.onlyUnderFault ? 'only' : 'also'} under a fault: ${status.faults.join('; ')}` : '';
  if (!status.documented) {
    const what = status.tested ? `undocumented status, ${status.calls} calls` : 'undocumented status, untested';
    return `<td class="st undoc" title="${escapeHtml(`${what}${faults}${byConfig}${tests}`)}">${status.calls}!</td>`;
  }
  if (status.tested && status.onlyUnderFault) {
    return `<td class="st fault" title="${escapeHtml(`${status.calls} calls${faults}${byConfig}${tests}${skipped}`)}">${status.calls}ᶠ</td>`;
  }
  if (!status.tested) return `<td class="st miss" title="${escapeHtml(`documented, untested${skipped}${byConfig}`)}">${status.skipped ? 'skip' : '✗'}</td>`;
  return `<td class="st ok" title="${escapeHtml(`${status.calls} calls${faults}${byConfig}${tests}${skipped}`)}">${status.calls}</td>`;
}

function renderServiceSection(name: string, ops: readonly CoverageOperation[]): string {
  const columns = [...new Set(ops.flatMap((op) => op.statuses.map((s) => s.status)))].sort(compareStatuses);
  const t = summarizeCoverage(ops);
  const rows = ops.map((op) => {
    const byStatus = new Map(op.statuses.map((s) => [s.status, s]));
    const untested = op.statuses.some((s) => s.documented && !s.tested) ? '1' : '0';
    const search = `${op.operationId} ${op.method} ${op.path}`.toLowerCase();
    return `<tr data-untested="${untested}" data-search="${escapeHtml(search)}"><td><code>${escapeHtml(op.operationId)}</code></td><td>${escapeHtml(op.method)}</td><td><code>${escapeHtml(op.path)}</code></td>${columns.map((c) => renderCell(byStatus.get(c))).join('')}</tr>`;
  });
  return [
    `<section data-service="${escapeHtml(name)}">`,
    `<h2>${escapeHtml(name)}: ${t.operationsCovered}/${t.operations} operations, ${t.documentedStatusesTested}/${t.documentedStatuses} statuses</h2>`,
    `<table><thead><tr><th>operation</th><th>method</th><th>path</th>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>`,
    `<tbody>\n${rows.join('\n')}\n</tbody></table>`,
    '</section>',
  ].join('\n');
}

export function renderCoverageHtml(report: CoverageReport): string {
  const t = summarizeCoverage(report.operations);
  const groups = groupByService(report.operations);
  const chains = renderChainsHtml(report.chains, escapeHtml);
  const lists = renderListsHtml(report.lists, escapeHtml);
  const anyFault = report.operations.some((op) => op.statuses.some((st) => st.faults));
  const faultLegend = anyFault ? ' <span style="background:#ddf4ff">nᶠ</span>tested only under a fault suite\'s fault (hover: which)' : '';
  const options = [...groups.keys()].map((s) => `<option value="${escapeHtml(s)}">${escapeHtml(s)}</option>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>API coverage</title>
<style>${STYLE}</style>
</head>
<body>
<h1>API coverage</h1>
<p>${t.operationsCovered}/${t.operations} operations with a tested status · ${t.documentedStatusesTested}/${t.documentedStatuses} documented statuses tested · ${t.undocumentedObserved} undocumented statuses observed</p>
<p class="legend"><span class="ok" style="background:#dafbe1">n</span>tested (calls) <span style="background:#ffebe9">✗</span>documented, untested (skip: its case was skipped) <span style="background:#fff1c2">n!</span>observed, undocumented${faultLegend}; hover a cell for its tests</p>
<div class="filters">
<label>Filter <input id="q" type="search" placeholder="operationId or path"></label>
<label>Service <select id="svc"><option value="">all</option>${options}</select></label>
<label><input id="untested" type="checkbox"> untested only</label>
</div>
${[...groups].map(([name, ops]) => renderServiceSection(name, ops)).join('\n')}${chains ? `\n${chains}` : ''}${lists ? `\n${lists}` : ''}
<script>${SCRIPT}</script>
</body>
</html>
`;
}
