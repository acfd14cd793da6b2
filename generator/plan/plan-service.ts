import { planEntries, type TestEntryPlan } from './plan-entries';
import { toIdentifier } from '../emit/escape';
import { compareText } from '../ir/build-ir';
import type { OperationIr, ServiceIr } from '../ir/types';
import { setOwn } from '../load/bundle-refs';
import { isRecord } from '../spec-error';
import { expectationFor, unmatchedExpectations, type ConfigExpectations, type ExpectationOrigin } from './expectations';
import { planOperationCases, type PlannedCase, type PlanOptions } from './plan-cases';
import { planResourceChains, type PlannedChain } from './plan-chains';
import { planListChecks, type ListParameterOverrideEntry, type PlannedListCheck } from './plan-list-checks';
import { discoverKey, discoverSourcesOf, type DiscoverSpec } from '../../harness/runtime/discover';
import type { BaselineCase } from '../../harness/runtime/case-types';

export interface ManifestCase {
  kind: PlannedCase['kind'];
  status: string;
  name: string;
  skipped?: string;
  /** The expected status (or the skip) comes from this config entry, not the spec. */
  override?: ExpectationOrigin;
}

export interface ManifestOperation {
  operationId: string;
  method: string;
  path: string;
  statuses: string[];
  cases: ManifestCase[];
}

/** A resource the chains were planned for: its collection and the operations on it. */
export interface ManifestResource {
  collection: string;
  create: string;
  read?: string;
  updates: string[];
  delete?: string;
  list?: string;
  /** The read and id field come from a link of the create's response. */
  linked?: true;
}

export interface ManifestChain {
  name: string;
  kind: PlannedChain['kind'];
  oracle: PlannedChain['oracle'];
  resource: string;
  operations: string[];
  skipped?: string;
  /** Fields left out of the comparisons, and the config entries that say why. */
  ignored?: { pointer: string; by: string }[];
}

/** A generated list check (issue 16): which list, which parameter, and why it was not generated. */
export interface ManifestListCheck {
  name: string;
  kind: PlannedListCheck['kind'];
  check: PlannedListCheck['check'];
  operationId: string;
  param: string;
  skipped?: string;
}

/** `generated/<svc>/manifest.json`, the brief's contract 5: the denominator of coverage. */
export interface Manifest {
  service: string;
  operations: ManifestOperation[];
  /** Absent when the spec has no resource with a create. */
  resources?: ManifestResource[];
  chains?: ManifestChain[];
  /** Absent when the spec has no list with a filter, page size, paging or parent. */
  lists?: ManifestListCheck[];
  /** List parameters the config reads otherwise than the spec's names say, each with its reason. */
  listOverrides?: ListParameterOverrideEntry[];
}

export interface TestFilePlan {
  /** `companies.cases.ts`: a module of declared cases, imported by a test entry (plan-entries.ts) */
  fileName: string;
  group: string;
  tests: PlannedCase[];
  chains: PlannedChain[];
  lists: PlannedListCheck[];
}

export interface SchemaExport {
  identifier: string;
  schemaName: string;
}

export interface ServicePlan {
  service: string;
  title: string;
  clientIdentifier: string;
  /** Module specifier the generated client imports the runtime from: the package's, the same for every project. */
  runtimeImport: string;
  specLabel: string;
  testFiles: TestFilePlan[];
  /** The files Jest runs, each importing a run of the case modules. */
  testEntries: TestEntryPlan[];
  schemaExports: SchemaExport[];
  manifest: Manifest;
  /** What the run-time checks need: response schemas by operation, and the components they reference. */
  contract: Record<string, unknown>;
  warnings: string[];
}

export interface ServicePlanOptions extends PlanOptions {
  /** The spec path as shown in headers (relative to the config's folder). */
  specLabel: string;
  /** The service's `expect` entries in the config. */
  expectations?: ConfigExpectations;
}

/**
 * What generated clients import the runtime from: the package's export, never a relative path,
 * so that output does not depend on where the package is installed (in this repository tsconfig
 * `paths` and Jest's moduleNameMapper point it at harness/runtime/index.ts).
 */
export const RUNTIME_IMPORT = 'contract-harness/runtime';

/** Names the generated client module already uses; schema type exports must not shadow them. */
const MODULE_NAMES = ['paths', 'components', 'operations', 'webhooks', '$defs', 'defineService', 'join', 'default'];

