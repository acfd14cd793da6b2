import { isRecord } from '../spec-error';
import { resolveRecord } from './resolve-node';
import type { ListShapeIr, OperationIr, PropertyIr, RecordShapeIr, ResponseIr } from './types';

/**
 * Schemas the planners ask about, resolved once while the IR is built: the properties of a
 * request or response record (allOf parts merged, `readOnly`/`writeOnly` per OAS 3.x 4.8.24), and
 * where the records of a list response are.
 */

/** The record of an object schema, its allOf parts merged one level; undefined when it has no properties. */
export function buildRecordShape(doc: unknown, node: unknown): RecordShapeIr | undefined {
  const schema = resolveRecord(doc, node);
  const parts = Array.isArray(schema.allOf) ? [schema, ...(schema.allOf as unknown[]).map((p) => resolveRecord(doc, p))] : [schema];
  const required: string[] = [];
  const byName = new Map<string, unknown>();
  for (const part of parts) {
    if (Array.isArray(part.required)) for (const r of part.required) if (typeof r === 'string' && !required.includes(r)) required.push(r);
    if (isRecord(part.properties)) for (const [k, v] of Object.entries(part.properties)) byName.set(k, v);
  }
  const names = [...recordPropertyNames(doc, schema)];
  if (byName.size === 0) return names.length > 0 ? { properties: [], required: [], names } : undefined;
  const properties = [...byName].map(([name, node]) => buildProperty(doc, name, node));
  const writable = (r: string) => properties.some((p) => p.name === r && !p.readOnly);
  return { properties, required: required.filter(writable), names };
}

function buildProperty(doc: unknown, name: string, node: unknown): PropertyIr {
  const resolved = resolveRecord(doc, node);
  return {
    name,
    schema: node,
    resolved,
    readOnly: resolved.readOnly === true,
    writeOnly: resolved.writeOnly === true,
  };
}

/** Property names of an object schema, its allOf parts included (nested allOf too, up to 8 levels). */
function recordPropertyNames(doc: unknown, schema: Record<string, unknown>, depth = 0): Set<string> {
  const names = new Set<string>(isRecord(schema.properties) ? Object.keys(schema.properties) : []);
  if (depth < 8 && Array.isArray(schema.allOf)) for (const part of schema.allOf as unknown[]) for (const n of recordPropertyNames(doc, resolveRecord(doc, part), depth + 1)) names.add(n);
  return names;
}

function isArraySchema(schema: Record<string, unknown>): boolean {
  const type = schema.type;
  return type === 'array' || (Array.isArray(type) && type.includes('array')) || (type === undefined && isRecord(schema.items));
}

/**
 * Where the records of a list response are: the 2xx body itself when it is an array, or the one
 * array-typed property of an object body (`{"version": 1, "projects": [...]}`, allOf parts
 * merged). Undefined when the body is neither.
 */
export function buildListShape(doc: unknown, responses: readonly ResponseIr[]): ListShapeIr | undefined {
  const ok = responses.find((r) => /^2/.test(r.status));
  if (!ok?.schema) return undefined;
  const schema = resolveRecord(doc, ok.schema);
  const withRecord = (items: unknown, listProperty?: string): ListShapeIr => {
    const record = buildRecordShape(doc, items);
    return { items, ...(listProperty !== undefined ? { listProperty } : {}), ...(record ? { record } : {}) };
  };
  if (isArraySchema(schema)) return withRecord(schema.items);
  const parts = [schema, ...(Array.isArray(schema.allOf) ? (schema.allOf as unknown[]).map((p) => resolveRecord(doc, p)) : [])];
  const arrays = new Map<string, Record<string, unknown>>();
  for (const part of parts) {
    if (!isRecord(part.properties)) continue;
    for (const [name, node] of Object.entries(part.properties)) {
      const prop = resolveRecord(doc, node);
      if (isArraySchema(prop)) arrays.set(name, prop);
    }
  }
  if (arrays.size !== 1) return undefined;
  const [listProperty, prop] = [...arrays][0]!;
  return withRecord(prop.items, listProperty);
}

/**
 * The property of a record that holds the value of path parameter `paramName`, checked against
 * the record's property names (allOf parts included): the parameter's own name, then its last
 * camelCase word (`strategyName` -> `name`, `featureKey` -> `key`, `projectId` -> `id`), `id`,
 * snake_case, for a `{token}` the usual holders of a token (`token`, `secret`), the one property
 * ending in the parameter's name (`{name}` -> `tokenName`), then a natural key (`name`, `key`,
 * `slug`). A record with no such property keeps `id`.
 */
export function pickIdField(record: RecordShapeIr | undefined, paramName: string): string {
  const names = new Set(record?.names ?? []);
  const snake = paramName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  const lastWord = /[A-Z][a-z0-9]*$/.exec(paramName)?.[0]?.toLowerCase();
  const lastSnake = snake.split(/[_-]/).filter(Boolean).at(-1);
  const tokenLike = /token$/i.test(paramName) ? ['token', 'secret'] : [];
  for (const candidate of [paramName, lastWord, lastSnake, 'id', snake, ...tokenLike]) if (candidate !== undefined && names.has(candidate)) return candidate;
  // `{name}` of an API token is its `tokenName`: the one property that ends in the parameter's name.
  const suffix = paramName.charAt(0).toUpperCase() + paramName.slice(1);
  const ending = [...names].filter((n) => n.endsWith(suffix) || n.endsWith(`_${snake}`));
  if (ending.length === 1) return ending[0]!;
  // A record with no `id` is keyed by its natural key (`{contextField}` of a context field is its `name`).
  for (const natural of ['name', 'key', 'slug']) if (names.has(natural)) return natural;
  return 'id';
}

/**
 * Whether a GET on an item path reads the one record its parameter `paramName` names: false when
 * its 2xx body is documented and has no property that could hold that value. Unleash's
 * `GET /api/admin/api-tokens/{name}` answers `{"tokens": [...]}` and `GET /api/admin/tags/{type}`
 * the tags of a type: lists filtered by the parameter, not a record keyed by it. A body with no
 * documented properties says nothing and counts as a read.
 */
export function readsOneRecord(op: OperationIr, paramName: string): boolean {
  const record = op.responses.find((r) => /^2\d\d$/.test(r.status))?.record;
  if (!record || record.names.length === 0) return true;
  return record.names.includes(pickIdField(record, paramName));
}
