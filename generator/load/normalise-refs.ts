import { SpecError, getAtPointer, isRecord, parsePointer, toPointer } from '../spec-error';
import { setOwn } from './bundle-refs';

/**
 * Two rewrites of a loaded, validated document that keep its meaning but spell it the way
 * openapi-typescript (and redocly's bundler under it) can type. Each returns warnings for what it
 * could not rewrite; the document is changed in place.
 */

/** Keys whose values are data, not schema: a `$ref` or `discriminator` in there is an example value. */
const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const']);

type Visit = (node: Record<string, unknown>, path: string[]) => void;

/** Every object node outside example/default data, parents before children; no recursion (documents may nest 256 deep). */
function forEachObject(root: unknown, visit: Visit): void {
  const stack: { node: unknown; path: string[] }[] = [{ node: root, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ node: node[i], path: [...path, String(i)] });
      continue;
    }
    if (!isRecord(node)) continue;
    visit(node, path);
    const parent = path[path.length - 1];
    const entries = Object.entries(node);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, v] = entries[i]!;
      // `properties.example` is a property named "example", a schema; elsewhere it is data
      if (DATA_KEYS.has(k) && parent !== 'properties') continue;
      stack.push({ node: v, path: [...path, k] });
    }
  }
}

function schemasOf(doc: Record<string, unknown>): Record<string, unknown> {
  const components = isRecord(doc.components) ? doc.components : {};
  return isRecord(components.schemas) ? components.schemas : {};
}

/**
 * OpenAPI 3.0/3.1 (Discriminator Object): a `mapping` value that is not a reference names a schema
 * in `components/schemas` (`dog: Dog`). openapi-typescript reads every value as a `$ref` and fails,
 * so a bare name (no `#`, no `/`) becomes `#/components/schemas/<name>` when that schema exists;
 * any other unresolvable value is left as it is, with a warning.
 */
export function rewriteDiscriminatorMappings(doc: Record<string, unknown>): string[] {
  const warnings: string[] = [];
  const schemas = schemasOf(doc);
  forEachObject(doc, (node, path) => {
    const disc = node.discriminator;
    if (!isRecord(disc) || !isRecord(disc.mapping)) return;
    for (const [key, value] of Object.entries(disc.mapping)) {
      if (typeof value !== 'string') continue;
      const at = toPointer([...path, 'discriminator', 'mapping', key]);
      if (!value.includes('#') && !value.includes('/')) {
        if (Object.prototype.hasOwnProperty.call(schemas, value)) {
          setOwn(disc.mapping, key, `#${toPointer(['components', 'schemas', value])}`);
        } else {
          warnings.push(`${at}: discriminator mapping ${JSON.stringify(value)} names no schema in components/schemas; left as it is`);
        }
        continue;
      }
      if (value.startsWith('#')) {
        let target: unknown;
        try {
          target = getAtPointer(doc, parsePointer(value));
        } catch {
          target = undefined;
        }
        if (target === undefined) warnings.push(`${at}: discriminator mapping ${JSON.stringify(value)} points at nothing; left as it is`);
      }
    }
  });
  return warnings;
}

/** Follow refs from `ref` through nodes that are only a `$ref`: coming back to `target` is a cycle with no schema in it. */
function refuseRefOnlyCycle(file: string, doc: Record<string, unknown>, target: string, ref: string): void {
  const seen = new Set<string>([target]);
  for (let r: unknown = ref; typeof r === 'string' && r.startsWith('#'); ) {
    if (seen.has(r)) throw new SpecError(file, target.slice(1), `$ref "${target}" refers to itself through ${[...seen].slice(1).map((x) => JSON.stringify(x)).join(', ') || 'itself'}`);
    seen.add(r);
    const next = getAtPointer(doc, pointerSegments(r) ?? []);
    r = isRecord(next) ? next.$ref : undefined;
  }
}

function pointerSegments(ref: string): string[] | undefined {
  try {
    return parsePointer(ref);
  } catch {
    return undefined;
  }
}

