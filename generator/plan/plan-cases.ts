import { resolveRecord } from '../ir/resolve-node';
import type { OperationIr, ParameterIr, ParameterLocation, ServiceIr } from '../ir/types';
import { isRecord } from '../spec-error';
import type { BaselineCase, CaseKind, RequestPlan, Scalar, ValueSource } from '../../harness/runtime/case-types';
import { discoverSource, isConfigHeader, malformedValueFor, pickIdField, readValueFor, unknownValueFor, type Bindings, type Resolved } from './request-values';
import { findUniqueStrings, sampleSchema, schemaType, type SampleContext } from './sample-value';

export interface PlannedCase {
  kind: CaseKind;
  status: string;
  /** The Jest test name, exactly: the manifest and the recorded calls join on it. */
  name: string;
  skipped?: string;
  spec?: BaselineCase;
}

export interface PlanOptions {
  service: string;
  bindings: Bindings;
  /** An empty instance exists at run time (sandbox, or `emptyBaseUrl` in the config). */
  hasEmptyInstance: boolean;
}

type ParamValues = NonNullable<RequestPlan['params']>;

/** Stage 3 (cases): every baseline case of one operation, or the reason it cannot be generated. */
export function planOperationCases(ir: ServiceIr, op: OperationIr, options: PlanOptions): PlannedCase[] {
  const prefix = `${options.service} ${op.method.toUpperCase()} ${op.path} returns`;
  const okStatus = op.responses.find((r) => /^2\d\d$/.test(r.status))?.status ?? op.responses.find((r) => /^2XX$/i.test(r.status))?.status;
  const cases: PlannedCase[] = [];
  const add = (kind: CaseKind, status: string, phrase: string, result: Resolved<BaselineCase>) => {
    const base = `${prefix} ${status}${phrase ? ' ' + phrase : ''}`;
    if (result.ok) cases.push({ kind, status, name: base, spec: result.value });
    else cases.push({ kind, status, name: `${base} [skipped: ${result.reason}]`, skipped: result.reason });
  };
  const problem = op.problems[0];
  const guard = (build: () => Resolved<BaselineCase>): Resolved<BaselineCase> => (problem ? { ok: false, reason: problem } : build());

  add('ok', okStatus ?? '2XX', okPhrase(op), guard(() => (okStatus ? planOk(ir, op, okStatus, options) : { ok: false, reason: 'no 2xx response is documented' })));
  if (op.documents.notFound) {
    add('not-found', '404', 'for an unknown id', guard(() => planNotFound(ir, op, options)));
  }
  for (const status of op.documents.validation) {
    if (status === '400' && op.documents.validation.includes('422')) {
      add('invalid', '400', 'for a business-rule violation', { ok: false, reason: '400 is documented beside 422: malformed input is expected as 422, a business-rule 400 needs a hand-written test' });
      continue;
    }
    const invalid = problem ? [{ phrase: 'for invalid input', result: { ok: false, reason: problem } as Resolved<BaselineCase> }] : planInvalid(ir, op, status, options);
    for (const c of invalid) add('invalid', status, c.phrase, c.result);
  }
  if (op.role === 'list') {
    add('empty-list', okStatus ?? '200', 'and [] on the empty instance', guard(() => planEmptyList(ir, op, okStatus ?? '200', options)));
  }
  dedupeNames(cases);
  return cases;
}

function okPhrase(op: OperationIr): string {
  switch (op.role) {
    case 'list':
      return 'with a list';
    case 'read':
      return op.itemIdParam ? 'for a known id' : '';
    case 'create':
      return 'for a valid body';
    case 'update':
    case 'delete':
      return 'for a record it created';
    case 'action':
      return op.itemIdParam ? 'for a record it created' : op.body ? 'for a valid body' : '';
  }
}

function planOk(ir: ServiceIr, op: OperationIr, status: string, options: PlanOptions): Resolved<BaselineCase> {
  const mutatesItem = op.role === 'update' || op.role === 'delete' || (op.role === 'action' && op.itemIdParam !== undefined);
  let create: BaselineCase['create'];
  const overrides: Record<string, ValueSource> = Object.create(null) as Record<string, ValueSource>;
  if (mutatesItem) {
    if (!op.itemIdParam) return { ok: false, reason: `${op.method.toUpperCase()} ${op.path} changes a shared record that no test created; cover it in a hand-written suite` };
    const first = planCreateFirst(ir, op.collectionPath ?? op.path, op.itemIdParam, options);
    if (!first.ok) return { ok: false, reason: first.reason.replace('{method}', op.method.toUpperCase()) };
    create = first.value.create;
    overrides[op.itemIdParam] = first.value.source;
  } else if (op.role === 'create' && op.itemIdParam) {
    // A child created under a seeded parent would change what other tests read of that parent:
    // create a parent of its own when that can be done reliably, else use a known one.
    const segments = op.path.split('/').filter(Boolean);
    const parentCollection = '/' + segments.slice(0, segments.indexOf(`{${op.itemIdParam}}`)).join('/');
    const first = planCreateFirst(ir, parentCollection, op.itemIdParam, options);
    if (first.ok) {
      create = first.value.create;
      overrides[op.itemIdParam] = first.value.source;
    }
  }
  const request = planRequest(ir, op, options, overrides);
  if (!request.ok) return request;
  return { ok: true, value: { kind: 'ok', phase: 'seeded', expect: status, ...request.value, ...(create ? { create } : {}) } };
}

