import type { OperationIr, OperationRole } from './types';

const PARAM_SEGMENT = /^\{[^{}]+\}$/;

/**
 * Derive what the baseline cases need: the operation's role, its item-id parameter and its
 * collection path. Conventions of resource-oriented APIs: `/things` is a collection,
 * `/things/{id}` an item, `/things/{id}/verb` an action on an item.
 */
export function classifyOperation(op: OperationIr, all: readonly OperationIr[]): OperationIr {
  const segments = op.path.split('/').filter(Boolean);
  const last = segments.at(-1) ?? '';
  const beforeLast = segments.at(-2) ?? '';
  const pathParams = segments.filter((s) => PARAM_SEGMENT.test(s)).map((s) => s.slice(1, -1));
  const itemIdParam = pathParams.at(-1);
  const isItemPath = PARAM_SEGMENT.test(last);
  const isItemAction = !isItemPath && PARAM_SEGMENT.test(beforeLast);
  const role = decideRole(op, all, isItemPath, isItemAction);
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

function decideRole(op: OperationIr, all: readonly OperationIr[], isItemPath: boolean, isItemAction: boolean): OperationRole {
  switch (op.method) {
    case 'get':
      return !isItemPath && successIsArray(op) ? 'list' : 'read';
    case 'put':
    case 'patch':
      return 'update';
    case 'delete':
      return 'delete';
    case 'post': {
      if (isItemPath) return 'action';
      // A list beside it, plain or wrapped (`{"features": [...]}`): the POST adds to that collection.
      const hasList = all.some((o) => o.path === op.path && o.method === 'get' && o.list !== undefined);
      const creates = op.responses.some((r) => r.status === '201');
      if (hasList) return 'create';
      return creates && !isItemAction ? 'create' : 'action';
    }
    default:
      return 'action';
  }
}

/** Whether the first documented 2xx body is an array (type `array`, or 3.1 `["array", ...]`). */
export function successIsArray(op: OperationIr): boolean {
  return op.list !== undefined && op.list.listProperty === undefined;
}
