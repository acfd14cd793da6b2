import type { OperationIr, ServiceIr } from '../ir/types';
import { isRecord } from '../spec-error';
import type { BaselineCase, ValueSource } from '../../harness/runtime/case-types';
import { planRequest, type PlanOptions } from './plan-request';
import { malformedValueFor, readValueFor, unknownValueFor, type Resolved } from './request-values';
import { sampleSchema, schemaType } from './sample-value';

/**
 * One invalid case per kind of violation the operation's contract allows (DESIGN.md baseline table).
 * `ok`: the operation's success case. A body or query violation on an item path is sent to the
 * record the success case uses (binding, example, discovered, or one the test creates first): sent
 * to an unknown id, the service answers 404 before it looks at the body. Empty when the contract
 * allows nothing to violate.
 */
export function planInvalid(
  ir: ServiceIr,
  op: OperationIr,
  status: string,
  options: PlanOptions,
  ok?: Resolved<BaselineCase>,
): { phrase: string; result: Resolved<BaselineCase> }[] {
  const out: { phrase: string; result: Resolved<BaselineCase> }[] = [];
  const invalidCase = (overrides: Record<string, ValueSource>, body?: unknown, queryOverride?: Record<string, ValueSource>): Resolved<BaselineCase> => {
    // A malformed path id is refused before any lookup: the other path values may be any well-formed ones.
    for (const p of op.parameters.path) if (!(p.name in overrides) && !readValueFor(ir, op, p, options.bindings).ok) overrides[p.name] = { value: unknownValueFor(p) };
    const request = planRequest(ir, op, options, overrides, queryOverride);
    if (!request.ok) return request;
    const value: BaselineCase = { kind: 'invalid', phase: 'seeded', expect: status, ...request.value };
    if (body !== undefined && value.body) value.body = { contentType: value.body.contentType, value: body };
    return { ok: true, value };
  };
  /**
   * A body or query violation: the success case's path values (and the record it creates); when it
   * has none, a bound, example or discovered value for every path parameter (a rejected request
   * changes nothing); else skipped.
   */
  const onKnownRecord = (body?: unknown, queryOverride?: Record<string, ValueSource>): Resolved<BaselineCase> => {
    const overrides = Object.create(null) as Record<string, ValueSource>;
    if (ok?.ok) {
      Object.assign(overrides, ok.value.params?.path ?? {});
      const result = invalidCase(overrides, body, queryOverride);
      if (!result.ok || !ok.value.create) return result;
      return { ok: true, value: { ...result.value, create: ok.value.create } };
    }
    for (const p of op.parameters.path) {
      const read = readValueFor(ir, op, p, options.bindings);
      if (!read.ok) {
        const why = ok && !ok.ok ? ok.reason : read.reason;
        return { ok: false, reason: `needs a record the service knows (else it may answer 404 before it checks the ${body !== undefined ? 'body' : 'query'}), and has none: ${why}` };
      }
      overrides[p.name] = read.value;
    }
    return invalidCase(overrides, body, queryOverride);
  };
  const pathParam = [...op.parameters.path].reverse().find((p) => malformedValueFor(p));
  if (pathParam) {
    const bad = malformedValueFor(pathParam)!;
    out.push({ phrase: `for a malformed path id (${pathParam.name})`, result: invalidCase({ [pathParam.name]: { value: bad.value } }) });
  }
  const queryParam = op.parameters.query.find((p) => malformedValueFor(p));
  if (queryParam) {
    const bad = malformedValueFor(queryParam)!;
    out.push({ phrase: `for an out-of-contract query value (${queryParam.name})`, result: onKnownRecord(undefined, { [queryParam.name]: { value: bad.value } }) });
  }
  if (op.body) {
    const schema = op.body.record && op.body.record.properties.length > 0 ? op.body.record : undefined;
    const sampled = sampleSchema(ir.document, op.body.schema, { forRequest: true });
    if (schema && sampled.ok && isRecord(sampled.value)) {
      const required = schema.required.find((name) => name in (sampled.value as object));
      if (required) {
        const body = { ...sampled.value };
        delete body[required];
        out.push({ phrase: `for a body missing a required field (${required})`, result: onKnownRecord(body) });
      }
      const resolvedOf = (name: string) => schema.properties.find((p) => p.name === name)?.resolved ?? {};
      const wrong = [...schema.required, ...schema.properties.map((p) => p.name)].find((name) => wrongTypeValue(resolvedOf(name)) !== undefined);
      if (wrong) {
        const body = { ...sampled.value, [wrong]: wrongTypeValue(resolvedOf(wrong)) };
        out.push({ phrase: `for a body with a wrong type (${wrong})`, result: onKnownRecord(body) });
      }
    }
  }
  return out;
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

