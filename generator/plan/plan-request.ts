import { pickIdField, readsOneRecord } from '../ir/record-shape';
import type { OperationIr, ParameterLocation, ServiceIr } from '../ir/types';
import { getAtPointer, isRecord, parsePointer } from '../spec-error';
import type { RequestPlan, Scalar, ValueSource } from '../../harness/runtime/case-types';
import { discoverSource, isConfigHeader, readValueFor, type Bindings, type Resolved } from './request-values';
import { findUniqueStrings, sampleSchema, type SampleContext } from './sample-value';

export interface PlanOptions {
  service: string;
  bindings: Bindings;
  /** An empty instance exists at run time (sandbox, or `emptyBaseUrl` in the config). */
  hasEmptyInstance: boolean;
}


type ParamValues = NonNullable<RequestPlan['params']>;

/** Parameters and body of a request: overrides first, then read values; a sampled or example body. */
export function planRequest(
  ir: ServiceIr,
  op: OperationIr,
  options: PlanOptions,
  overrides: Record<string, ValueSource>,
  queryOverride: Record<string, ValueSource> = {},
): Resolved<RequestPlan> {
  const params: ParamValues = {};
  for (const loc of ['path', 'query', 'header', 'cookie'] as ParameterLocation[]) {
    const values = Object.create(null) as Record<string, ValueSource>;
    for (const p of op.parameters[loc]) {
      const forced = loc === 'path' ? overrides[p.name] : loc === 'query' ? queryOverride[p.name] : undefined;
      if (forced) {
        values[p.name] = forced;
        continue;
      }
      if (!p.required || isConfigHeader(p)) continue;
      const v = readValueFor(ir, op, p, options.bindings);
      if (!v.ok) return v;
      values[p.name] = v.value;
    }
    if (Object.keys(values).length > 0) params[loc] = values;
  }
  const plan: RequestPlan = { operationId: op.operationId, method: op.method, path: op.path, ...(Object.keys(params).length ? { params } : {}) };
  if (op.body) {
    const body = planBody(ir, op, options);
    if (!body.ok) {
      if (op.body.required) return body;
    } else plan.body = body.value;
  }
  return { ok: true, value: plan };
}

function planBody(ir: ServiceIr, op: OperationIr, options: PlanOptions): Resolved<NonNullable<RequestPlan['body']>> {
  const body = op.body!;
  const ctx: SampleContext = { fill: [] };
  const propertyValue = (name: string, schema: Record<string, unknown>): ValueSource | undefined => {
    const bound = options.bindings[name];
    if (bound !== undefined) return { value: bound };
    // A parameter of the same name elsewhere in the spec documents an example: the same kind of value.
    const example = parameterExamples(ir).get(name);
    if (example !== undefined && schema.example === undefined) return { value: example };
    // A reference to another record (`companyId`, format uuid): take one from its collection's list.
    if (schema.format === 'uuid' && /.(Id|_id)$/.test(name)) {
      const base = name.replace(/(Id|_id)$/, '').replace(/_/g, '-');
      for (const candidate of [`${base}s`, `${base}es`, base.replace(/y$/, 'ies')]) {
        const found = discoverSource(ir, `/${candidate}/{${name}}`, name, options.bindings);
        if (found.ok && ir.operations.some((o) => o.path === `/${candidate}` && o.method === 'get' && o.list !== undefined)) return found.value;
      }
    }
    return undefined;
  };
  let value: unknown;
  if (body.example) value = body.example.value;
  else {
    const sampled = sampleSchema(ir.document, body.schema, { forRequest: true, propertyValue }, ctx);
    if (!sampled.ok) return { ok: false, reason: `cannot sample a request body: ${sampled.reason}` };
    value = sampled.value;
  }
  const keys = op.role === 'create' ? naturalKeys(ir, op) : new Set<string>();
  const bound = new Set<unknown>(Object.values(options.bindings));
  const unique = findUniqueStrings(ir.document, body.schema, value).filter((u) => {
    if (ctx.fill.some((f) => f.pointer === u.pointer)) return false;
    // A created record's own key always: two creates of the same name collide (409). A value the
    // config binds elsewhere (`flexibleRollout`) names a well-known record: that stays as it is.
    const top = parsePointer(u.pointer);
    if (top.length === 1 && keys.has(top[0]!)) return !bound.has(getAtPointer(value, top));
    return !isReferenceField(ir, op, u.pointer);
  });
  return { ok: true, value: { contentType: body.contentType, value, ...(unique.length ? { unique } : {}), ...(ctx.fill.length ? { fill: ctx.fill } : {}) } };
}

/** Property names that are the natural key of a record: unique per record, so unique per create. */
const NATURAL_KEYS = ['name', 'key', 'slug', 'username', 'email', 'title'];

