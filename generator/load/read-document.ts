import { readFileSync, statSync } from 'node:fs';
import { Document, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { SpecError, toPointer } from '../spec-error';

export interface ReadLimits {
  /** Largest input file in bytes. GitHub's REST spec is ~13 MB; 64 MB leaves room. */
  maxBytes: number;
  /**
   * Budget of YAML nodes after alias expansion. Real specs use thousands of aliases (GitHub's),
   * so a count of aliases is the wrong measure; an alias bomb is caught by the expanded size.
   */
  maxExpandedNodes: number;
  /**
   * Deepest nesting of arrays and objects. Every later stage walks the document recursively, so
   * a hostile 100,000-level document would overflow the stack there; real specs nest a few dozen
   * levels (GitHub's REST spec: 21).
   */
  maxDepth: number;
}

export const defaultReadLimits: ReadLimits = { maxBytes: 64 * 1024 * 1024, maxExpandedNodes: 20_000_000, maxDepth: 256 };

type ChildrenOf = (node: unknown) => [string | number, unknown][];

/** The pointer of the first node nested deeper than maxDepth, found without recursion. */
function findTooDeep(root: unknown, maxDepth: number, childrenOf: ChildrenOf): (string | number)[] | undefined {
  const stack: { node: unknown; path: (string | number)[] }[] = [{ node: root, path: [] }];
  while (stack.length) {
    const { node, path } = stack.pop() as { node: unknown; path: (string | number)[] };
    if (path.length > maxDepth) return path;
    for (const [key, child] of childrenOf(node)) stack.push({ node: child, path: [...path, key] });
  }
  return undefined;
}

const childrenOfValue: ChildrenOf = (node) =>
  Array.isArray(node) ? node.map((v, i) => [i, v]) : node !== null && typeof node === 'object' ? Object.entries(node) : [];

const childrenOfYaml: ChildrenOf = (node) => {
  if (isSeq(node)) return node.items.map((v, i) => [i, v]);
  if (isMap(node)) return node.items.map((pair) => [String(isScalar(pair.key) ? pair.key.value : pair.key), pair.value]);
  return [];
};

function refuseTooDeep(file: string, root: unknown, limits: ReadLimits, childrenOf: ChildrenOf): void {
  const path = findTooDeep(root, limits.maxDepth, childrenOf);
  if (path) throw new SpecError(file, toPointer(path), `nested deeper than ${limits.maxDepth} levels (the limit)`);
}

/**
 * Read one YAML or JSON document as plain data. Core schema only (no `!!js/*`, no custom tags:
 * any unresolved tag is refused), duplicate keys refused, aliases expanded within a budget.
 */
export function readDocument(file: string, limits: ReadLimits = defaultReadLimits): unknown {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new SpecError(file, '', 'file not found');
  }
  if (size > limits.maxBytes) throw new SpecError(file, '', `file is ${size} bytes, over the ${limits.maxBytes}-byte limit`);
  const text = readFileSync(file, 'utf8');
  return parseDocumentText(file, text, limits);
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function parseDocumentText(file: string, text: string, limits: ReadLimits = defaultReadLimits): unknown {
  // JSON is YAML 1.2, but JSON.parse is much faster on a 13 MB JSON spec and has no tags or aliases.
  if (/^\s*[{[]/.test(text)) {
    const value = parseJsonOrUndefined(text);
    if (value !== undefined) {
      refuseTooDeep(file, value, limits, childrenOfValue);
      return value;
    }
    // Not JSON: flow-style YAML also starts with `{`; the YAML parser reports the position.
  }
  const doc = parseDocument(text, { schema: 'core', uniqueKeys: true, prettyErrors: true, merge: false });
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (problem) {
    const line = problem.linePos?.[0];
    const where = line ? ` (line ${line.line}, column ${line.col})` : '';
    const reason = problem.code === 'TAG_RESOLVE_FAILED' ? 'custom YAML tags are not allowed (core schema only)' : problem.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
    // The YAML parser itself recurses: a hostile nesting depth ends as its stack overflow.
    if (/Maximum call stack/.test(problem.message)) throw new SpecError(file, '', `nested too deeply to parse${where}`);
    throw new SpecError(file, pointerAtOffset(doc, problem.pos[0]), `${reason}${where}`);
  }
  refuseTooDeep(file, doc.contents, limits, childrenOfYaml);
  const expanded = countExpandedNodes(doc, limits.maxExpandedNodes);
  if (expanded > limits.maxExpandedNodes) {
    throw new SpecError(file, '', `YAML aliases expand past the budget of ${limits.maxExpandedNodes} nodes (alias bomb?)`);
  }
  return doc.toJS({ maxAliasCount: -1 }) as unknown;
}

/** Size of the document once every alias is replaced by its anchor's node; stops early past `cap`. */
function countExpandedNodes(doc: Document, cap: number): number {
  const memo = new Map<Node, number>();
  const active = new Set<Node>();
  const sizeOf = (node: unknown): number => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) return 1;
      if (active.has(target)) return cap + 1; // an alias inside its own anchor expands forever
      return sizeOf(target);
    }
    if (isPair(node)) return sizeOf(node.key) + sizeOf(node.value);
    if (!isMap(node) && !isSeq(node)) return 1;
    const cached = memo.get(node);
    if (cached !== undefined) return cached;
    active.add(node);
    let total = 1;
    for (const item of node.items) {
      total += sizeOf(item);
      if (total > cap) break;
    }
    active.delete(node);
    memo.set(node, total);
    return total;
  };
  return sizeOf(doc.contents);
}

/** JSON pointer of the deepest map/sequence entry containing a source offset, for error messages. */
function pointerAtOffset(doc: Document, offset: number): string {
  const path: (string | number)[] = [];
  let node: unknown = doc.contents;
  for (let depth = 0; depth < 200; depth++) {
    let next: unknown;
    if (isMap(node)) {
      for (const pair of node.items) {
        const range = (pair.value as Node | null)?.range ?? (pair.key as Node | null)?.range;
        const start = (pair.key as Node | null)?.range?.[0] ?? range?.[0];
        if (range && start !== undefined && offset >= start && offset <= range[1]) {
          path.push(isScalar(pair.key) ? String(pair.key.value) : '?');
          next = pair.value;
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const range = (item as Node | null)?.range;
        if (range && offset >= range[0] && offset <= range[1]) {
          path.push(i);
          next = item;
        }
      });
    }
    if (next === undefined) break;
    node = next;
  }
  return toPointer(path);
}
