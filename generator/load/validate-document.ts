import { SpecError, getAtPointer, isRecord, parsePointer, toPointer } from '../spec-error';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const PARAMETER_LOCATIONS = new Set(['path', 'query', 'header', 'cookie']);

/**
 * The structural checks later stages rely on, each failing with the JSON pointer of the node:
 * paths (OpenAPI 3.x section 4.8.8), operations and their responses, parameters (4.8.12), and
 * every local `$ref` resolving. Problems confined to one operation's semantics (an odd path
 * template, an unsampleable schema) are left to the plan, which skips that case with a reason.
 */
export function validateDocument(file: string, doc: Record<string, unknown>): void {
  const fail = (path: (string | number)[], reason: string): never => {
    throw new SpecError(file, toPointer(path), reason);
  };
  if (!isRecord(doc.info)) fail(['info'], 'missing or not an object (OpenAPI requires an info object)');
  const paths = doc.paths ?? {};
  if (!isRecord(paths)) fail(['paths'], 'not an object');
  for (const [route, item] of Object.entries(paths as Record<string, unknown>)) {
    if (!route.startsWith('/')) fail(['paths', route], 'a path must start with "/"');
    if (!isRecord(item)) fail(['paths', route], 'a path item must be an object');
    const pathItem = item as Record<string, unknown>;
    checkParameters(pathItem.parameters, ['paths', route, 'parameters'], fail);
    for (const method of HTTP_METHODS) {
      const op = pathItem[method];
      if (op === undefined) continue;
      const at = ['paths', route, method];
      if (!isRecord(op)) fail(at, 'an operation must be an object');
      const operation = op as Record<string, unknown>;
      if (operation.operationId !== undefined && typeof operation.operationId !== 'string') fail([...at, 'operationId'], 'must be a string');
      if (operation.responses !== undefined && !isRecord(operation.responses)) fail([...at, 'responses'], 'must be an object');
      if (operation.tags !== undefined && !(Array.isArray(operation.tags) && operation.tags.every((t) => typeof t === 'string'))) {
        fail([...at, 'tags'], 'must be an array of strings');
      }
      checkParameters(operation.parameters, [...at, 'parameters'], fail);
    }
  }
  checkLocalRefs(doc, doc, [], fail, new Set());
}

function checkParameters(params: unknown, at: (string | number)[], fail: (p: (string | number)[], r: string) => never): void {
  if (params === undefined) return;
  if (!Array.isArray(params)) fail(at, 'parameters must be an array');
  (params as unknown[]).forEach((p, i) => {
    if (!isRecord(p)) fail([...at, i], 'a parameter must be an object');
    const param = p as Record<string, unknown>;
    if (typeof param.$ref === 'string') return;
    if (typeof param.name !== 'string') fail([...at, i, 'name'], 'a parameter needs a string name');
    if (typeof param.in !== 'string' || !PARAMETER_LOCATIONS.has(param.in)) fail([...at, i, 'in'], 'must be one of path, query, header, cookie');
  });
}

/** Every local `$ref` must land on something; refs are data, so walk with a visited set for shared nodes. */
function checkLocalRefs(
  root: Record<string, unknown>,
  node: unknown,
  path: (string | number)[],
  fail: (p: (string | number)[], r: string) => never,
  seen: Set<unknown>,
): void {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    node.forEach((item, i) => checkLocalRefs(root, item, [...path, i], fail, seen));
    return;
  }
  const rec = node as Record<string, unknown>;
  if (typeof rec.$ref === 'string' && !path.includes('example') && !path.includes('examples')) {
    const ref = rec.$ref;
    if (!ref.startsWith('#')) fail([...path, '$ref'], `unexpected non-local $ref "${ref}" after bundling`);
    let segments: string[] = [];
    try {
      segments = parsePointer(ref);
    } catch {
      fail([...path, '$ref'], `malformed JSON pointer in $ref "${ref}"`);
    }
    if (getAtPointer(root, segments) === undefined) fail([...path, '$ref'], `$ref "${ref}" points at nothing`);
  }
  for (const [k, v] of Object.entries(rec)) checkLocalRefs(root, v, [...path, k], fail, seen);
}
