/**
 * OpenAPI 3.0 schema objects -> JSON Schema 2020-12, for ajv. 3.0 differs in three ways that
 * matter to a validator (OAS 3.0.3 section 4.7.24): `nullable: true` widens the type to null
 * (ajv rejects `nullable` without `type`); `exclusiveMinimum`/`exclusiveMaximum` are booleans
 * modifying `minimum`/`maximum`; `example` is a keyword of its own. 3.1 schemas need nothing.
 */
export function toJsonSchema(node: unknown, depth = 0): unknown {
  if (depth > 200) return node;
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, depth + 1));
  if (node === null || typeof node !== 'object') return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const set = (k: string, v: unknown) => Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of Object.entries(src)) {
    if (k === 'nullable' || k === 'example') continue;
    if (k === 'exclusiveMinimum' || k === 'exclusiveMaximum') {
      if (typeof v === 'boolean') continue;
    }
    // Keys of `properties` and friends are names, not keywords: convert their values only.
    if ((k === 'properties' || k === 'patternProperties' || k === 'schemas' || k === '$defs' || k === 'definitions') && v && typeof v === 'object') {
      const names: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(v as Record<string, unknown>)) {
        Object.defineProperty(names, name, { value: toJsonSchema(sub, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      set(k, names);
      continue;
    }
    set(k, toJsonSchema(v, depth + 1));
  }
  if (src.exclusiveMinimum === true && typeof src.minimum === 'number') {
    set('exclusiveMinimum', src.minimum);
    delete out.minimum;
  }
  if (src.exclusiveMaximum === true && typeof src.maximum === 'number') {
    set('exclusiveMaximum', src.maximum);
    delete out.maximum;
  }
  if (src.nullable === true) {
    if (typeof src.type === 'string') set('type', [src.type, 'null']);
    else if (Array.isArray(src.type)) set('type', [...new Set([...(src.type as string[]), 'null'])]);
    else if (src.$ref !== undefined || src.allOf || src.oneOf || src.anyOf || src.enum) {
      // A nullable ref or composition: null, or whatever the rest allows.
      const rest = { ...out };
      return { anyOf: [{ type: 'null' }, rest] };
    }
    if (Array.isArray(src.enum) && !src.enum.includes(null)) set('enum', [...src.enum, null]);
  }
  return out;
}

/**
 * Responses never carry `writeOnly` properties (OAS 3.x, Schema Object "writeOnly"), so a
 * property that is both required and writeOnly is required only in requests: drop it from
 * `required` for response validation. Applies to 3.0 and 3.1 schemas alike.
 */
export function forResponses(node: unknown, depth = 0): unknown {
  if (depth > 200 || node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((n) => forResponses(n, depth + 1));
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    Object.defineProperty(out, k, { value: forResponses(v, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  const props = src.properties;
  if (Array.isArray(src.required) && props && typeof props === 'object') {
    const writeOnly = (name: string) => {
      const p = (props as Record<string, unknown>)[name];
      return p !== null && typeof p === 'object' && (p as Record<string, unknown>).writeOnly === true;
    };
    out.required = (src.required as unknown[]).filter((r) => !(typeof r === 'string' && Object.prototype.hasOwnProperty.call(props, r) && writeOnly(r)));
  }
  return out;
}
