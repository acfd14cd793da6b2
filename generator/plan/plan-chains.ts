import type { OperationIr, ResourceIr, ServiceIr } from '../ir/types';
import type { ValueSource } from '../../harness/runtime/case-types';
import type { ChainKind, ChainSpec, ChainStep, ComparedField, IgnoredField, ListPaging, OracleName } from '../../harness/runtime/chain-types';
import { pickIdField } from '../ir/record-shape';
import { describeOrigin, expectationFor, type ConfigExpectations } from './expectations';
import { planCreateFirst } from './plan-cases';
import { planRequest, type PlanOptions } from './plan-request';
import { planUpdateBody } from './plan-update-body';
import { readValueFor, type Resolved } from './request-values';

export interface PlannedChain {
  kind: ChainKind;
  oracle: OracleName;
  resource: string;
  /** The Jest test name, exactly: the manifest and the recorded calls join on it. */
  name: string;
  /** operationIds the chain calls, in order, once each. */
  operations: string[];
  skipped?: string;
  spec?: ChainSpec;
}

const ORACLE: Record<ChainKind, OracleName> = {
  'create-read': 'create-read-mismatch',
  'create-list': 'list-missing-created',
  'update-read': 'update-not-persisted',
  'read-twice': 'read-not-idempotent',
  'delete-read': 'delete-not-effective',
  'nested-list': 'nested-list-leak',
};

/** At most this many pages of a list are read looking for one record. */
const MAX_PAGES = 10;

/**
 * Stage 3 (chains): per resource, the sequences that show what no single request can (a create
 * not persisted, an update that stores nothing, a delete that deletes nothing), each on records
 * the chain creates itself, or the reason it cannot be planned.
 */