/** The POST that creates the record a case acts on, and where the case finds the new id. */
function planCreateFirst(
  ir: ServiceIr,
  collection: string,
  idParam: string,
  options: PlanOptions,
): Resolved<{ create: NonNullable<BaselineCase['create']>; source: ValueSource }> {
  const creator = ir.operations.find((o) => o.role === 'create' && o.path === collection);
  if (!creator) return { ok: false, reason: `no POST ${collection} to create a record of its own (success cases of {method} act only on records the test created)` };
  const createStatus = creator.responses.find((r) => /^2\d\d$/.test(r.status));
  if (!createStatus) return { ok: false, reason: `POST ${creator.path} documents no 2xx response` };
  const request = planRequest(ir, creator, options, {});
  if (!request.ok) return { ok: false, reason: `cannot create a record first: ${request.reason}` };
  const fixedRefs = referenceFields(ir, creator, request.value);
  if (creator.responses.some((r) => r.status === '409') && fixedRefs.length > 0) {
    return {
      ok: false,
      reason: `POST ${creator.path} documents 409 and its body refers to other records (${fixedRefs.join(', ')}) that cannot be made unique, so a record of its own cannot be created reliably; cover it in a hand-written suite`,
    };
  }
  const createdSchema = resolveRecord(ir.document, createStatus.schema);
  return { ok: true, value: { create: { ...request.value, expect: createStatus.status }, source: { created: { field: pickIdField(ir.document, createdSchema, idParam) } } } };
}

function planNotFound(ir: ServiceIr, op: OperationIr, options: PlanOptions): Resolved<BaselineCase> {
  if (op.parameters.path.length === 0) return { ok: false, reason: '404 is documented but the path has no id to make unknown; needs a hand-written test' };
  const overrides: Record<string, ValueSource> = Object.create(null) as Record<string, ValueSource>;
  for (const p of op.parameters.path) overrides[p.name] = { value: unknownValueFor(ir.document, p) };
  const request = planRequest(ir, op, options, overrides);
  if (!request.ok) return request;
  return { ok: true, value: { kind: 'not-found', phase: 'seeded', expect: '404', ...request.value } };
}

function planEmptyList(ir: ServiceIr, op: OperationIr, status: string, options: PlanOptions): Resolved<BaselineCase> {
  if (!options.hasEmptyInstance) return { ok: false, reason: 'no empty instance: set emptyBaseUrl in the config' };
  if (op.parameters.path.length > 0) return { ok: false, reason: 'a nested list needs a parent record, which the empty instance does not have' };
  const request = planRequest(ir, op, options, {});
  if (!request.ok) return request;
  return { ok: true, value: { kind: 'empty-list', phase: 'empty', expect: status, expectEmptyArray: true, ...request.value } };
}