/** Stage 3: every decision about one service's output, made before any template runs. */
export function planService(ir: ServiceIr, options: ServicePlanOptions): ServicePlan {
  const warnings = [...ir.warnings];
  for (const key of unmatchedExpectations(options.expectations, ir.operations)) {
    warnings.push(`config ${options.expectations?.origin}: "${key}" names no operation of the spec (use an operationId, "METHOD /path" or "*")`);
  }
  const operations = ir.operations.map((op) => ({ op, cases: planOperationCases(ir, op, options, expectationFor(options.expectations, op)) }));
  const groups = new Map<string, PlannedCase[]>();
  for (const { op, cases } of operations) {
    const group = groupOf(op);
    groups.set(group, [...(groups.get(group) ?? []), ...cases]);
  }
  const chains = ir.resources.map((resource) => ({ resource, chains: planResourceChains(ir, resource, options, options.expectations) }));
  const chainGroups = new Map<string, PlannedChain[]>();
  for (const { resource, chains: planned } of chains) {
    const group = groupOf(resource.create);
    chainGroups.set(group, [...(chainGroups.get(group) ?? []), ...planned]);
  }
  const lists = ir.operations.map((op) => planListChecks(ir, op, options, expectationFor(options.expectations, op)));
  const listGroups = new Map<string, PlannedListCheck[]>();
  for (const [i, planned] of lists.entries()) {
    const group = groupOf(ir.operations[i]!);
    listGroups.set(group, [...(listGroups.get(group) ?? []), ...planned.checks]);
    warnings.push(...planned.warnings);
    for (const c of planned.checks) if (c.skipped) warnings.push(`list check ${c.operationId} ${c.kind} ${c.param} skipped: ${c.skipped}`);
  }
  const testFiles = [...groups.keys()].sort(compareText).map((group) => ({ group, fileName: `${group}.cases.ts`, tests: groups.get(group)!, chains: chainGroups.get(group) ?? [], lists: listGroups.get(group) ?? [] }));
  const listChecks = lists.flatMap((l) => l.checks);
  const listOverrides = lists.flatMap((l) => l.overrides);
  for (const { chains: planned } of chains) for (const c of planned) if (c.skipped) warnings.push(`chain ${c.resource} ${c.kind} skipped: ${c.skipped}`);
  const taken = new Set<string>(MODULE_NAMES);
  const clientIdentifier = allocate(toIdentifier(ir.name, 'camel'), taken);
  const schemaExports = ir.schemaNames.map((schemaName) => {
    const identifier = allocate(toIdentifier(schemaName), taken);
    if (identifier !== schemaName) warnings.push(`schema ${JSON.stringify(schemaName)} is exported as type ${identifier}`);
    return { identifier, schemaName };
  });
  for (const { op, cases } of operations) {
    for (const c of cases) if (c.skipped) warnings.push(`${op.method.toUpperCase()} ${op.path}: ${c.kind} ${c.status} skipped: ${c.skipped}`);
  }
  return {
    service: ir.name,
    title: ir.title,
    clientIdentifier,
    runtimeImport: RUNTIME_IMPORT,
    specLabel: options.specLabel,
    testFiles,
    testEntries: planEntries(ir.name, testFiles),
    schemaExports,
    manifest: {
      service: ir.name,
      operations: operations.map(({ op, cases }) => ({
        operationId: op.operationId,
        method: op.method.toUpperCase(),
        path: op.path,
        statuses: op.responses.map((r) => r.status),
        cases: cases.map((c) => ({ kind: c.kind, status: c.status, name: c.name, ...(c.skipped ? { skipped: c.skipped } : {}), ...(c.override ? { override: c.override } : {}) })),
      })),
      ...(chains.length > 0 ? manifestChains(chains) : {}),
      ...(listChecks.length > 0 ? { lists: listChecks.map((c) => ({ name: c.name, kind: c.kind, check: c.check, operationId: c.operationId, param: c.param, ...(c.skipped ? { skipped: c.skipped } : {}) })) } : {}),
      ...(listOverrides.length > 0 ? { listOverrides } : {}),
    },
    contract: { ...buildContract(ir), discover: discoverSources([...operations.flatMap(({ cases }) => cases.flatMap((c) => (c.spec ? [c.spec] : []))), ...listChecks.flatMap((c) => (c.spec ? [{ ...c.spec.list, kind: 'ok' as const, phase: 'seeded' as const }] : []))]) },
    warnings,
  };
}

function manifestChains(planned: readonly { resource: ServiceIr['resources'][number]; chains: PlannedChain[] }[]): Pick<Manifest, 'resources' | 'chains'> {
  return {
    resources: planned.map(({ resource: r }) => ({
      collection: r.collection,
      create: r.create.operationId,
      ...(r.read ? { read: r.read.operationId } : {}),
      updates: r.updates.map((u) => u.operationId),
      ...(r.delete ? { delete: r.delete.operationId } : {}),
      ...(r.list ? { list: r.list.operationId } : {}),
      ...(r.linked ? { linked: true as const } : {}),
    })),
    chains: planned.flatMap(({ chains }) =>
      chains.map((c) => ({
        name: c.name,
        kind: c.kind,
        oracle: c.oracle,
        resource: c.resource,
        operations: c.operations,
        ...(c.skipped ? { skipped: c.skipped } : {}),
        ...(c.spec?.ignore ? { ignored: c.spec.ignore } : {}),
      })),
    ),
  };
}

/** Tests are grouped by first tag, else by first path segment: one file per resource, not per operation. */
function groupOf(op: OperationIr): string {
  const raw = op.tags[0] ?? op.path.split('/').find((s) => s && !s.startsWith('{')) ?? 'root';
  const kebab = raw
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return kebab || 'untagged';
}

/** A deterministic suffix for collisions (`user-id`, `user_id` -> `user_id`, `user_id_2`). */
export function allocate(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

function buildContract(ir: ServiceIr): Record<string, unknown> {
  const operations = ir.operations.map((op) => {
    const responses = {} as Record<string, unknown>;
    for (const r of op.responses) setOwn(responses, r.status, { ...(r.contentType ? { contentType: r.contentType } : {}), ...(r.schema !== undefined ? { schema: r.schema } : {}) });
    return { operationId: op.operationId, method: op.method, path: op.path, responses };
  });
  return {
    $comment: 'Generated by `npm run generate`. Do not edit: response schemas for the run-time checks, and the lists ids are discovered from.',
    service: ir.name,
    openapi: ir.versionString,
    components: isRecord(ir.document.components) ? ir.document.components : {},
    operations,
  };
}

/** Every list the cases discover a value from, once, sorted: the suites' global setup resolves them before any test loads. */
function discoverSources(cases: readonly BaselineCase[]): DiscoverSpec[] {
  const byKey = new Map<string, DiscoverSpec>();
  for (const c of cases) for (const { spec } of discoverSourcesOf(c)) byKey.set(discoverKey(spec), spec);
  return [...byKey.keys()].sort(compareText).map((k) => byKey.get(k)!);
}
