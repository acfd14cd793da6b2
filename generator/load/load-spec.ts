import { SpecError, isRecord } from '../spec-error';
import { applyBasePath } from './apply-base-path';
import { bundleRefs } from './bundle-refs';
import { convertSwagger2 } from './convert-swagger';
import { hoistPathRefs, rewriteDiscriminatorMappings } from './normalise-refs';
import { defaultReadLimits, readDocument, type ReadLimits } from './read-document';
import { validateDocument } from './validate-document';

export type OpenApiVersion = '3.0' | '3.1';

export interface LoadedSpec {
  file: string;
  /** One document, external refs inlined, validated; local refs kept. */
  document: Record<string, unknown>;
  version: OpenApiVersion;
  /** The document's own `openapi` string, e.g. `3.1.0`. */
  versionString: string;
  /** Every file read (root first), to hash the inputs. */
  files: string[];
  /** Set when the input was Swagger 2.0 and converted. */
  convertedFrom?: '2.0';
  /** What the load stage rewrote or left for openapi-typescript to refuse (pointer first). */
  warnings?: string[];
}

/** Stage 1: read, bundle, convert (Swagger 2.0, basePath folded into the paths), validate. Throws SpecError: the CLI exits 2. */
export async function loadSpec(file: string, limits: ReadLimits = defaultReadLimits): Promise<LoadedSpec> {
  const raw = readDocument(file, limits);
  if (!isRecord(raw)) throw new SpecError(file, '', 'the document is not an object');
  const bundled = bundleRefs(file, raw, (f) => readDocument(f, limits));
  let document = bundled.document;
  let convertedFrom: '2.0' | undefined;
  const loadWarnings: string[] = [];
  if (document.swagger !== undefined) {
    if (document.swagger !== '2.0') throw new SpecError(file, '/swagger', `unsupported version "${String(document.swagger)}" (Swagger 2.0 and OpenAPI 3.0/3.1 are supported)`);
    const folded = applyBasePath(file, document);
    if (folded) {
      if (folded.prefix !== '') loadWarnings.push(`/basePath: ${JSON.stringify(folded.prefix)} starts every path (baseUrl names scheme and host, as Swagger 2.0's host does)`);
      document = folded.document;
    }
    document = await convertSwagger2(file, document);
    convertedFrom = '2.0';
  }
  const versionString = document.openapi;
  if (typeof versionString !== 'string') throw new SpecError(file, '/openapi', 'missing "openapi" version field');
  const match = /^3\.([01])\.\d+(?:-[\w.]+)?$/.exec(versionString);
  if (!match) throw new SpecError(file, '/openapi', `unsupported version "${versionString}" (OpenAPI 3.0.x and 3.1.x, or Swagger 2.0)`);
  validateDocument(file, document);
  // after validation, so a broken ref is reported where the author wrote it
  const warnings = [...loadWarnings, ...rewriteDiscriminatorMappings(document), ...hoistPathRefs(file, document)];
  return { file, document, version: match[1] === '1' ? '3.1' : '3.0', versionString, files: bundled.files, ...(convertedFrom ? { convertedFrom } : {}), warnings };
}