/**
 * Body properties of a create that name the record it creates: the usual natural keys, and the
 * field of the created record that feeds its item path (`{contextField}` -> `name`).
 */
function naturalKeys(ir: ServiceIr, op: OperationIr): Set<string> {
  const keys = new Set(NATURAL_KEYS);
  const item = operationIndex(ir).itemOf.get(op.path);
  const created = op.responses.find((r) => /^2\d\d$/.test(r.status));
  if (item?.itemIdParam && ownsItemPath(ir, `${op.path}/{${item.itemIdParam}}`, item.itemIdParam)) {
    keys.add(item.itemIdParam);
    if (created?.schema !== undefined) keys.add(pickIdField(created.record, item.itemIdParam));
  }
  return keys;
}

/** Top-level body fields that point at other records (uuid ids): fixed values every create repeats. */
export function referenceFields(ir: ServiceIr, op: OperationIr, plan: RequestPlan): string[] {
  const value = plan.body?.value;
  if (!op.body || !isRecord(value)) return [];
  const properties = op.body.record?.properties ?? [];
  return Object.keys(value).filter((k) => {
    const prop = properties.find((p) => p.name === k)?.resolved ?? {};
    return prop.format === 'uuid' || plan.body?.fill?.some((f) => f.pointer === `/${k}`);
  });
}

/**
 * A top-level body field named like a path parameter of another resource (`ticker` of
 * `/market-prices/{ticker}` in an order) refers to that record: making it unique would break the
 * reference. It is the record's own key when this collection has an item path with that name.
 */
function isReferenceField(ir: ServiceIr, op: OperationIr, pointer: string): boolean {
  const field = pointer.split('/')[1];
  if (!field || pointer.split('/').length !== 2) return false;
  const index = operationIndex(ir);
  if (!index.pathParamNames.has(field)) return false;
  const itemPath = `${op.path}/{${field}}`;
  return !(index.paths.has(itemPath) && ownsItemPath(ir, itemPath, field));
}

/**
 * `<collection>/{field}` is the created record's own item path unless its GET answers a list
 * filtered by the field (`GET /api/admin/tags/{type}` lists the tags of a type): then `type` of a
 * new tag names another record (its tag type) and must stay as sampled.
 */
function ownsItemPath(ir: ServiceIr, itemPath: string, field: string): boolean {
  const read = operationIndex(ir).getByPath.get(itemPath);
  return !read || readsOneRecord(read, field);
}

interface OperationIndex {
  /** Every path parameter name of the spec. */
  pathParamNames: Set<string>;
  paths: Set<string>;
  /** The first GET of each path. */
  getByPath: Map<string, OperationIr>;
  /** By collection path: the first operation on `<collection>/{itemIdParam}`. */
  itemOf: Map<string, OperationIr>;
}

const indexByIr = new WeakMap<ServiceIr, OperationIndex>();

/**
 * Lookups the planners make for every operation, built once per IR: each was a scan of all
 * operations per planned body, quadratic in the spec's size (plan took 16.6 s of generate's
 * 22.7 s at 5,000 operations). First in IR order wins, as the scans' `find` did.
 */
function operationIndex(ir: ServiceIr): OperationIndex {
  let index = indexByIr.get(ir);
  if (index) return index;
  index = { pathParamNames: new Set(), paths: new Set(), getByPath: new Map(), itemOf: new Map() };
  for (const o of ir.operations) {
    for (const p of o.parameters.path) index.pathParamNames.add(p.name);
    index.paths.add(o.path);
    if (o.method === 'get' && !index.getByPath.has(o.path)) index.getByPath.set(o.path, o);
    const suffix = o.itemIdParam === undefined ? undefined : `/{${o.itemIdParam}}`;
    if (suffix && o.path.endsWith(suffix)) {
      const collection = o.path.slice(0, -suffix.length);
      if (!index.itemOf.has(collection)) index.itemOf.set(collection, o);
    }
  }
  indexByIr.set(ir, index);
  return index;
}

const examplesByIr = new WeakMap<ServiceIr, Map<string, Scalar>>();

/** Parameter examples by parameter name, across the whole spec (first in path/method order wins). */
function parameterExamples(ir: ServiceIr): Map<string, Scalar> {
  let map = examplesByIr.get(ir);
  if (!map) {
    map = new Map();
    for (const op of ir.operations) {
      for (const loc of ['path', 'query'] as const) {
        for (const p of op.parameters[loc]) {
          const v = p.example?.value;
          if (!map.has(p.name) && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) map.set(p.name, v);
        }
      }
    }
    examplesByIr.set(ir, map);
  }
  return map;
}
