import type { ChainEntry, Manifest, RecordedCall, RecordedSkip, ServiceChains } from './report-types';

/**
 * What became of each generated chain: run (calls were recorded under its test name), skipped
 * (the manifest's reason, or its setup made no record at run time), or not run (filtered out of
 * this Jest run). A chain skipped at run time passes in Jest, which cannot skip a running test:
 * here it counts as skipped, never as run.
 */
export function buildChains(manifests: readonly Manifest[], calls: readonly RecordedCall[], skips: readonly RecordedSkip[]): ServiceChains[] | undefined {
  const withChains = manifests.filter((m) => (m.chains?.length ?? 0) > 0);
  if (withChains.length === 0) return undefined;
  const called = new Set(calls.map((c) => `${c.service}\u0000${c.testName}`));
  const skippedAtRunTime = new Map(skips.map((s) => [`${s.service}\u0000${s.testName}`, s.reason]));
  return withChains.map((m) => ({
    service: m.service,
    resources: m.resources?.length ?? 0,
    chains: (m.chains ?? []).map((c): ChainEntry => {
      const key = `${m.service}\u0000${c.name}`;
      const atRunTime = skippedAtRunTime.get(key);
      const base = { name: c.name, kind: c.kind, oracle: c.oracle, resource: c.resource, ...(c.ignored ? { ignored: c.ignored } : {}) };
      if (c.skipped !== undefined) return { ...base, state: 'skipped', reason: c.skipped };
      if (atRunTime !== undefined) return { ...base, state: 'skipped', reason: `run time: ${atRunTime}` };
      return { ...base, state: called.has(key) ? 'run' : 'not-run' };
    }),
  }));
}

export interface ChainTotals {
  resources: number;
  generated: number;
  run: number;
  skipped: number;
  notRun: number;
}

export function summarizeChains(services: readonly ServiceChains[]): ChainTotals {
  const all = services.flatMap((s) => s.chains);
  return {
    resources: services.reduce((n, s) => n + s.resources, 0),
    generated: all.length,
    run: all.filter((c) => c.state === 'run').length,
    skipped: all.filter((c) => c.state === 'skipped').length,
    notRun: all.filter((c) => c.state === 'not-run').length,
  };
}
