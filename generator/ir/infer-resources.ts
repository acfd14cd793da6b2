import { pickIdField, readsOneRecord } from './record-shape';
import type { OperationIr, ResourceIr } from './types';

const PARAM_SEGMENT = /^\{([^{}]+)\}$/;

/**
 * Resources from the paths: every create (a POST to a collection) with the item path that reads
 * one record: `<collection>/{id}`, or for a nested collection `/<last segment>/{id}`
 * (`POST /runs/{runId}/orders` -> `GET /orders/{orderId}`). A link of the create's 2xx response
 * to a GET (OAS 3.x 4.8.20, `$response.body#/field` feeding a path parameter) wins over both.
 */
export function inferResources(operations: readonly OperationIr[]): ResourceIr[] {
  const out: ResourceIr[] = [];
  const { byPath, items } = indexPaths(operations);
  for (const create of operations) {
    if (create.role !== 'create' || create.method !== 'post' || create.problems.length > 0) continue;
    const collection = create.path;
    const segments = collection.split('/').filter(Boolean);
    const parentParams = segments.flatMap((s) => PARAM_SEGMENT.exec(s)?.[1] ?? []);
    const created = create.responses.find((r) => /^2\d\d$/.test(r.status));
    const linked = readFromLink(create, operations);
    const item = linked?.read ?? itemRead(collection, segments, items);
    // a resource with a DELETE but no GET by id still has an item path (not one whose GET lists)
    const itemPath = item?.op.path ?? items.get(collection)?.find((o) => o.method !== 'get')?.path;
    const itemParam = item?.param ?? (itemPath ? PARAM_SEGMENT.exec(itemPath.split('/').at(-1)!)?.[1] : undefined);
    const onItem = (method: string) => (itemPath ? byPath.get(itemPath)?.find((o) => o.method === method && o.problems.length === 0) : undefined);
    // a wrapped list (`{"notes": [...]}`) is a list here, though its role is read
    const list = byPath.get(collection)?.find((o) => o.method === 'get' && o.list !== undefined && o.problems.length === 0);
    const del = onItem('delete');
    out.push({
      collection,
      create,
      ...(item ? { read: item.op } : {}),
      ...(itemParam ? { itemParam } : {}),
      idField: linked?.field ?? pickIdField(created?.record, itemParam ?? 'id'),
      updates: ['put', 'patch'].flatMap((m) => onItem(m) ?? []).filter((o) => o.body !== undefined),
      ...(del ? { delete: del } : {}),
      ...(list ? { list } : {}),
      parentParams,
      linked: linked !== undefined,
    });
  }
  return out.sort((a, b) => (a.collection < b.collection ? -1 : a.collection > b.collection ? 1 : 0));
}

/** The GET by id on `<collection>/{p}`, else (nested) on `/<last segment>/{p}`; never a GET that answers a list filtered by `{p}`. */
function itemRead(collection: string, segments: string[], items: ReadonlyMap<string, OperationIr[]>): { op: OperationIr; param: string } | undefined {
  const candidates = [collection];
  const last = segments.at(-1);
  if (segments.length > 1 && last && !PARAM_SEGMENT.test(last)) candidates.push(`/${last}`);
  for (const base of candidates) {
    const op = items.get(base)?.find((o) => o.method === 'get' && o.role === 'read' && o.problems.length === 0 && readsOneRecord(o, lastParam(o.path)));
    if (op) return { op, param: lastParam(op.path) };
  }
  return undefined;
}

function lastParam(path: string): string {
  return PARAM_SEGMENT.exec(path.split('/').at(-1)!)?.[1] ?? '';
}

/**
 * The operations by path, and by collection those on its item paths (`<collection>/{p}`), each in
 * the operations' order: looked up per create instead of a scan of every operation per create,
 * which made resource inference quadratic in the spec's size.
 */
function indexPaths(operations: readonly OperationIr[]): { byPath: Map<string, OperationIr[]>; items: Map<string, OperationIr[]> } {
  const byPath = new Map<string, OperationIr[]>();
  const items = new Map<string, OperationIr[]>();
  const add = (map: Map<string, OperationIr[]>, key: string, op: OperationIr) => {
    const list = map.get(key);
    if (list) list.push(op);
    else map.set(key, [op]);
  };
  for (const o of operations) {
    add(byPath, o.path, o);
    const cut = o.path.lastIndexOf('/');
    if (cut > 0 && PARAM_SEGMENT.test(o.path.slice(cut + 1))) add(items, o.path.slice(0, cut), o);
  }
  return { byPath, items };
}

/** A link from the create's 2xx response to a GET by id: `{"operationId": "getThing", "parameters": {"thingId": "$response.body#/id"}}`. */
function readFromLink(create: OperationIr, operations: readonly OperationIr[]): { read: { op: OperationIr; param: string }; field: string } | undefined {
  for (const response of create.responses.filter((r) => /^2/.test(r.status))) {
    for (const link of response.links ?? []) {
      const op = operations.find((o) => o.operationId === link.operationId && o.method === 'get' && o.problems.length === 0);
      if (!op) continue;
      for (const [param, expression] of Object.entries(link.parameters)) {
        const field = /^\$response\.body#\/([^/]+)$/.exec(expression)?.[1];
        if (field && op.parameters.path.some((p) => p.name === param)) return { read: { op, param }, field: field.replace(/~1/g, '/').replace(/~0/g, '~') };
      }
    }
  }
  return undefined;
}
