import { isRecord } from '../spec-error';
import { resolveRecord } from './resolve-node';
import type { ListParametersIr, ListShapeIr, ParameterIr, PropertyIr } from './types';

/**
 * What a list's parameters mean, read from the spec alone (issue 16): a query parameter named like
 * a property of the listed items, of the same type (and, with enums on both sides, values the
 * property allows), is a filter, or the parameter says so with `x-filter-of: <property>`;
 * `limit`/`per_page`/`page_size` is the page size (its `maximum` the largest page);
 * `offset`/`page`/`cursor` pages; a nested path's parent id is carried by each child in the
 * property that matches it (or the one its `x-filter-of` names). The config may say otherwise per
 * operation and parameter; the planner applies that (generator/plan/plan-list-checks.ts).
 */

const PAGE_SIZE = /^(limit|per_?page|page_?size|size|max_?results)$/i;
const OFFSET = /^(offset|skip|start)$/i;
const PAGE = /^(page|page_?number|page_?no)$/i;
const CURSOR = /^(cursor|after|page_?token|next_?token|starting_?after|continuation_?token)$/i;
/** Where a response hands out the next cursor (a wrapped list's sibling property). */
const NEXT_CURSOR = /^(next_?cursor|next_?page_?token|next_?token|cursor|next)$/i;
/** A path parameter that names its owner (`companyId`, `run_id`, `projectKey`): a child carries it. */
const FOREIGN_KEY = /.(Id|_id|ID|Key|_key|Uuid|_uuid)$/;

export function classifyListParameters(doc: unknown, query: readonly ParameterIr[], pathParams: readonly ParameterIr[], list: ListShapeIr, okSchema: unknown): ListParametersIr {
  const properties = list.record?.properties ?? [];
  const out: ListParametersIr = { filters: [], parents: [], others: [] };
  for (const p of query) {
    if (PAGE_SIZE.test(p.name) && isIntegerLike(p.resolved)) {
      out.pageSize ??= { param: p.name, ...bound(p.resolved, 'maximum'), ...bound(p.resolved, 'minimum') };
      continue;
    }
    if (OFFSET.test(p.name) && isIntegerLike(p.resolved)) {
      out.paging ??= { kind: 'offset', param: p.name };
      continue;
    }
    if (PAGE.test(p.name) && isIntegerLike(p.resolved)) {
      out.paging ??= { kind: 'page', param: p.name, first: typeof p.resolved.minimum === 'number' ? p.resolved.minimum : 1 };
      continue;
    }
    if (CURSOR.test(p.name)) {
      const field = nextCursorField(doc, okSchema, list);
      if (field) out.paging ??= { kind: 'cursor', param: p.name, cursorField: field };
      else out.others.push({ param: p.name, reason: 'a cursor, but the response has no next-cursor property to follow' });
      continue;
    }
    const filter = filterProperty(p, properties);
    if ('property' in filter) out.filters.push({ param: p.name, property: filter.property, by: filter.by, ...(typeof p.resolved.pattern === 'string' ? { pattern: p.resolved.pattern } : {}) });
    else out.others.push({ param: p.name, reason: filter.reason });
  }
  for (const p of pathParams) {
    const parent = parentProperty(p, properties);
    out.parents.push({ param: p.name, ...parent });
  }
  return out;
}

/** `isActive`, `is_active`, `IsActive` name one property. */
function normalise(name: string): string {
  return name.replace(/[_-]/g, '').toLowerCase();
}

function typesOf(schema: Record<string, unknown>): Set<string> {
  const raw = Array.isArray(schema.type) ? schema.type : typeof schema.type === 'string' ? [schema.type] : [];
  const out = new Set((raw as unknown[]).filter((t): t is string => typeof t === 'string' && t !== 'null').map((t) => (t === 'integer' ? 'number' : t)));
  if (out.size === 0 && Array.isArray(schema.enum)) for (const v of schema.enum) if (v !== null) out.add(typeof v);
  return out;
}

