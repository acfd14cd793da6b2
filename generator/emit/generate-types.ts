import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GlobalContext, OpenAPI3 } from 'openapi-typescript';
import type { OperationIr } from '../ir/types';
import { SpecError, toPointer } from '../spec-error';
import { escapeLineComment } from './escape';
import { normaliseNewlines } from './emit-service';

const TYPES_OPTIONS = { alphabetize: true, silent: true } as const;

const HASH_LINE = /^\/\/ input-hash: ([0-9a-f]{64}) output-hash: ([0-9a-f]{64})$/m;

function openapiTypescriptVersion(): string {
  // Read the version from package.json on disk: importing the package itself costs ~1 s.
  const pkg = JSON.parse(readFileSync(join(require.resolve('openapi-typescript'), '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The document openapi-typescript types: the IR's de-duplicated operationIds written in (it refuses duplicate or missing ones). */
export function typesInputDocument(document: Record<string, unknown>, operations: readonly OperationIr[]): Record<string, unknown> {
  const copy = structuredClone(document);
  const paths = copy.paths as Record<string, Record<string, Record<string, unknown>>> | undefined;
  for (const op of operations) {
    const target = paths?.[op.path]?.[op.method];
    if (target && typeof target === 'object' && !('$ref' in target)) target.operationId = op.operationId;
  }
  return copy;
}

/** Hash of everything types.ts depends on: the bundled document, the openapi-typescript version and its options. */
export function hashTypesInput(document: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify({ v: openapiTypescriptVersion(), o: TYPES_OPTIONS }))
    .update(JSON.stringify(document))
    .digest('hex');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The previous types.ts when its recorded input hash matches and its body is untouched, so a
 * regenerate where nothing changed never loads openapi-typescript (~1 s import, ~7 s on GitHub's spec).
 */
export function reuseTypes(previous: string | undefined, inputHash: string): string | undefined {
  const m = previous ? HASH_LINE.exec(previous) : null;
  if (!m || m[1] !== inputHash || !previous) return undefined;
  const body = previous.slice(previous.indexOf('\n', m.index) + 1);
  return sha256(body) === m[2] ? previous : undefined;
}

/**
 * openapi-typescript's (redocly's) messages end with `<message> at #/json/pointer`: the pointer runs
 * to the end of the message and may hold spaces (`mapping/Option One`) or any other character, so
 * it is everything after the first ` at #/`. Redocly escapes segments as RFC 6901 (`~0`, `~1`) and
 * may percent-encode them: each segment is decoded and re-encoded so the exit-2 message carries the
 * same pointer form as every other SpecError. No pointer found: the document root.
 */
export function pointerOfMessage(message: string): string {
  const at = /(?:^|\s)at #(\/[^]*)$/.exec(message.trimEnd());
  if (!at) return '';
  const segments = at[1]!
    .slice(1)
    .split('/')
    .map((s) => {
      const unescaped = s.replace(/~1/g, '/').replace(/~0/g, '~');
      try {
        return decodeURIComponent(unescaped);
      } catch {
        return unescaped;
      }
    });
  return toPointer(segments);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A lone UTF-16 surrogate (`"\ud800"` in a description, title, enum or example) cannot be written
 * as UTF-8: the file would get U+FFFD instead, so it would differ from what was hashed and compared.
 * TypeScript's printer escapes string literals itself; what is left (JSDoc text) is spelled `\uXXXX`,
 * which means the same inside a string literal and is inert text inside a comment.
 */
export function escapeLoneSurrogates(text: string): string {
  return text.replace(LONE_SURROGATE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Run openapi-typescript's transform on the bundled document and add our header. Not its
 * `openapiTS()` entry: that lints and bundles the document again with Redocly (about half of its
 * time on GitHub's spec) after our loader has already bundled it (internal refs only) and
 * validated it. The context is the one `openapiTS()` builds, with its defaults and our options;
 * `generate-types.test.ts` holds the two outputs equal on every fixture spec, so an
 * openapi-typescript release that changes its defaults fails a test instead of the types.
 */
export async function generateTypes(document: unknown, specLabel: string, inputHash: string, specFile: string): Promise<string> {
  const { astToString, resolveRef, scanDiscriminators, transformSchema } = await import('openapi-typescript');
  let ast: ReturnType<typeof transformSchema>;
  try {
    const schema = structuredClone(document) as OpenAPI3;
    // Redocly's bundle, which openapiTS() runs first, gives a document without components an empty one
    schema.components ??= {};
    const version = Number.parseFloat(String((schema as { openapi?: unknown }).openapi));
    if (!(version >= 3 && version < 4)) throw new Error(`Unsupported OpenAPI version: ${String((schema as { openapi?: unknown }).openapi)} at #/openapi`);
    ast = transformSchema(schema, {
      ...TYPES_CONTEXT_DEFAULTS,
      injectFooter: [], // the transform appends to it: one per document
      discriminators: scanDiscriminators(schema, TYPES_OPTIONS),
      resolve: <T>($ref: string): T | undefined => resolveRef<T>(schema, $ref, { silent: TYPES_OPTIONS.silent }),
    });
  } catch (err) {
    const message = (err as Error).message;
    throw new SpecError(specFile, pointerOfMessage(message), `openapi-typescript cannot type this document: ${message.replace(/\s+/g, ' ').trim()}`);
  }
  const body = escapeLoneSurrogates(normaliseNewlines(astToString(ast)));
  return (
    `// Generated by \`npm run generate\` from ${escapeLineComment(specLabel)} with openapi-typescript. Do not edit: changes are overwritten.\n` +
    `// input-hash: ${inputHash} output-hash: ${sha256(body)}\n` +
    body
  );
}

/** What `openapiTS(document, TYPES_OPTIONS)` passes its transform besides the document's own discriminators and resolver: openapi-typescript 7.x's defaults and our options. */
const TYPES_CONTEXT_DEFAULTS: Omit<GlobalContext, 'discriminators' | 'resolve' | 'injectFooter'> = {
  additionalProperties: false,
  alphabetize: TYPES_OPTIONS.alphabetize,
  arrayLength: false,
  defaultNonNullable: true,
  emptyObjectsUnknown: false,
  enum: false,
  enumValues: false,
  conditionalEnums: false,
  dedupeEnums: false,
  excludeDeprecated: false,
  exportType: false,
  immutable: false,
  rootTypes: false,
  rootTypesNoSchemaPrefix: false,
  rootTypesKeepCasing: false,
  pathParamsAsTypes: false,
  postTransform: undefined,
  propertiesRequiredByDefault: false,
  // Redocly's config: 7.x reads it only to lint and bundle (validateAndBundle), never in the transform
  redoc: undefined as unknown as GlobalContext['redoc'],
  silent: TYPES_OPTIONS.silent,
  inject: undefined,
  transform: undefined,
  transformProperty: undefined,
  makePathsEnum: false,
  generatePathParams: false,
  readWriteMarkers: false,
};
