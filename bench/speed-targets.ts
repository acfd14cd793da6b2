/**
 * The speed targets of issue 13 in one table, each from the sections of the same `npm run bench`
 * run: ours, the anchor, the ratio, the target and the verdict. A target whose section did not run
 * says so instead of a number.
 */
import type { FloorResult } from './floor';
import type { GenerateTargets } from './generate-bench';
import type { ScaleSample } from './generation';
import { mdTable, median } from './lib';

export interface SpeedInputs {
  targets?: GenerateTargets;
  floor?: FloorResult;
  /** gate-bench.json's perRequest: µs per request of the three loops. */
  perRequest?: Record<string, number>;
  scale?: ScaleSample[];
}

const verdict = (value: number, target: number): string => (value <= target ? 'met' : 'missed');
const NOT_RUN = (section: string): (string | number)[] => ['–', '–', '–', '–', `section ${section} did not run`];

export function speedTargetsMarkdown(x: SpeedInputs): string {
  const rows: (string | number)[][] = [];
  const t = x.targets;
  if (t) {
    const ours = median(t.cold.map((r) => r.wallMs));
    const ots = median(t.openapiTypescript.map((r) => r.wallMs));
    const rss = median(t.cold.map((r) => r.peakRssMb));
    const otsRss = median(t.openapiTypescript.map((r) => r.peakRssMb));
    const warm = median(t.warm.map((r) => r.wallMs));
    rows.push(['generate, GitHub spec, from scratch: wall', `${(ours / 1000).toFixed(2)} s`, `openapi-typescript alone ${(ots / 1000).toFixed(2)} s`, (ours / ots).toFixed(2), '<= 1.2', verdict(ours / ots, 1.2)]);
    rows.push(['generate, GitHub spec, from scratch: peak RSS', `${rss.toFixed(0)} MB`, `openapi-typescript alone ${otsRss.toFixed(0)} MB`, (rss / otsRss).toFixed(2), '<= 1.2', verdict(rss / otsRss, 1.2)]);
    rows.push(['generate, GitHub spec, nothing changed', `${(warm / 1000).toFixed(2)} s`, `openapi-typescript alone ${(ots / 1000).toFixed(2)} s`, (warm / ots).toFixed(3), '<= 0.15', verdict(warm / ots, 0.15)]);
  } else rows.push(['generate on GitHub\'s spec (3 targets)', ...NOT_RUN('targets')]);
  const f = x.floor;
  const loopMsPerRequest = f ? median(f.loop.map((r) => r.wallMs)) / f.requests : undefined;
  if (f) {
    const ours = median(f.ours.map((r) => r.wallMs));
    const loop = median(f.loop.map((r) => r.wallMs));
    rows.push([`test stage, reference platform (${f.requests} requests)`, `${(ours / 1000).toFixed(2)} s`, `plain fetch loop replaying them ${(loop / 1000).toFixed(2)} s`, (ours / loop).toFixed(2), '<= 2.5', verdict(ours / loop, 2.5)]);
  } else rows.push(['test stage vs the replayed requests', ...NOT_RUN('floor')]);
  const p = x.perRequest;
  if (p?.plainFetchUs && p.clientRecorderCheckUs !== undefined) {
    const r = p.clientRecorderCheckUs / p.plainFetchUs;
    rows.push(['per request: client + recorder + contract check, against a local server that answers at once', `${p.clientRecorderCheckUs.toFixed(0)} µs`, `plain fetch ${p.plainFetchUs.toFixed(0)} µs`, r.toFixed(2), '<= 1.2', verdict(r, 1.2)]);
    if (loopMsPerRequest !== undefined) {
      const added = (p.clientRecorderCheckUs - p.plainFetchUs) / 1000;
      const rr = (loopMsPerRequest + added) / loopMsPerRequest;
      rows.push(['per request: the same overhead on the requests our suites send', `${(loopMsPerRequest + added).toFixed(2)} ms`, `plain fetch of them ${loopMsPerRequest.toFixed(2)} ms`, rr.toFixed(2), '<= 1.2', verdict(rr, 1.2)]);
    }
  } else rows.push(['per-request overhead', ...NOT_RUN('gate')]);
  const sc = x.scale;
  if (sc && sc.length > 0) {
    // Linear total = the same cost per added operation from one size to the next (the fixed
    // start-up, which makes the smallest sizes dear per operation, cancels out).
    const sizes = [...new Set(sc.map((s) => s.operations))].sort((a, b) => a - b);
    const at = (n: number, pick: (s: ScaleSample) => number | undefined) => median(sc.filter((s) => s.operations === n).map(pick).filter((v): v is number => v !== undefined));
    for (const [what, pick] of [['generate', (s: ScaleSample) => s.generateMs], ['test stage', (s: ScaleSample) => s.gateStages?.tests]] as const) {
      const steps = sizes.slice(1).map((n, i) => ({ from: sizes[i]!, to: n, ms: (at(n, pick) - at(sizes[i]!, pick)) / (n - sizes[i]!) })).filter((st) => st.from >= 100 && Number.isFinite(st.ms));
      if (steps.length < 2) continue;
      const spread = Math.max(...steps.map((st) => st.ms)) / Math.min(...steps.map((st) => st.ms));
      rows.push([`scale: ${what}, ms per added operation (${steps.map((st) => `${st.from}->${st.to}`).join(', ')})`, steps.map((st) => st.ms.toFixed(2)).join(' / '), 'linear: the same for each step', `${spread.toFixed(2)} max/min`, '<= 1.5', verdict(spread, 1.5)]);
    }
  } else rows.push(['scale', ...NOT_RUN('scale')]);
  return [
    '## Speed targets (issue 13), from this one run',
    '',
    mdTable(['target', 'ours', 'anchor', 'ratio', 'target', 'verdict'], rows),
    '',
  ].join('\n');
}