/** One invalid case per kind of violation the operation's contract allows (DESIGN.md baseline table). */
function planInvalid(ir: ServiceIr, op: OperationIr, status: string, options: PlanOptions): { phrase: string; result: Resolved<BaselineCase> }[] {
  const out: { phrase: string; result: Resolved<BaselineCase> }[] = [];
  const invalidCase = (overrides: Record<string, ValueSource>, body?: unknown, queryOverride?: Record<string, ValueSource>): Resolved<BaselineCase> => {
    // Rejected requests change nothing, so a path id may come from discovery, else any well-formed value.
    for (const p of op.parameters.path) if (!(p.name in overrides) && !readValueFor(ir, op, p, options.bindings).ok) overrides[p.name] = { value: unknownValueFor(ir.document, p) };
    const request = planRequest(ir, op, options, overrides, queryOverride);
    if (!request.ok) return request;
    const value: BaselineCase = { kind: 'invalid', phase: 'seeded', expect: status, ...request.value };
    if (body !== undefined && value.body) value.body = { contentType: value.body.contentType, value: body };
    return { ok: true, value };
  };
  const pathParam = [...op.parameters.path].reverse().find((p) => malformedValueFor(ir.document, p));
  if (pathParam) {
    const bad = malformedValueFor(ir.document, pathParam)!;
    out.push({ phrase: `for a malformed path id (${pathParam.name})`, result: invalidCase({ [pathParam.name]: { value: bad.value } }) });
  }
  const queryParam = op.parameters.query.find((p) => malformedValueFor(ir.document, p));
  if (queryParam) {
    const bad = malformedValueFor(ir.document, queryParam)!;
    out.push({ phrase: `for an out-of-contract query value (${queryParam.name})`, result: invalidCase(Object.create(null) as Record<string, ValueSource>, undefined, { [queryParam.name]: { value: bad.value } }) });
  }
  if (op.body) {
    const schema = mergedObjectSchema(ir.document, op.body.schema);
    const sampled = sampleSchema(ir.document, op.body.schema, { forRequest: true });
    if (schema && sampled.ok && isRecord(sampled.value)) {
      const required = schema.required.find((name) => name in (sampled.value as object));
      if (required) {
        const body = { ...sampled.value };
        delete body[required];
        out.push({ phrase: `for a body missing a required field (${required})`, result: invalidCase(Object.create(null) as Record<string, ValueSource>, body) });
      }
      const wrong = [...schema.required, ...Object.keys(schema.properties)].find((name) => wrongTypeValue(resolveRecord(ir.document, schema.properties[name])) !== undefined);
      if (wrong) {
        const body = { ...sampled.value, [wrong]: wrongTypeValue(resolveRecord(ir.document, schema.properties[wrong])) };
        out.push({ phrase: `for a body with a wrong type (${wrong})`, result: invalidCase(Object.create(null) as Record<string, ValueSource>, body) });
      }
    }
  }
  if (out.length === 0) out.push({ phrase: 'for invalid input', result: { ok: false, reason: `${status} is documented but no parameter or body constraint can be violated; needs a hand-written test` } });
  return out;
}

function mergedObjectSchema(doc: unknown, node: unknown): { required: string[]; properties: Record<string, unknown> } | undefined {
  const schema = resolveRecord(doc, node);
  const parts = Array.isArray(schema.allOf) ? [schema, ...(schema.allOf as unknown[]).map((p) => resolveRecord(doc, p))] : [schema];
  const required: string[] = [];
  const properties = Object.create(null) as Record<string, unknown>;
  for (const part of parts) {
    if (Array.isArray(part.required)) for (const r of part.required) if (typeof r === 'string' && !required.includes(r)) required.push(r);
    if (isRecord(part.properties)) for (const [k, v] of Object.entries(part.properties)) properties[k] = v;
  }
  if (Object.keys(properties).length === 0) return undefined;
  return { required: required.filter((r) => r in properties && resolveRecord(doc, properties[r]).readOnly !== true), properties };
}

function wrongTypeValue(schema: Record<string, unknown>): unknown {
  if (Array.isArray(schema.type) || schema.oneOf || schema.anyOf) return undefined;
  switch (schemaType(schema)) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return 'not-a-number';
    case 'boolean':
      return 'not-a-boolean';
    case 'array':
      return 'not-an-array';
    case 'object':
      return 'not-an-object';
    default:
      return undefined;
  }
}

/** Parameters and body of a request: overrides first, then read values; a sampled or example body. */
function planRequest(
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
        if (found.ok && ir.operations.some((o) => o.path === `/${candidate}` && o.role === 'list')) return found.value;
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
  const unique = findUniqueStrings(ir.document, body.schema, value).filter((u) => !ctx.fill.some((f) => f.pointer === u.pointer) && !isReferenceField(ir, op, u.pointer));
  return { ok: true, value: { contentType: body.contentType, value, ...(unique.length ? { unique } : {}), ...(ctx.fill.length ? { fill: ctx.fill } : {}) } };
}

/** Top-level body fields that point at other records (uuid ids): fixed values every create repeats. */
function referenceFields(ir: ServiceIr, op: OperationIr, plan: RequestPlan): string[] {
  const value = plan.body?.value;
  if (!op.body || !isRecord(value)) return [];
  const schema = mergedObjectSchema(ir.document, op.body.schema);
  return Object.keys(value).filter((k) => {
    const prop = schema ? resolveRecord(ir.document, schema.properties[k]) : {};
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
  const isPathParamSomewhere = ir.operations.some((o) => o.parameters.path.some((p) => p.name === field));
  if (!isPathParamSomewhere) return false;
  return !ir.operations.some((o) => o.path === `${op.path}/{${field}}`);
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

function dedupeNames(cases: PlannedCase[]): void {
  const seen = new Map<string, number>();
  for (const c of cases) {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    if (n > 1) c.name = `${c.name} (${n})`;
  }
}

export type { ParameterIr };
