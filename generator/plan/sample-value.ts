import { resolveNode } from '../ir/resolve-node';
import { isRecord } from '../spec-error';
import { setOwn } from '../load/bundle-refs';
import type { BodyFill, UniqueString, ValueSource } from '../../harness/runtime/case-types';
import { toPointer } from '../spec-error';

/** Data generators stop here: recursive schemas get no deeper than this. */
export const MAX_SAMPLE_DEPTH = 8;

export type Sampled = { ok: true; value: unknown } | { ok: false; reason: string };

export interface SampleOptions {
  /** Skip `readOnly` properties: they are not part of requests (OAS 3.x schema object). */
  forRequest: boolean;
  /** A value for a named object property (config bindings, discovered references), if any. */
  propertyValue?: (name: string, schema: Record<string, unknown>) => ValueSource | undefined;
}

export interface SampleContext {
  fill: BodyFill[];
}

/** The schema's type as one name; 3.1 `type: [T, "null"]` picks T. */
export function schemaType(schema: Record<string, unknown>): string | undefined {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return (t.find((x) => x !== 'null') ?? t[0]) as string | undefined;
  if (isRecord(schema.properties)) return 'object';
  if (isRecord(schema.items)) return 'array';
  return undefined;
}

/**
 * A deterministic value valid against a schema: example, then default, const, enum, then by
 * type and format. Only required properties are filled (the smallest valid body). Recursion and
 * unsatisfiable constraints give a reason instead of a value: the case is skipped, never a crash.
 */
export function sampleSchema(doc: unknown, node: unknown, options: SampleOptions, ctx: SampleContext = { fill: [] }, path: string[] = [], depth = 0): Sampled {
  if (depth > MAX_SAMPLE_DEPTH) return { ok: false, reason: `schema nests deeper than ${MAX_SAMPLE_DEPTH} levels (recursive?) at ${toPointer(path) || '/'}` };
  const schema = resolveNode(doc, node);
  if (schema === true || schema === undefined) return { ok: true, value: 'sample' };
  if (!isRecord(schema)) return { ok: false, reason: `unusable schema at ${toPointer(path) || '/'}` };
  if (Object.prototype.hasOwnProperty.call(schema, 'example')) return { ok: true, value: schema.example };
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return { ok: true, value: schema.examples[0] };
  if (Object.prototype.hasOwnProperty.call(schema, 'default')) return { ok: true, value: schema.default };
  if (Object.prototype.hasOwnProperty.call(schema, 'const')) return { ok: true, value: schema.const };
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return { ok: true, value: schema.enum.find((v) => v !== null) ?? schema.enum[0] };
  const branches = (Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined) as unknown[] | undefined;
  if (branches && branches.length > 0) return sampleSchema(doc, branches[0], options, ctx, path, depth + 1);
  if (Array.isArray(schema.allOf)) return sampleAllOf(doc, schema, options, ctx, path, depth);
  switch (schemaType(schema)) {
    case 'object':
      return sampleObject(doc, schema, options, ctx, path, depth);
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const items: unknown[] = [];
      for (let i = 0; i < min; i++) {
        const item = sampleSchema(doc, schema.items, options, ctx, [...path, String(i)], depth + 1);
        if (!item.ok) return item;
        items.push(item.value);
      }
      return { ok: true, value: items };
    }
    case 'string':
      return sampleString(schema, ctx, path);
    case 'integer':
    case 'number':
      return sampleNumber(schema);
    case 'boolean':
      return { ok: true, value: true };
    case 'null':
      return { ok: true, value: null };
    default:
      return { ok: true, value: 'sample' };
  }
}

function sampleAllOf(doc: unknown, schema: Record<string, unknown>, options: SampleOptions, ctx: SampleContext, path: string[], depth: number): Sampled {
  const merged = {} as Record<string, unknown>;
  const rest = { ...schema };
  delete rest.allOf;
  for (const part of [...(schema.allOf as unknown[]), rest]) {
    const sampled = sampleSchema(doc, part, options, ctx, path, depth + 1);
    if (!sampled.ok) return sampled;
    if (!isRecord(sampled.value)) {
      if (part === rest) continue;
      return sampled;
    }
    for (const [k, v] of Object.entries(sampled.value)) setOwn(merged, k, v);
  }
  return { ok: true, value: merged };
}

