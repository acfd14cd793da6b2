import { SpecError, isRecord, parsePointer } from '../spec-error';

export interface FoldedBasePath {
  document: Record<string, unknown>;
  /** What every path key now starts with; `''` when the basePath was `""` or `/`. */
  prefix: string;
}

/**
 * Swagger 2.0 `basePath` (section "Swagger Object": the URL is scheme + host + basePath + path)
 * folded into every path key, before the conversion to OpenAPI 3.
 *
 * The config's `baseUrl` stands for scheme + host (the instance under test); the basePath is part
 * of the URL the API is served at, so `/v2` + `/pets` is called, recorded and reported as
 * `/v2/pets`. swagger2openapi would put it into `servers[].url` instead, which the generated client
 * never reads, so the calls went to `<baseUrl>/pets`. OpenAPI 3 documents are not touched: there
 * the config's `baseUrl` replaces the whole server URL, its path included.
 *
 * Returns a copy without `basePath`, paths prefixed, and local `$ref`s into a renamed path item
 * rewritten (`""` and `/` fold to nothing); `undefined` when the document has no basePath.
 */
export function applyBasePath(file: string, doc: Record<string, unknown>): FoldedBasePath | undefined {
  const basePath = doc.basePath;
  if (basePath === undefined) return undefined;
  if (typeof basePath !== 'string') throw new SpecError(file, '/basePath', 'must be a string');
  // the spec: "MUST start with a leading slash", and "does not support path templating"
  if (basePath !== '' && !basePath.startsWith('/')) throw new SpecError(file, '/basePath', `must start with "/" (got ${JSON.stringify(basePath)})`);
  if (/[{}?#]/.test(basePath)) throw new SpecError(file, '/basePath', `must be a plain path: no templates, query or fragment (got ${JSON.stringify(basePath)})`);
  const prefix = basePath.replace(/\/+$/, '');
  const rest = { ...doc };
  delete rest.basePath;
  if (prefix === '' || !isRecord(doc.paths)) return { document: rest, prefix };

  const renamed = new Set<string>();
  const paths: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(doc.paths)) {
    // extensions (`x-...`) stay; a key without a leading "/" is left for validation to refuse
    const next = key.startsWith('/') ? prefix + key : key;
    if (next !== key) renamed.add(key);
    paths[next] = item;
  }
  // a copy: the refs are rewritten in place
  const out = structuredClone({ ...rest, paths });
  rewritePathRefs(out, prefix, renamed, new Set());
  return { document: out, prefix };
}

/**
 * `#/paths/<old>/...` -> `#/paths/<prefix><old>/...`, in place; nodes may be shared, hence `seen`.
 * Only the first segment changes and the rest of the ref keeps the author's spelling; the prefix is
 * escaped as `parsePointer` reads it (RFC 6901 `~0` `~1`, and `%` because fragments are URI-decoded).
 */
function rewritePathRefs(node: unknown, prefix: string, renamed: Set<string>, seen: Set<unknown>): void {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const item of node) rewritePathRefs(item, prefix, renamed, seen);
    return;
  }
  const rec = node as Record<string, unknown>;
  const ref = rec.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/paths/')) {
    const rawSegment = ref.slice('#/paths/'.length).split('/')[0] ?? '';
    let key: string | undefined;
    try {
      key = parsePointer('/' + rawSegment)[0];
    } catch {
      // a malformed pointer is validation's to report, where the author wrote it
    }
    if (key !== undefined && renamed.has(key)) {
      const escaped = prefix.replace(/%/g, '%25').replace(/~/g, '~0').replace(/\//g, '~1');
      rec.$ref = '#/paths/' + escaped + ref.slice('#/paths/'.length);
    }
  }
  for (const value of Object.values(rec)) rewritePathRefs(value, prefix, renamed, seen);
}
