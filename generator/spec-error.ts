/**
 * A problem with an input document that stops generation: the CLI exits 2 and writes nothing.
 * Always names the file and the JSON pointer (RFC 6901) of the offending node.
 */
export class SpecError extends Error {
  constructor(
    readonly file: string,
    readonly pointer: string,
    readonly reason: string,
  ) {
    super(`${file}#${pointer}: ${reason}`);
    this.name = 'SpecError';
  }
}

/** Encode path segments as a JSON pointer (RFC 6901 section 3: `~` -> `~0`, `/` -> `~1`). */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Decode a JSON pointer into its segments; `''` and `'/'`-less input mean the root. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '#') return [];
  const body = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (!body.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`);
  return body
    .slice(1)
    .split('/')
    .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Follow a pointer into plain JSON data; undefined when any step is missing. Own properties only. */
export function getAtPointer(root: unknown, segments: readonly string[]): unknown {
  let node: unknown = root;
  for (const seg of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, seg)) return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
