import type { ListCheckEntry, Manifest, RecordedCall, RecordedSkip, ServiceLists } from './report-types';

/**
 * What became of each generated list check (issue 16): run (calls were recorded under its test
 * name), skipped (the manifest's reason, or the list could not show it at run time: too few
 * records, no value to filter by), or not run; and every list parameter the config reads
 * otherwise than its name says, with its reason. A check skipped at run time passes in Jest,
 * which cannot skip a running test: here it counts as skipped, never as run.
 */
export function buildLists(manifests: readonly Manifest[], calls: readonly RecordedCall[], skips: readonly RecordedSkip[]): ServiceLists[] | undefined {
  const withLists = manifests.filter((m) => (m.lists?.length ?? 0) > 0 || (m.listOverrides?.length ?? 0) > 0);
  if (withLists.length === 0) return undefined;
  const called = new Set(calls.map((c) => `${c.service}\u0000${c.testName}`));
  const skippedAtRunTime = new Map(skips.map((s) => [`${s.service}\u0000${s.testName}`, s.reason]));
  return withLists.map((m) => ({
    service: m.service,
    checks: (m.lists ?? []).map((c): ListCheckEntry => {
      const key = `${m.service}\u0000${c.name}`;
      const base = { name: c.name, kind: c.kind, check: c.check, operationId: c.operationId, param: c.param };
      const atRunTime = skippedAtRunTime.get(key);
      if (c.skipped !== undefined) return { ...base, state: 'skipped', reason: c.skipped };
      if (atRunTime !== undefined) return { ...base, state: 'skipped', reason: `run time: ${atRunTime}` };
      return { ...base, state: called.has(key) ? 'run' : 'not-run' };
    }),
    overrides: m.listOverrides ?? [],
  }));
}

export interface ListTotals {
  generated: number;
  run: number;
  skipped: number;
  notRun: number;
  byKind: Record<string, number>;
}

export function summarizeLists(services: readonly ServiceLists[]): ListTotals {
  const all = services.flatMap((s) => s.checks);
  const byKind: Record<string, number> = {};
  for (const c of all) if (c.state === 'run') byKind[c.kind] = (byKind[c.kind] ?? 0) + 1;
  return {
    generated: all.length,
    run: all.filter((c) => c.state === 'run').length,
    skipped: all.filter((c) => c.state === 'skipped').length,
    notRun: all.filter((c) => c.state === 'not-run').length,
    byKind,
  };
}
