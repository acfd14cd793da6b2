import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { SpecError, getAtPointer, isRecord, parsePointer, toPointer } from '../spec-error';
import { readDocument } from './read-document';

export interface BundleResult {
  document: Record<string, unknown>;
  /** Every file read, the root first: the inputs to hash. */
  files: string[];
}

interface Frame {
  file: string;
  /** Where we are inside `file`, for error pointers. */
  path: (string | number)[];
}

/** Set an own property even for `__proto__`: spec keys are data, never prototype links. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/**
 * Inline every `$ref` to another file so later stages see one document. Local refs (`#/...`) of
 * the root document stay as they are. External refs must be relative paths that stay inside the
 * root spec's folder; any URL (`http:`, `https:`, `file:`) is refused, so generation never touches
 * the network. A cycle through external files is hoisted into `components.schemas` (only schemas
 * recurse in practice) and referenced locally.
 */
export function bundleRefs(rootFile: string, rootDoc: unknown, read: (file: string) => unknown = readDocument): BundleResult {
  if (!isRecord(rootDoc)) throw new SpecError(rootFile, '', 'the document is not an object');
  const rootDir = realDir(rootFile);
  const cache = new Map<string, unknown>([[rootFile, rootDoc]]);
  const files = [rootFile];
  const active = new Set<string>();
  const hoisted = new Map<string, string>();
  const hoistRequested = new Set<string>();
  const hoistedSchemas: Record<string, unknown> = Object.create(null) as Record<string, unknown>;

  const loadFile = (file: string, frame: Frame): unknown => {
    if (!cache.has(file)) {
      try {
        cache.set(file, read(file));
      } catch (err) {
        if (err instanceof SpecError && err.reason === 'file not found') {
          throw new SpecError(frame.file, toPointer(frame.path), `$ref target file not found: ${relative(rootDir, file)}`);
        }
        throw err;
      }
      files.push(file);
    }
    return cache.get(file);
  };

  const nameFor = (key: string): string => {
    const existing = hoisted.get(key);
    if (existing) return existing;
    const base = (key.split('/').pop() ?? 'Schema').replace(/[^A-Za-z0-9_]/g, '_') || 'Schema';
    let name = base;
    for (let i = 2; name in hoistedSchemas || [...hoisted.values()].includes(name); i++) name = `${base}_${i}`;
    hoisted.set(key, name);
    return name;
  };

  const followRef = (ref: string, frame: Frame): unknown => {
    const here = toPointer(frame.path);
    if (SCHEME.test(ref)) {
      throw new SpecError(frame.file, here, `$ref "${ref}" is refused: only relative file refs inside the spec's folder are followed, never URLs`);
    }
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const fragment = hash === -1 ? '' : ref.slice(hash + 1);
    if (isAbsolute(filePart) || filePart.startsWith('\\')) {
      throw new SpecError(frame.file, here, `$ref "${ref}" is refused: absolute paths are not followed`);
    }
    const target = filePart === '' ? frame.file : resolve(dirname(frame.file), decodeURI(filePart));
    const inside = (p: string) => {
      const rel = relative(rootDir, p);
      return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
    };
    if (!inside(target) || !inside(realFile(target))) {
      throw new SpecError(frame.file, here, `$ref "${ref}" is refused: it leaves the spec's folder`);
    }
    const key = `${target}#${fragment}`;
    const done = hoisted.get(key);
    if (done && !active.has(key)) return { $ref: `#/components/schemas/${done}` };
    if (active.has(key)) {
      hoistRequested.add(key);
      return { $ref: `#/components/schemas/${nameFor(key)}` };
    }
    let segments: string[];
    try {
      segments = parsePointer(fragment);
    } catch {
      throw new SpecError(frame.file, here, `$ref "${ref}" has a malformed JSON pointer`);
    }
    const node = getAtPointer(loadFile(target, frame), segments);
    if (node === undefined) throw new SpecError(frame.file, here, `$ref "${ref}" points at nothing`);
    active.add(key);
    const copy = walk(node, { file: target, path: segments });
    active.delete(key);
    if (hoistRequested.has(key)) {
      const name = nameFor(key);
      hoistedSchemas[name] = copy;
      return { $ref: `#/components/schemas/${name}` };
    }
    return copy;
  };

  const walk = (node: unknown, frame: Frame): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => walk(item, { file: frame.file, path: [...frame.path, i] }));
    if (!isRecord(node)) return node;
    const ref = node.$ref;
    if (typeof ref === 'string') {
      // A local ref of the root document stays; in another file it means that file.
      if (ref.startsWith('#') && frame.file === rootFile) return copyShallowRef(node);
      return followRef(ref, { file: frame.file, path: [...frame.path, '$ref'] });
    }
    const out = {} as Record<string, unknown>;
    for (const [k, v] of Object.entries(node)) setOwn(out, k, walk(v, { file: frame.file, path: [...frame.path, k] }));
    return out;
  };

  const document = walk(rootDoc, { file: rootFile, path: [] }) as Record<string, unknown>;
  if (Object.keys(hoistedSchemas).length > 0) addHoisted(document, hoistedSchemas);
  return { document, files };
}

function copyShallowRef(node: Record<string, unknown>): Record<string, unknown> {
  const out = {} as Record<string, unknown>;
  for (const [k, v] of Object.entries(node)) setOwn(out, k, v);
  return out;
}

function addHoisted(document: Record<string, unknown>, schemas: Record<string, unknown>): void {
  if (!isRecord(document.components)) setOwn(document, 'components', {});
  const components = document.components as Record<string, unknown>;
  if (!isRecord(components.schemas)) setOwn(components, 'schemas', {});
  const target = components.schemas as Record<string, unknown>;
  for (const [name, schema] of Object.entries(schemas)) if (!(name in target)) setOwn(target, name, schema);
}

function realDir(file: string): string {
  return dirname(realFile(file));
}

/** realpath when the file exists, so a symlink cannot smuggle a ref out of the folder. */
function realFile(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}
