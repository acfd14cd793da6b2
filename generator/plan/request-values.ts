import { pickIdField } from '../ir/record-shape';
import type { OperationIr, ParameterIr, ServiceIr } from '../ir/types';
import type { Scalar, ValueSource } from '../../harness/runtime/case-types';
import { findPatternMatch, sampleSchema, schemaType } from './sample-value';

export type Bindings = Readonly<Record<string, Scalar>>;
export type Resolved<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Headers the config supplies (auth, content negotiation): never generated from the spec. */
const CONFIG_HEADERS = new Set(['authorization', 'accept', 'content-type', 'cookie']);

export function isConfigHeader(p: ParameterIr): boolean {
  return p.in === 'header' && CONFIG_HEADERS.has(p.name.toLowerCase());
}

function isScalar(v: unknown): v is Scalar {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * A value for a parameter of a read-only request, in the documented order: config binding, spec
 * example, then (path ids) discovered from the collection's list, then (others) sampled.
 */
export function readValueFor(ir: ServiceIr, op: OperationIr, p: ParameterIr, bindings: Bindings): Resolved<ValueSource> {
  const bound = bindings[p.name];
  if (bound !== undefined) return { ok: true, value: { value: bound } };
  if (p.example && isScalar(p.example.value)) return { ok: true, value: { value: p.example.value } };
  if (p.in === 'path') {
    const discovered = discoverSource(ir, op.path, p.name, bindings);
    return discovered.ok ? discovered : { ok: false, reason: `no value for path parameter "${p.name}": no binding, no example, and ${discovered.reason}` };
  }
  const sampled = sampleSchema(ir.document, p.schema, { forRequest: true });
  if (!sampled.ok) return sampled;
  if (!isScalar(sampled.value)) return { ok: false, reason: `no scalar value for ${p.in} parameter "${p.name}"` };
  return { ok: true, value: { value: sampled.value } };
}

/**
 * `GET <collection of the param>` and the field of its items that holds the id. A nested
 * collection (`/repos/{owner}/{repo}/issues`) needs its own path parameters first: each from a
 * binding, an example, or discovered the same way one level up.
 */
export function discoverSource(ir: ServiceIr, route: string, paramName: string, bindings: Bindings = {}, depth = 0): Resolved<ValueSource> {
  const segments = route.split('/').filter(Boolean);
  const at = segments.indexOf(`{${paramName}}`);
  const collection = '/' + segments.slice(0, Math.max(at, 0)).join('/');
  if (at < 1) return { ok: false, reason: `no collection path before {${paramName}}` };
  // An array list, or a list wrapped in an object (`{"projects": [...]}`): records under one property.
  const list = ir.operations.find((o) => o.path === collection && o.method === 'get' && o.list !== undefined);
  const shape = list?.list;
  if (!list || !shape) return { ok: false, reason: `no list operation GET ${collection} to discover it from` };
  const params = Object.create(null) as Record<string, ValueSource>;
  for (const parent of list.parameters.path) {
    const bound = bindings[parent.name];
    const example = parent.example?.value;
    if (bound !== undefined) params[parent.name] = { value: bound };
    else if (typeof example === 'string' || typeof example === 'number' || typeof example === 'boolean') params[parent.name] = { value: example };
    else {
      const up = depth < 4 ? discoverSource(ir, collection, parent.name, bindings, depth + 1) : { ok: false as const, reason: 'nesting too deep' };
      if (!up.ok) return { ok: false, reason: `its collection ${collection} needs "${parent.name}" first, and ${up.reason}` };
      params[parent.name] = up.value;
    }
  }
  const field = pickIdField(shape.record, paramName);
  const listProperty = shape.listProperty !== undefined ? { listProperty: shape.listProperty } : {};
  return { ok: true, value: { discover: { path: collection, field, ...listProperty, ...(Object.keys(params).length ? { params } : {}) } } };
}

/** A well-formed value that certainly names no record: all-f uuid, a huge integer, a fixed string. */
export function unknownValueFor(p: ParameterIr): Scalar {
  const schema = p.resolved;
  const type = schemaType(schema);
  if (schema.format === 'uuid') return 'ffffffff-ffff-4fff-bfff-ffffffffffff';
  if (schema.format === 'date') return '1900-01-01';
  if (schema.format === 'date-time') return '1900-01-01T00:00:00Z';
  if (type === 'integer' || type === 'number') {
    const max = typeof schema.maximum === 'number' ? schema.maximum : 2147483000;
    return Math.min(max, 2147483000);
  }
  if (typeof schema.pattern === 'string') {
    return findPatternMatch(schema.pattern, num(schema.minLength) ?? 0, num(schema.maxLength)) ?? 'harness-unknown-id';
  }
  return 'harness-unknown-id-0';
}

/** A value that breaks the parameter's schema, with the constraint it breaks; undefined when anything goes. */
export function malformedValueFor(p: ParameterIr): { value: Scalar; breaks: string } | undefined {
  const schema = p.resolved;
  const type = schemaType(schema);
  if (Array.isArray(schema.enum)) return { value: '__not-in-enum__', breaks: 'enum' };
  if (type === 'integer' || type === 'number') return { value: 'not-a-number', breaks: 'type' };
  if (type === 'boolean') return { value: 'not-a-boolean', breaks: 'type' };
  if (type === 'string' || type === undefined) {
    const format = typeof schema.format === 'string' ? schema.format : undefined;
    if (format && ['uuid', 'date', 'date-time', 'email', 'uri', 'ipv4'].includes(format)) return { value: `not-a-${format}`, breaks: 'format' };
    if (typeof schema.pattern === 'string') {
      try {
        const re = new RegExp(schema.pattern, 'u');
        const bad = ['!!not-matching!!', '', ' ', '0'].find((c) => !re.test(c));
        if (bad !== undefined) return { value: bad, breaks: 'pattern' };
      } catch {
        return undefined;
      }
    }
    const max = num(schema.maxLength);
    if (max !== undefined && max < 1000) return { value: 'x'.repeat(max + 1), breaks: 'maxLength' };
    const min = num(schema.minLength);
    if (min !== undefined && min > 0 && p.in !== 'path') return { value: '', breaks: 'minLength' };
  }
  return undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}