/** A count or a position: an integer, or a string of digits (many specs type `limit` as a string: Unleash's `"limit": {"type": "string"}`). */
function isIntegerLike(schema: Record<string, unknown>): boolean {
  const types = typesOf(schema);
  if (types.has('number') || types.size === 0) return true;
  if (!types.has('string') || schema.format !== undefined || Array.isArray(schema.enum)) return false;
  if (typeof schema.pattern !== 'string') return true;
  try {
    return new RegExp(schema.pattern, 'u').test('10');
  } catch {
    return false;
  }
}

function bound(schema: Record<string, unknown>, key: 'maximum' | 'minimum'): Partial<Record<'maximum' | 'minimum', number>> {
  return typeof schema[key] === 'number' ? { [key]: schema[key] as number } : {};
}

function filterProperty(p: ParameterIr, properties: readonly PropertyIr[]): { property: string; by: 'name' | 'x-filter-of' } | { reason: string } {
  if (p.filterOf !== undefined) {
    return properties.some((prop) => prop.name === p.filterOf) ? { property: p.filterOf, by: 'x-filter-of' } : { reason: `x-filter-of names "${p.filterOf}", which the listed items do not have` };
  }
  const prop = properties.find((q) => normalise(q.name) === normalise(p.name));
  if (!prop) return { reason: 'no property of the listed items has its name' };
  const want = typesOf(prop.resolved);
  const have = typesOf(p.resolved);
  if (want.has('object') || want.has('array')) return { reason: `property ${prop.name} is not a scalar` };
  if (![...have].some((t) => want.has(t))) return { reason: `its type (${[...have].join('|') || 'none'}) is not the type of property ${prop.name} (${[...want].join('|') || 'none'})` };
  if (Array.isArray(p.resolved.enum) && Array.isArray(prop.resolved.enum)) {
    const allowed = new Set(prop.resolved.enum as unknown[]);
    const outside = (p.resolved.enum as unknown[]).filter((v) => !allowed.has(v));
    if (outside.length > 0) return { reason: `its enum has values property ${prop.name} cannot take (${outside.map((v) => JSON.stringify(v)).join(', ')})` };
  }
  return { property: prop.name, by: 'name' };
}

/** The child's property that holds the parent's id: `x-filter-of`, else the parameter's own name when it names its owner. */
function parentProperty(p: ParameterIr, properties: readonly PropertyIr[]): { property: string } | { reason: string } {
  if (p.filterOf !== undefined) {
    return properties.some((prop) => prop.name === p.filterOf) ? { property: p.filterOf } : { reason: `x-filter-of names "${p.filterOf}", which the listed items do not have` };
  }
  // `{ticker}` of `/companies/{ticker}/competitors`: the competitors' own `ticker` is theirs, not the parent's
  if (!FOREIGN_KEY.test(p.name)) return { reason: `{${p.name}} does not name its owner (like companyId): an item's "${p.name}" may be its own` };
  const prop = properties.find((q) => normalise(q.name) === normalise(p.name));
  return prop ? { property: prop.name } : { reason: `the listed items have no property "${p.name}"` };
}

/** The next-cursor property of a wrapped list: a string sibling of the items (allOf parts merged one level). */
function nextCursorField(doc: unknown, okSchema: unknown, list: ListShapeIr): string | undefined {
  if (list.listProperty === undefined) return undefined;
  const schema = resolveRecord(doc, okSchema);
  const parts = [schema, ...(Array.isArray(schema.allOf) ? (schema.allOf as unknown[]).map((s) => resolveRecord(doc, s)) : [])];
  for (const part of parts) {
    if (!isRecord(part.properties)) continue;
    for (const [name, node] of Object.entries(part.properties)) if (NEXT_CURSOR.test(name) && typesOf(resolveRecord(doc, node)).has('string')) return name;
  }
  return undefined;
}
