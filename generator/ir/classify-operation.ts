import { isRecord } from '../spec-error';
import { resolveRecord } from './resolve-node';
import type { OperationIr, OperationRole } from './types';

const PARAM_SEGMENT = /^\{[^{}]+\}$/;

/**
 * Derive what the baseline cases need: the operation's role, its item-id parameter and its
 * collection path. Conventions of resource-oriented APIs: `/things` is a collection,
 * `/things/{id}` an item, `/things/{id}/verb` an action on an item.
 */
export function classifyOperation(op: OperationIr, all: readonly OperationIr[], doc: unknown): OperationIr {
  const segments = op.path.split('/').filter(Boolean);
  const last = segments.at(-1) ?? '';
  const beforeLast = segments.at(-2) ?? '';
  const pathParams = segments.filter((s) => PARAM_SEGMENT.test(s)).map((s) => s.slice(1, -1));
  const itemIdParam = pathParams.at(-1);
  const isItemPath = PARAM_SEGMENT.test(last);
  const isItemAction = !isItemPath && PARAM_SEGMENT.test(beforeLast);
  const role = decideRole(op, all, doc, isItemPath, isItemAction);
  // `/things/{id}/verb` acts on an item of `/things`; a nested collection `/things/{id}/parts` is its own.
  const actsOnItem = isItemAction && (role === 'action' || role === 'update' || role === 'delete');
  const collectionPath = isItemPath
    ? '/' + segments.slice(0, -1).join('/')
    : actsOnItem
      ? '/' + segments.slice(0, -2).join('/')
      : op.path;
  return {
    ...op,
    role,
    ...(itemIdParam ? { itemIdParam } : {}),
    ...(collectionPath !== '/' ? { collectionPath } : {}),
  };
}

function decideRole(op: OperationIr, all: readonly OperationIr[], doc: unknown, isItemPath: boolean, isItemAction: boolean): OperationRole {
  switch (op.method) {
    case 'get':
      return !isItemPath && successIsArray(op, doc) ? 'list' : 'read';
    case 'put':
    case 'patch':
      return 'update';
    case 'delete':
      return 'delete';
    case 'post': {
      if (isItemPath) return 'action';
      // A list beside it, plain or wrapped (`{"features": [...]}`): the POST adds to that collection.
      const hasList = all.some((o) => o.path === op.path && o.method === 'get' && listShape(o, doc) !== undefined);
      const creates = op.responses.some((r) => r.status === '201');
      if (hasList) return 'create';
      return creates && !isItemAction ? 'create' : 'action';
    }
    default:
      return 'action';
  }
}

/** Whether the first documented 2xx body is an array (type `array`, or 3.1 `["array", ...]`). */
export function successIsArray(op: OperationIr, doc: unknown): boolean {
  const ok = op.responses.find((r) => /^2/.test(r.status));
  if (!ok?.schema) return false;
  const schema = resolveRecord(doc, ok.schema);
  const type = schema.type;
  if (type === 'array') return true;
  if (Array.isArray(type) && type.includes('array')) return true;
  return isRecord(schema.items) && type === undefined;
}

/**
 * Where the records of a list response are: the 2xx body itself when it is an array, or the one
 * array-typed property of an object body (`{"version": 1, "projects": [...]}`, allOf parts
 * merged). `items` is the records' schema node; `listProperty` names the wrapping property.
 * Undefined when the body is neither.
 */
export function listShape(op: OperationIr, doc: unknown): { items: unknown; listProperty?: string } | undefined {
  const ok = op.responses.find((r) => /^2/.test(r.status));
  if (!ok?.schema) return undefined;
  const schema = resolveRecord(doc, ok.schema);
  if (successIsArray(op, doc)) return { items: schema.items };
  const parts = [schema, ...(Array.isArray(schema.allOf) ? (schema.allOf as unknown[]).map((p) => resolveRecord(doc, p)) : [])];
  const arrays = new Map<string, Record<string, unknown>>();
  for (const part of parts) {
    if (!isRecord(part.properties)) continue;
    for (const [name, node] of Object.entries(part.properties)) {
      const prop = resolveRecord(doc, node);
      const type = prop.type;
      if (type === 'array' || (Array.isArray(type) && type.includes('array')) || (type === undefined && isRecord(prop.items))) arrays.set(name, prop);
    }
  }
  if (arrays.size !== 1) return undefined;
  const [listProperty, prop] = [...arrays][0]!;
  return { items: prop.items, listProperty };
}