const SUBSCHEMA = new Set(['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'additionalItems']);
const SUBSCHEMA_MAP = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
const SUBSCHEMA_LIST = new Set(['allOf', 'oneOf', 'anyOf', 'prefixItems', 'items']);

/** Whether these segments, read from a schema, lead to a schema again (`properties/x/items`), not to data (`example`). */
function isSchemaWalk(segments: readonly string[]): boolean {
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const next = segments[i + 1];
    if (SUBSCHEMA_LIST.has(s) && next !== undefined && /^\d+$/.test(next)) i++;
    else if (SUBSCHEMA_MAP.has(s) && next !== undefined) i++;
    else if (!SUBSCHEMA.has(s)) return false;
  }
  return true;
}

/**
 * The `components` section a ref target belongs in, from where it sits, when openapi-typescript
 * would type the ref as an indexed access into another type: anything under `/paths`, and anything
 * below a named component (`/components/schemas/Order/properties/item`). Undefined: leave the ref.
 */
export function componentKind(segments: readonly string[]): string | undefined {
  let rest: readonly string[];
  if (segments[0] === 'paths' && segments.length > 2) rest = segments.slice(2);
  else if (segments[0] === 'components' && segments.length > 3) {
    if (segments[1] === 'schemas') return isSchemaWalk(segments.slice(3)) ? 'schemas' : undefined;
    rest = segments.slice(3);
  } else return undefined;
  const schemaAt = rest.indexOf('schema');
  if (schemaAt >= 0) return isSchemaWalk(rest.slice(schemaAt + 1)) ? 'schemas' : undefined;
  const last = rest[rest.length - 1];
  const before = rest[rest.length - 2];
  if (before === 'parameters' && /^\d+$/.test(last ?? '')) return 'parameters';
  if (last === 'requestBody') return 'requestBodies';
  if (before === 'responses') return 'responses';
  if (before === 'headers') return 'headers';
  return undefined; // a path item, an operation, an example: left to openapi-typescript
}

/** `/paths/~1pets~1{id}/post/requestBody/content/application~1json/schema/properties/owner` -> `PetsIdPostRequestBodyOwner`. */
function hoistedBaseName(segments: readonly string[]): string {
  const noise = new Set(['paths', 'components', 'schemas', 'content', 'schema', 'properties', 'application/json']);
  const words = segments
    .filter((s) => !noise.has(s))
    .flatMap((s) => s.split(/[^A-Za-z0-9]+/))
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  const name = words.join('');
  return /^[A-Za-z]/.test(name) ? name : `Path${name}`;
}

/**
 * A local `$ref` into `#/paths/...` or below a named component (`#/components/schemas/Order/properties/item`)
 * is legal (any JSON pointer), but openapi-typescript types it as an indexed access into another
 * type (`paths["/x"]["post"]["requestBody"]["content"]...`), which goes through optional members
 * (`requestBody?`, `item?`) and drops the `properties` level, so its output does not compile
 * (TS2339; `circular-paths.json` of @readme/oas-examples). Each such target moves into `components`
 * (schemas, parameters, requestBodies, responses, headers) under a generated name, leaving a `$ref`
 * to it in its place; refs to it, or into it, follow. A target that is itself only a `$ref` is
 * short-circuited instead. Refs to path items, operations and examples stay.
 */
export function hoistPathRefs(file: string, doc: Record<string, unknown>): string[] {
  const warnings: string[] = [];
  const limit = 10_000;
  const skipped = new Set<string>();
  for (let round = 0; ; round++) {
    if (round >= limit) throw new SpecError(file, '', `more than ${limit} $refs into paths or into named components`);
    const refs: string[] = [];
    forEachObject(doc, (node) => {
      if (typeof node.$ref === 'string') refs.push(node.$ref);
    });
    const candidates = refs
      .filter((ref) => (ref.startsWith('#/paths/') || ref.startsWith('#/components/')) && !skipped.has(ref) && componentKind(pointerSegments(ref) ?? []) !== undefined)
      .sort((a, b) => pointerSegments(a)!.length - pointerSegments(b)!.length || (a < b ? -1 : a > b ? 1 : 0));
    const target = candidates[0];
    if (target === undefined) return warnings;
    const segments = parsePointer(target);
    const node = getAtPointer(doc, segments);
    const kind = componentKind(segments);
    if (kind === undefined || !isRecord(node)) {
      skipped.add(target);
      continue;
    }
    let replacement: string;
    if (typeof node.$ref === 'string') {
      refuseRefOnlyCycle(file, doc, target, node.$ref);
      replacement = node.$ref;
    } else {
      const components = isRecord(doc.components) ? doc.components : (setOwn(doc, 'components', {}), doc.components as Record<string, unknown>);
      if (!isRecord(components[kind])) setOwn(components, kind, {});
      const section = components[kind] as Record<string, unknown>;
      const base = hoistedBaseName(segments);
      let name = base;
      for (let i = 2; Object.prototype.hasOwnProperty.call(section, name); i++) name = `${base}${i}`;
      setOwn(section, name, node);
      replacement = `#${toPointer(['components', kind, name])}`;
      const parent = getAtPointer(doc, segments.slice(0, -1)) as Record<string, unknown> | unknown[];
      const last = segments[segments.length - 1]!;
      if (Array.isArray(parent)) parent[Number(last)] = { $ref: replacement };
      else setOwn(parent, last, { $ref: replacement });
      warnings.push(`${toPointer(segments)}: referenced by a $ref, moved to ${replacement.slice(1)} so its type compiles`);
    }
    // every ref to the target, or into it, now goes to the replacement
    forEachObject(doc, (holder) => {
      const ref = holder.$ref;
      if (typeof ref !== 'string' || !ref.startsWith('#/')) return;
      const at = pointerSegments(ref);
      if (at && at.length >= segments.length && segments.every((s, i) => at[i] === s)) {
        holder.$ref = replacement + toPointer(at.slice(segments.length));
      }
    });
  }
}