export function planResourceChains(ir: ServiceIr, resource: ResourceIr, options: PlanOptions, config?: ConfigExpectations): PlannedChain[] {
  const chains: PlannedChain[] = [];
  const add = (kind: ChainKind, phrase: string, ops: (OperationIr | undefined)[], build: () => Resolved<Omit<ChainSpec, 'kind' | 'oracle' | 'resource' | 'idField' | 'compare'>>) => {
    const name = `${options.service} chain ${resource.collection}: ${phrase}`;
    const operations = [...new Set(ops.flatMap((o) => (o ? [o.operationId] : [])))];
    const base = { kind, oracle: ORACLE[kind], resource: resource.collection, operations };
    const result = setup.ok ? build() : setup;
    if (!result.ok) {
      chains.push({ ...base, name: `${name} [skipped: ${result.reason}]`, skipped: result.reason });
      return;
    }
    const ignore = ignoredFor(config, ops);
    const spec: ChainSpec = { kind, oracle: ORACLE[kind], resource: resource.collection, ...result.value, idField: resource.idField, compare: comparedFields(resource), ...(ignore.length ? { ignore } : {}) };
    chains.push({ ...base, name, spec });
  };
  const planned = planSetup(ir, resource, options);
  const setup: Resolved<ChainStep[]> = planned.ok ? { ok: true, value: planned.value.steps } : planned;
  const parentField = planned.ok ? planned.value.parentField : 'id';
  const parentSource: ValueSource = planned.ok && planned.value.parentSource ? planned.value.parentSource : { step: { name: 'parent', field: parentField } };
  const item = itemSources(resource, parentSource);
  const { read, list } = resource;
  const noRead = `no GET ${resource.collection}/{id} reads one record back`;
  const readStep = (name: string, expect?: string): Resolved<ChainStep> => (read ? stepFor(ir, read, name, options, item, expect) : { ok: false, reason: noRead });
  const listStep = (name: string, parent: 'parent' | 'other-parent') => planListStep(ir, resource, list!, name, parent === 'parent' ? parentSource : { step: { name: parent, field: parentField } }, options);

  if (resource.parentParams.length === 0) {
    add('create-read', 'a created record reads back as it was sent', [resource.create, read], () => sequence(setup, [readStep('read')]));
    add('read-twice', 'two reads of one record give the same body', [resource.create, read], () => sequence(setup, [readStep('read'), readStep('read-again')]));
    if (list) add('create-list', 'a created record is listed', [resource.create, list], () => sequence(setup, [listStep('list', 'parent')]));
  } else if (read) {
    add('create-read', 'a created child reads back as it was sent', [resource.create, read], () => sequence(setup, [readStep('read')]));
  }
  if (resource.parentParams.length > 0 && list) {
    add('nested-list', 'a child is listed under its parent and no other', [resource.create, list], () =>
      sequence(setup, [planOtherParent(ir, resource, options), listStep('list', 'parent'), listStep('list-other', 'other-parent')], ['other-parent']),
    );
  }
  for (const update of resource.updates) {
    const verb = update.method.toUpperCase();
    add('update-read', `${verb} is visible in the next read${update.method === 'patch' ? ' and leaves unsent fields alone' : ''}`, [resource.create, read, update], () => {
      const defaults = Object.fromEntries((resource.create.body?.record?.properties ?? []).filter((p) => 'default' in p.resolved).map((p) => [p.name, p.resolved.default]));
      const body = planUpdateBody(ir, update, setup.ok ? setup.value.at(-1)?.body?.value : undefined, defaults);
      if (!body.ok) return body;
      if (!read) return { ok: false, reason: noRead };
      // a change the read cannot show would make a chain that cannot fail
      const compared = comparedFields(resource).map((f) => f.name);
      if (!Object.keys(body.value.value).some((k) => compared.includes(k))) return { ok: false, reason: `no field ${verb} ${update.path} sends comes back in GET ${read.path}: nothing shows the change` };
      const step = stepFor(ir, update, 'update', options, item);
      if (!step.ok) return step;
      return sequence(setup, [readStep('read'), { ok: true, value: { ...step.value, body: { contentType: update.body!.contentType, ...body.value } } }, readStep('read-after')]);
    });
  }
  if (resource.delete) {
    const del = resource.delete;
    // a status the config sets for the read need not be documented: the step says where it came from
    const configured = read ? expectationFor(config, read)?.status['not-found'] : undefined;
    const notFound = configured?.status ?? (read?.documents.notFound ? '404' : undefined);
    const byConfig = (step: Resolved<ChainStep>): Resolved<ChainStep> => (step.ok && configured ? { ok: true, value: { ...step.value, expectedBy: describeOrigin(configured) } } : step);
    add('delete-read', 'a deleted record is gone', [resource.create, del, read, list], () => {
      // without a read, the list and a second delete still say whether the record is gone
      if (read && !notFound) return { ok: false, reason: `GET ${read.path} documents no 404 for a record that is gone (a config "not-found" entry can say what it answers)` };
      const steps = [stepFor(ir, del, 'delete', options, item)];
      if (read && notFound) steps.push(byConfig(readStep('read-after-delete', notFound)));
      if (list) steps.push(listStep('list', 'parent'));
      if (del.documents.notFound) steps.push(stepFor(ir, del, 'delete-again', options, item, '404'));
      if (steps.length === 1) return { ok: false, reason: `nothing shows whether DELETE ${del.path} deleted: no read by id, no list, no documented 404` };
      return sequence(setup, steps);
    });
  }
  return chains;
}

/**
 * The setup steps: a parent of its own per nesting level (one level), else (no create for the
 * parent: Unleash OSS has no POST /api/admin/projects) a known one, as the baseline's create of a
 * child does (a binding, an example, a discovered id); then the record itself, always the chain's own.
 */
