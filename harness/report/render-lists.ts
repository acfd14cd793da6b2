import { summarizeLists } from './build-lists';
import type { ListOverride, ServiceLists } from './report-types';

/**
 * The list-checks section of coverage.md and coverage.html: checks generated, run (by kind),
 * skipped and why, and each list parameter the config reads otherwise, with its reason. The
 * renderers' own escaping functions are passed in, as for the chains section.
 */

const KINDS = ['filter', 'page-size', 'paging', 'parent'];

function describeOverride(o: ListOverride): string {
  return o.of !== undefined ? `a filter of ${o.of}` : `not a filter${o.meaning ? ` (${o.meaning})` : ''}`;
}

export function renderListsMd(services: readonly ServiceLists[] | undefined, text: (s: string) => string, code: (s: string) => string): string[] {
  if (!services?.length) return [];
  const t = summarizeLists(services);
  const kinds = KINDS.map((k) => `${t.byKind[k] ?? 0} ${k}`).join(', ');
  const out = ['### List checks', '', `**${t.generated}** generated · **${t.run}** run (${kinds}) · **${t.skipped}** skipped${t.notRun ? ` · ${t.notRun} not in this run` : ''}`, ''];
  const skipped = services.flatMap((s) => s.checks.filter((c) => c.state === 'skipped').map((c) => `| ${text(s.service)} | ${code(c.operationId)} | ${text(c.kind)} | ${code(c.param)} | ${text(c.reason ?? '')} |`));
  if (skipped.length > 0) out.push('**Skipped list checks**', '', '| service | list | check | parameter | why |', '|---|---|---|---|---|', ...skipped, '');
  const overrides = services.flatMap((s) => s.overrides.map((o) => `| ${text(s.service)} | ${code(o.operationId)} | ${code(o.param)} | ${text(describeOverride(o))} | ${text(o.reason)} | ${text(o.by)} |`));
  if (overrides.length > 0) out.push('**List parameters the config reads otherwise**', '', '| service | list | parameter | read as | why | from |', '|---|---|---|---|---|---|', ...overrides, '');
  return out;
}

export function renderListsHtml(services: readonly ServiceLists[] | undefined, escapeHtml: (s: string) => string): string {
  if (!services?.length) return '';
  const t = summarizeLists(services);
  const rows = services.flatMap((s) =>
    s.checks.map((c) => `<tr><td>${escapeHtml(s.service)}</td><td><code>${escapeHtml(c.operationId)}</code></td><td>${escapeHtml(c.kind)}</td><td><code>${escapeHtml(c.param)}</code></td><td>${escapeHtml(c.state)}</td><td>${escapeHtml(c.reason ?? '')}</td></tr>`),
  );
  const overrides = services.flatMap((s) =>
    s.overrides.map((o) => `<tr><td>${escapeHtml(s.service)}</td><td><code>${escapeHtml(o.operationId)}</code></td><td><code>${escapeHtml(o.param)}</code></td><td>${escapeHtml(describeOverride(o))}</td><td>${escapeHtml(o.reason)} (${escapeHtml(o.by)})</td></tr>`),
  );
  return [
    '<section>',
    `<h2>List checks: ${t.generated} generated, ${t.run} run, ${t.skipped} skipped</h2>`,
    '<table><thead><tr><th>service</th><th>list</th><th>check</th><th>parameter</th><th>state</th><th>why</th></tr></thead>',
    `<tbody>\n${rows.join('\n')}\n</tbody></table>`,
    ...(overrides.length
      ? ['<h3>List parameters the config reads otherwise</h3>', '<table><thead><tr><th>service</th><th>list</th><th>parameter</th><th>read as</th><th>why</th></tr></thead>', `<tbody>\n${overrides.join('\n')}\n</tbody></table>`]
      : []),
    '</section>',
  ].join('\n');
}
