import { isRecord } from '../spec-error';
import type { Manifest } from '../plan/plan-service';

export interface OperationChange {
  service: string;
  kind: 'added' | 'removed' | 'changed';
  operation: string;
  detail?: string;
}

interface Snapshot {
  manifest?: Manifest;
  /** contract.json text: response schemas, to see schema changes too. */
  contract?: unknown;
}

/** The operation's response schemas plus every component they reach: a change anywhere in them shows. */
function responsesOf(contract: unknown, key: string, statuses: readonly string[]): string {
  if (!isRecord(contract) || !Array.isArray(contract.operations)) return '';
  const op = (contract.operations as unknown[]).find((o) => isRecord(o) && `${String(o.method).toUpperCase()} ${String(o.path)}` === key);
  if (!isRecord(op)) return '';
  const reached = new Map<string, unknown>();
  const visit = (node: unknown, depth: number): void => {
    if (depth > 64 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((n) => visit(n, depth + 1));
    const rec = node as Record<string, unknown>;
    if (typeof rec.$ref === 'string' && !reached.has(rec.$ref)) {
      const segments = rec.$ref.replace(/^#\//, '').split('/');
      let target: unknown = contract;
      for (const s of segments) target = isRecord(target) ? target[s.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
      reached.set(rec.$ref, target);
      visit(target, depth + 1);
    }
    for (const v of Object.values(rec)) visit(v, depth + 1);
  };
  // Only the statuses both versions document: an added or removed status is reported as such.
  const responses = Object.fromEntries(statuses.map((st) => [st, (op.responses as Record<string, unknown>)[st]]));
  visit(responses, 0);
  return JSON.stringify(responses) + JSON.stringify([...reached.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** What an API change did, operation by operation: added, removed, statuses or schemas changed. */
export function describeChanges(service: string, before: Snapshot, after: Snapshot): OperationChange[] {
  if (!before.manifest) return [];
  const key = (o: { method: string; path: string }) => `${o.method.toUpperCase()} ${o.path}`;
  const old = new Map(before.manifest.operations.map((o) => [key(o), o]));
  const now = new Map((after.manifest?.operations ?? []).map((o) => [key(o), o]));
  const changes: OperationChange[] = [];
  for (const [k, op] of now) {
    const prev = old.get(k);
    if (!prev) {
      changes.push({ service, kind: 'added', operation: k, detail: `statuses ${op.statuses.join(', ')}` });
      continue;
    }
    const details: string[] = [];
    const added = op.statuses.filter((s) => !prev.statuses.includes(s));
    const removed = prev.statuses.filter((s) => !op.statuses.includes(s));
    if (added.length) details.push(`+statuses ${added.join(', ')}`);
    if (removed.length) details.push(`-statuses ${removed.join(', ')}`);
    const common = op.statuses.filter((st) => prev.statuses.includes(st));
    if (responsesOf(before.contract, k, common) !== responsesOf(after.contract, k, common)) details.push('response schemas changed');
    if (details.length) changes.push({ service, kind: 'changed', operation: k, detail: details.join('; ') });
  }
  for (const k of old.keys()) if (!now.has(k)) changes.push({ service, kind: 'removed', operation: k });
  return changes;
}