function planSetup(ir: ServiceIr, resource: ResourceIr, options: PlanOptions): Resolved<{ steps: ChainStep[]; parentField: string; parentSource?: ValueSource }> {
  const steps: ChainStep[] = [];
  let parentField = 'id';
  const overrides: Record<string, ValueSource> = Object.create(null) as Record<string, ValueSource>;
  if (resource.parentParams.length > 1) return { ok: false, reason: `${resource.collection} is nested under ${resource.parentParams.length} parents; chains create one parent of their own` };
  const parentParam = resource.parentParams[0];
  if (parentParam) {
    const parent = planParent(ir, resource, parentParam, options, 'parent');
    if (parent.ok) {
      steps.push(parent.value.step);
      overrides[parentParam] = parent.value.source;
      parentField = parent.value.field;
    } else {
      const p = resource.create.parameters.path.find((x) => x.name === parentParam);
      const known = p ? readValueFor(ir, resource.create, p, options.bindings) : ({ ok: false, reason: `no path parameter "${parentParam}"` } as const);
      if (!known.ok) return { ok: false, reason: `${parent.reason}; nor a known one: ${known.reason}` };
      overrides[parentParam] = known.value;
    }
  } else {
    // the same rule as a baseline that creates its record: a 409 on fixed references cannot be avoided
    const first = planCreateFirst(ir, resource.collection, resource.itemParam ?? 'id', options);
    if (!first.ok) return { ok: false, reason: first.reason.replace('{method}', 'a chain') };
  }
  const create = resource.create;
  const created = create.responses.find((r) => /^2\d\d$/.test(r.status));
  if (!created) return { ok: false, reason: `POST ${create.path} documents no 2xx response` };
  const status = created.status;
  // a create that answers no field to find its record by (`{"toggles": [...]}`, `{"version": 1, "tag": {...}}`) made nothing a chain can read or list
  const names = created.record?.names ?? [];
  if (!resource.linked && names.length > 0 && !names.includes(resource.idField)) {
    return { ok: false, reason: `the ${status} response of POST ${create.path} has no field that names the created record (no ${resource.idField} among ${names.join(', ')}): nothing to find it by` };
  }
  const request = planRequest(ir, create, options, overrides);
  if (!request.ok) return { ok: false, reason: `cannot create a record: ${request.reason}` };
  steps.push({ name: 'create', ...request.value, expect: status, setup: true });
  const known = parentParam && !steps.some((s) => s.name === 'parent') ? overrides[parentParam] : undefined;
  return { ok: true, value: { steps, parentField, ...(known ? { parentSource: known } : {}) } };
}

function planParent(ir: ServiceIr, resource: ResourceIr, param: string, options: PlanOptions, name: string): Resolved<{ step: ChainStep; source: ValueSource; field: string }> {
  const segments = resource.collection.split('/').filter(Boolean);
  const parentCollection = '/' + segments.slice(0, segments.indexOf(`{${param}}`)).join('/');
  const first = planCreateFirst(ir, parentCollection, param, options);
  if (!first.ok) return { ok: false, reason: `cannot create a parent of its own: ${first.reason.replace('{method}', 'a chain')}` };
  const field = 'created' in first.value.source ? first.value.source.created.field : 'id';
  return { ok: true, value: { step: { name, ...first.value.create, setup: true }, source: { step: { name, field } }, field } };
}

/** A second parent, which must not list the child (nested-list). */
function planOtherParent(ir: ServiceIr, resource: ResourceIr, options: PlanOptions): Resolved<ChainStep> {
  const parent = planParent(ir, resource, resource.parentParams[0]!, options, 'other-parent');
  return parent.ok ? { ok: true, value: parent.value.step } : parent;
}

/** Path values of the item: the id from the create's response, the parent from the parent's (or the known parent). */
function itemSources(resource: ResourceIr, parentSource: ValueSource): Record<string, ValueSource> {
  const sources: Record<string, ValueSource> = Object.create(null) as Record<string, ValueSource>;
  for (const p of resource.parentParams) sources[p] = parentSource;
  if (resource.itemParam) sources[resource.itemParam] = { step: { name: 'create', field: resource.idField } };
  return sources;
}

function stepFor(ir: ServiceIr, op: OperationIr, name: string, options: PlanOptions, sources: Record<string, ValueSource>, expect?: string): Resolved<ChainStep> {
  const status = expect ?? op.responses.find((r) => /^2\d\d$/.test(r.status))?.status;
  if (!status) return { ok: false, reason: `${op.method.toUpperCase()} ${op.path} documents no 2xx response` };
  const request = planRequest(ir, op, options, sources);
  if (!request.ok) return request;
  const { body: _ignored, ...withoutBody } = request.value;
  return { ok: true, value: { name, ...(op.method === 'get' || op.method === 'delete' ? withoutBody : request.value), expect: status } };
}