function sampleObject(doc: unknown, schema: Record<string, unknown>, options: SampleOptions, ctx: SampleContext, path: string[], depth: number): Sampled {
  const out = {} as Record<string, unknown>;
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? (schema.required as unknown[]).filter((r): r is string => typeof r === 'string') : [];
  for (const name of required) {
    const propSchema = resolveNode(doc, properties[name]);
    const prop = isRecord(propSchema) ? propSchema : {};
    if (options.forRequest && prop.readOnly === true) continue;
    const fromOption = options.propertyValue?.(name, prop);
    if (fromOption && 'value' in fromOption) {
      setOwn(out, name, fromOption.value);
      continue;
    }
    if (fromOption) ctx.fill.push({ pointer: toPointer([...path, name]), source: fromOption });
    const sampled = sampleSchema(doc, properties[name] ?? {}, options, ctx, [...path, name], depth + 1);
    if (!sampled.ok) return sampled;
    setOwn(out, name, sampled.value);
  }
  return { ok: true, value: out };
}

const FORMAT_SAMPLES: Record<string, string> = {
  uuid: '00000000-0000-4000-8000-000000000001',
  'date-time': '2026-01-02T03:04:05Z',
  date: '2026-01-02',
  time: '03:04:05Z',
  email: 'harness@example.com',
  uri: 'https://example.com/harness',
  url: 'https://example.com/harness',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
};

function sampleString(schema: Record<string, unknown>, ctx: SampleContext, path: string[]): Sampled {
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  if (format && FORMAT_SAMPLES[format]) return { ok: true, value: FORMAT_SAMPLES[format] };
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
  const pattern = typeof schema.pattern === 'string' ? schema.pattern : undefined;
  let value = 'sample';
  if (pattern) {
    const found = findPatternMatch(pattern, min, max);
    if (found === undefined) return { ok: false, reason: `no sample value matches pattern ${JSON.stringify(pattern)} at ${toPointer(path) || '/'}` };
    value = found;
  } else {
    while (value.length < min) value += 'x';
    if (max !== undefined && value.length > max) value = value.slice(0, Math.max(max, min));
  }
  return { ok: true, value };
}

/** Candidates for common id/code patterns (tickers, codes, slugs); the first that fits wins. */
export function findPatternMatch(pattern: string, min: number, max: number | undefined): string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
  const candidates = ['sample', 'SAMPLE', 'SMPL', 'ABC', 'A', 'abc', 'a', 'sample-1', 'sample_1', 'ABC123', 'abc123', '1', '123', 'A1', 'AB-12', 'Sample'];
  return candidates.find((c) => c.length >= min && (max === undefined || c.length <= max) && re.test(c));
}

function sampleNumber(schema: Record<string, unknown>): Sampled {
  const integer = schemaType(schema) === 'integer';
  let value = 1;
  if (typeof schema.minimum === 'number') value = Math.max(value, schema.minimum);
  if (typeof schema.exclusiveMinimum === 'number') value = Math.max(value, schema.exclusiveMinimum + 1);
  if (typeof schema.maximum === 'number' && value > schema.maximum) value = schema.maximum;
  if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) value = schema.exclusiveMaximum - 1;
  if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0) value = Math.ceil(value / schema.multipleOf) * schema.multipleOf;
  return { ok: true, value: integer ? Math.ceil(value) : value };
}

/**
 * Free-form strings of a request body (no enum, const or format but email) that the run time makes unique,
 * so that two creates in one run do not collide on a unique column (409).
 */
export function findUniqueStrings(doc: unknown, node: unknown, value: unknown, path: string[] = [], depth = 0): UniqueString[] {
  if (depth > MAX_SAMPLE_DEPTH) return [];
  const schema = resolveNode(doc, node);
  if (!isRecord(schema)) return [];
  if (Array.isArray(schema.allOf)) return (schema.allOf as unknown[]).flatMap((part) => findUniqueStrings(doc, part, value, path, depth + 1));
  if (isRecord(value)) {
    const properties = isRecord(schema.properties) ? schema.properties : {};
    return Object.keys(value).flatMap((k) =>
      Object.prototype.hasOwnProperty.call(properties, k) ? findUniqueStrings(doc, properties[k], value[k], [...path, k], depth + 1) : [],
    );
  }
  if (typeof value !== 'string' || schemaType(schema) !== 'string') return [];
  if (schema.enum !== undefined || schema.const !== undefined) return [];
  // An email stays an email (the suffix goes before the @); other formats are left as they are.
  const email = schema.format === 'email' && value.includes('@');
  if (schema.format !== undefined && !email) return [];
  return [
    {
      pointer: toPointer(path),
      ...(typeof schema.maxLength === 'number' ? { maxLength: schema.maxLength } : {}),
      ...(typeof schema.pattern === 'string' ? { pattern: schema.pattern } : {}),
      ...(email ? { format: 'email' as const } : {}),
    },
  ];
}
