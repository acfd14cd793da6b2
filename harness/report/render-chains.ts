import { summarizeChains } from './build-chains';
import type { ServiceChains } from './report-types';

/**
 * The chains section of coverage.md and coverage.html: resources found, chains generated, run,
 * skipped and why, and the fields the config told them to ignore. The renderers' own escaping
 * functions are passed in, so spec text (a resource path, a reason) is escaped once, as in the
 * rest of each report.
 */

export function renderChainsMd(services: readonly ServiceChains[] | undefined, text: (s: string) => string, code: (s: string) => string): string[] {
  if (!services?.length) return [];
  const t = summarizeChains(services);
  const out = [
    '### Chains',
    '',
    `**${t.resources}** resources · **${t.generated}** chains generated · **${t.run}** run · **${t.skipped}** skipped${t.notRun ? ` · ${t.notRun} not in this run` : ''}`,
    '',
    '| service | resources | chains | run | skipped | not run |',
    '|---|---|---|---|---|---|',
  ];
  for (const s of services) {
    const st = summarizeChains([s]);
    out.push(`| ${text(s.service)} | ${st.resources} | ${st.generated} | ${st.run} | ${st.skipped} | ${st.notRun} |`);
  }
  out.push('');
  const skipped = services.flatMap((s) => s.chains.filter((c) => c.state === 'skipped').map((c) => `| ${text(s.service)} | ${code(c.resource)} | ${text(c.kind)} | ${text(c.reason ?? '')} |`));
  if (skipped.length > 0) out.push('**Skipped chains**', '', '| service | resource | chain | why |', '|---|---|---|---|', ...skipped, '');
  const ignored = services.flatMap((s) => s.chains.flatMap((c) => (c.ignored ?? []).map((i) => `| ${text(s.service)} | ${code(c.resource)} | ${text(c.kind)} | ${code(i.pointer)} | ${text(i.by)} |`)));
  if (ignored.length > 0) out.push('**Fields the chains ignore (config)**', '', '| service | resource | chain | field | from |', '|---|---|---|---|---|', ...ignored, '');
  return out;
}

export function renderChainsHtml(services: readonly ServiceChains[] | undefined, escapeHtml: (s: string) => string): string {
  if (!services?.length) return '';
  const t = summarizeChains(services);
  const rows = services.flatMap((s) =>
    s.chains.map((c) => {
      const why = c.reason ?? (c.ignored ? `ignores ${c.ignored.map((i) => `${i.pointer} (${i.by})`).join('; ')}` : '');
      return `<tr><td>${escapeHtml(s.service)}</td><td><code>${escapeHtml(c.resource)}</code></td><td>${escapeHtml(c.kind)}</td><td><code>${escapeHtml(c.oracle)}</code></td><td>${escapeHtml(c.state)}</td><td>${escapeHtml(why)}</td></tr>`;
    }),
  );
  return [
    '<section>',
    `<h2>Chains: ${t.resources} resources, ${t.generated} generated, ${t.run} run, ${t.skipped} skipped</h2>`,
    '<table><thead><tr><th>service</th><th>resource</th><th>chain</th><th>oracle</th><th>state</th><th>why</th></tr></thead>',
    `<tbody>\n${rows.join('\n')}\n</tbody></table>`,
    '</section>',
  ].join('\n');
}