/**
 * A list step: under the chain's parent (or another), page by page when the list documents a page
 * size and an offset (`limit`/`offset`), at most MAX_PAGES pages of the largest page allowed.
 */
function planListStep(ir: ServiceIr, resource: ResourceIr, list: OperationIr, name: string, parentSource: ValueSource, options: PlanOptions): Resolved<ChainStep> {
  const sources: Record<string, ValueSource> = Object.create(null) as Record<string, ValueSource>;
  for (const p of resource.parentParams) sources[p] = parentSource;
  const step = stepFor(ir, list, name, options, sources);
  if (!step.ok) return step;
  const query = list.parameters.query;
  const limitParam = query.find((p) => /^(limit|page_?size|per_?page|size)$/i.test(p.name));
  const offsetParam = query.find((p) => /^(offset|skip|start)$/i.test(p.name));
  const max = typeof limitParam?.resolved.maximum === 'number' ? limitParam.resolved.maximum : 100;
  const paging: ListPaging | undefined = limitParam ? { limit: { name: limitParam.name, value: Math.min(max, 100) }, ...(offsetParam ? { offset: offsetParam.name } : {}), maxPages: offsetParam ? MAX_PAGES : 1 } : undefined;
  // the listed records name the id by the same field as the created one, unless their schema says otherwise
  const field = list.list?.record ? pickIdField(list.list.record, resource.itemParam ?? resource.idField) : resource.idField;
  return { ok: true, value: { ...step.value, list: { ...(list.list?.listProperty !== undefined ? { listProperty: list.list.listProperty } : {}), field, ...(paging ? { paging } : {}) } } };
}

function sequence(setup: Resolved<ChainStep[]>, rest: Resolved<ChainStep>[], setupNames: string[] = []): Resolved<{ steps: ChainStep[] }> {
  if (!setup.ok) return setup;
  const failed = rest.find((r) => !r.ok);
  if (failed && !failed.ok) return failed;
  const steps = rest.map((r) => (r as { ok: true; value: ChainStep }).value).map((s) => (setupNames.includes(s.name) ? { ...s, setup: true } : s));
  // a second parent is made before the child, so every setup step runs before any that is judged
  const setupFirst = [...setup.value.slice(0, -1), ...steps.filter((s) => s.setup), setup.value.at(-1)!, ...steps.filter((s) => !s.setup)];
  return { ok: true, value: { steps: setupFirst } };
}

/**
 * What the request and the response share, minus what either side leaves out: `readOnly` is
 * never sent, `writeOnly` never comes back (OAS 3.x 4.8.24). The response is the read's record,
 * else the create's.
 */
export function comparedFields(resource: ResourceIr): ComparedField[] {
  const sent = resource.create.body?.record?.properties ?? [];
  const answer = (resource.read ?? resource.create).responses.find((r) => /^2\d\d$/.test(r.status))?.record;
  const back = new Map((answer?.properties ?? []).map((p) => [p.name, p]));
  return sent
    .filter((p) => !p.readOnly && !p.writeOnly && back.has(p.name) && !back.get(p.name)!.writeOnly && !back.get(p.name)!.readOnly)
    .map((p) => {
      const format = typeof p.resolved.format === 'string' ? p.resolved.format : undefined;
      const multipleOf = typeof p.resolved.multipleOf === 'number' ? p.resolved.multipleOf : undefined;
      return { name: p.name, ...(format ? { format } : {}), ...(multipleOf !== undefined ? { multipleOf } : {}) };
    });
}

/** The config's `ignore` pointers of every operation the chain calls, each once, with its entry. */
function ignoredFor(config: ConfigExpectations | undefined, ops: (OperationIr | undefined)[]): IgnoredField[] {
  const out = new Map<string, IgnoredField>();
  for (const op of ops) if (op) for (const i of expectationFor(config, op)?.ignore ?? []) if (!out.has(i.pointer)) out.set(i.pointer, i);
  return [...out.values()];
}

