import { pickIdField } from '../ir/record-shape';
import type { OperationIr, ServiceIr } from '../ir/types';
import type { BaselineCase, CaseKind, ValueSource } from '../../harness/runtime/case-types';
import { describeOrigin, type ExpectationOrigin, type OperationExpectation } from './expectations';
import { planInvalid } from './plan-invalid';
import { planRequest, referenceFields, type PlanOptions } from './plan-request';
import { unknownValueFor, type Resolved } from './request-values';

export type { PlanOptions } from './plan-request';

/** `server-error`: a documented 5xx, never generated (see planServerErrors); the other kinds are the run time's. */
export type PlannedKind = CaseKind | 'server-error';

export interface PlannedCase {
  kind: PlannedKind;
  status: string;
  /** The Jest test name, exactly: the manifest and the recorded calls join on it. */
  name: string;
  skipped?: string;
  spec?: BaselineCase;
  /** The expected status (or the skip) comes from the config, not the spec. */
  override?: ExpectationOrigin;
}

/**
 * Stage 3 (cases): every baseline case of one operation, or the reason it cannot be generated.
 * `expectation`: the config's word where the service's conventions differ from the spec.
 */
export function planOperationCases(ir: ServiceIr, op: OperationIr, options: PlanOptions, expectation?: OperationExpectation): PlannedCase[] {
  const prefix = `${options.service} ${op.method.toUpperCase()} ${op.path} returns`;
  const okStatus = op.responses.find((r) => /^2\d\d$/.test(r.status))?.status ?? op.responses.find((r) => /^2XX$/i.test(r.status))?.status;
  const cases: PlannedCase[] = [];
  const add = (kind: PlannedKind, documented: string, phrase: string, result: Resolved<BaselineCase>) => {
    const changed = kind === 'empty-list' || kind === 'server-error' ? undefined : expectation?.status[kind];
    const status = changed?.status ?? documented;
    const base = `${prefix} ${status}${phrase ? ' ' + phrase : ''}`;
    const configSkip = expectation?.skip ?? (kind === 'empty-list' ? expectation?.skipEmptyList : undefined);
    const override = configSkip ?? (changed ? { by: changed.by, ...(changed.reason ? { reason: changed.reason } : {}) } : undefined);
    const skipped = configSkip ? describeOrigin(configSkip) : result.ok ? undefined : result.reason;
    if (skipped !== undefined) cases.push({ kind, status, name: `${base} [skipped: ${skipped}]`, skipped, ...(override ? { override } : {}) });
    else if (result.ok && override) cases.push({ kind, status, name: base, spec: { ...result.value, expect: status, expectedBy: describeOrigin(override) }, override });
    else if (result.ok) cases.push({ kind, status, name: base, spec: result.value });
  };
  const problem = op.problems[0];
  const guard = (build: () => Resolved<BaselineCase>): Resolved<BaselineCase> => (problem ? { ok: false, reason: problem } : build());

  const ok = guard(() => (okStatus ? planOk(ir, op, okStatus, options) : { ok: false, reason: 'no 2xx response is documented' }));
  const upsert = ok.ok && ok.value.expect !== okStatus;
  add('ok', ok.ok ? ok.value.expect : (okStatus ?? '2XX'), upsert ? 'in a parent it created' : okPhrase(op), ok);
  if (op.documents.notFound || expectation?.status['not-found']) {
    add('not-found', '404', 'for an unknown id', guard(() => planNotFound(ir, op, options)));
  }
  const configuredInvalid = expectation?.status.invalid?.status;
  const validation = op.documents.validation.length > 0 ? op.documents.validation : configuredInvalid ? [configuredInvalid] : [];
  for (const status of validation) {
    if (status === '400' && validation.includes('422')) {
      add('invalid', '400', 'for a business-rule violation', { ok: false, reason: '400 is documented beside 422: malformed input is expected as 422, a business-rule 400 needs a hand-written test' });
      continue;
    }
    const invalid = problem ? [] : planInvalid(ir, op, status, options, ok);
    // a documented status without a case is a skip with its reason; one the config adds (`"*": {"invalid": "400"}`) only makes cases where there is something to violate
    if (invalid.length === 0 && op.documents.validation.length > 0) {
      add('invalid', status, 'for invalid input', { ok: false, reason: problem ?? `${status} is documented but no parameter or body constraint can be violated; needs a hand-written test` });
    }
    for (const c of invalid) add('invalid', status, c.phrase, c.result);
  }
  for (const status of serverErrorStatuses(op)) add('server-error', status, 'when a dependency or the database is down', { ok: false, reason: serverErrorReason(status) });
  if (op.role === 'list') {
    add('empty-list', okStatus ?? '200', 'and [] on the empty instance', guard(() => planEmptyList(ir, op, okStatus ?? '200', options)));
  }
  dedupeNames(cases);
  return cases;
}

/** Documented 5xx statuses (`503`, `5XX`), in document order. */
function serverErrorStatuses(op: OperationIr): string[] {
  return op.responses.map((r) => r.status).filter((status) => /^5(\d\d|XX)$/i.test(status));
}

/**
 * No request a baseline sends makes a healthy service answer 5xx: the documented 5xx is a
 * condition of the server's side, which a fault suite (`privatePlatform`, harness/runtime/faults.ts)
 * brings about; the manifest says so instead of leaving the status without a word.
 */
export function serverErrorReason(status: string): string {
  return `${status} is a server-side condition (a dependency or the database down): a fault suite covers it`;
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
    const upsert = first.ok ? undefined : planUpsertInOwnParent(ir, op, options);
    if (upsert?.ok) return upsert;
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

/**
 * A PUT that creates its record (201 documented; `PUT /watchlists/{id}/members/{companyId}`) and
 * has no POST: it acts inside a parent the test created, so it creates rather than changes, and
 * expects 201. The record it names (the member) is only read.
 */
function planUpsertInOwnParent(ir: ServiceIr, op: OperationIr, options: PlanOptions): Resolved<BaselineCase> | undefined {
  if (op.method !== 'put' || !op.responses.some((r) => r.status === '201')) return undefined;
  const parent = op.parameters.path.map((p) => p.name).filter((n) => n !== op.itemIdParam).at(-1);
  if (!parent) return undefined;
  const segments = op.path.split('/').filter(Boolean);
  const parentCollection = '/' + segments.slice(0, segments.indexOf(`{${parent}}`)).join('/');
  const first = planCreateFirst(ir, parentCollection, parent, options);
  if (!first.ok) return undefined;
  const request = planRequest(ir, op, options, { [parent]: first.value.source });
  if (!request.ok) return undefined;
  return { ok: true, value: { kind: 'ok', phase: 'seeded', expect: '201', ...request.value, create: first.value.create } };
}

/** The POST that creates the record a case acts on, and where the case finds the new id. */
export function planCreateFirst(
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
  return { ok: true, value: { create: { ...request.value, expect: createStatus.status }, source: { created: { field: pickIdField(createStatus.record, idParam) } } } };
}

function planNotFound(ir: ServiceIr, op: OperationIr, options: PlanOptions): Resolved<BaselineCase> {
  if (op.parameters.path.length === 0) return { ok: false, reason: '404 is documented but the path has no id to make unknown; needs a hand-written test' };
  const overrides: Record<string, ValueSource> = Object.create(null) as Record<string, ValueSource>;
  for (const p of op.parameters.path) overrides[p.name] = { value: unknownValueFor(p) };
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

function dedupeNames(cases: PlannedCase[]): void {
  const seen = new Map<string, number>();
  for (const c of cases) {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    if (n > 1) c.name = `${c.name} (${n})`;
  }
}

