import { getAtPointer, isRecord, parsePointer } from '../spec-error';

/**
 * Follow local `$ref`s (already validated to land somewhere) until a non-ref node. A chain that
 * loops (`A -> B -> A`) yields undefined rather than spinning.
 */
export function resolveNode(document: unknown, node: unknown): unknown {
  let current = node;
  for (let hops = 0; hops < 32; hops++) {
    if (!isRecord(current) || typeof current.$ref !== 'string') return current;
    current = getAtPointer(document, parsePointer(current.$ref));
  }
  return undefined;
}

/** The resolved node as a record, or an empty one. */
export function resolveRecord(document: unknown, node: unknown): Record<string, unknown> {
  const resolved = resolveNode(document, node);
  return isRecord(resolved) ? resolved : {};
}

/** The first example of a parameter, media type or schema (`example` beats `examples`). */
export function firstExample(document: unknown, holder: Record<string, unknown>): { value: unknown } | undefined {
  if (Object.prototype.hasOwnProperty.call(holder, 'example')) return { value: holder.example };
  const examples = holder.examples;
  // Media type / parameter `examples` is a map of Example Objects; schema `examples` (3.1) an array.
  if (Array.isArray(examples) && examples.length > 0) return { value: examples[0] };
  if (isRecord(examples)) {
    for (const key of Object.keys(examples).sort()) {
      const ex = resolveRecord(document, examples[key]);
      if (Object.prototype.hasOwnProperty.call(ex, 'value')) return { value: ex.value };
    }
  }
  return undefined;
}
