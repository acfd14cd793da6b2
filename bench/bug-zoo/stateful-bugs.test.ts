import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ServiceDefinition } from '../../services/runtime';
import { service as registry } from '../../services/registry/index';
import { service as risk } from '../../services/risk/index';
import { service as trading } from '../../services/trading/index';
import { BUGS } from './bugs';
import { withBug } from './main';
import { STATEFUL_BUGS } from './stateful-bugs';

/**
 * Each stateful variant applies to the real service it names: withBug replaces exactly the
 * handlers the bug wraps (every other handler is the real one), and the operations it names are
 * in that service's document. What each variant does to a sequence is shown by the bench
 * (bench/zoo-chains.ts, results/bug-zoo-chains.md), not here: it needs the sandbox.
 */
const SERVICES: Record<string, ServiceDefinition> = { registry, risk, trading };

const operationIds = (svc: ServiceDefinition): Set<string> => {
  const doc = parse(readFileSync(svc.specFile, 'utf8')) as { paths: Record<string, Record<string, { operationId?: string }>> };
  return new Set(Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op?.operationId).filter((id): id is string => typeof id === 'string')));
};

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'stateful-bugs-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test('at least ten stateful variants, ids unique across the whole zoo', () => {
  expect(STATEFUL_BUGS.length).toBeGreaterThanOrEqual(10);
  const ids = [...BUGS, ...STATEFUL_BUGS].map((b) => b.id);
  expect(new Set(ids).size).toBe(ids.length);
});

test.each(STATEFUL_BUGS.map((b) => [b.id, b] as const))('%s wraps only its own handlers of the real service', (_id, bug) => {
  const real = SERVICES[bug.service];
  expect(real).toBeDefined();
  const variant = withBug(real!, bug, scratch);
  const changed = Object.keys(real!.handlers).filter((op) => variant.handlers[op] !== real!.handlers[op]).sort();
  expect(changed).toEqual(Object.keys(bug.handlers ?? {}).sort());
  expect(changed).toContain(bug.operationId);
  expect(variant.specFile).toBe(real!.specFile);
  const ops = operationIds(real!);
  expect([bug.operationId, ...(bug.reveals ?? [])].filter((op) => !ops.has(op))).toEqual([]);
  expect(bug.needs).toBe('chain');
});
