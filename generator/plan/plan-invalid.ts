import { resolveRecord } from '../ir/resolve-node';
import type { OperationIr, ServiceIr } from '../ir/types';
import { isRecord } from '../spec-error';
import type { BaselineCase, ValueSource } from '../../harness/runtime/case-types';
import { planRequest, mergedObjectSchema, type PlanOptions } from './plan-request';
import { malformedValueFor, readValueFor, unknownValueFor, type Resolved } from './request-values';
import { sampleSchema, schemaType } from './sample-value';

/** One invalid case per kind of violation the operation's contract allows (DESIGN.md baseline table). */
export function planInvalid(ir: ServiceIr, op: OperationIr, status: string, options: PlanOptions): { phrase: string; result: Resolved<BaselineCase> }[] {
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

