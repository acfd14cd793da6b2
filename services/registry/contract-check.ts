import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/**
 * Checks a response against the registry's own document: the status is one the operation
 * documents, a body comes as JSON, and it validates against that status's schema (ajv 2020).
 * Used by the contract test; validators are compiled once per operation and status.
 */
type Json = Record<string, any>;
const SPEC_FILE = resolve(__dirname, '..', '..', 'openapi', 'registry.yaml');
const SPEC_ID = 'urn:harness:registry-spec';

const doc = parseYaml(readFileSync(SPEC_FILE, 'utf8')) as Json;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

function rebaseRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebaseRefs);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema as Json).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${SPEC_ID}${v}` : rebaseRefs(v)]),
  );
}
ajv.addSchema({ $id: SPEC_ID, components: rebaseRefs(doc.components) as Json });

const resolveRef = (node: Json): Json =>
  typeof node?.$ref === 'string' ? (node.$ref as string).replace(/^#\//, '').split('/').reduce<Json>((acc, k) => acc[k], doc) : node;

function findOperation(operationId: string): Json {
  for (const item of Object.values(doc.paths as Json)) {
    for (const op of Object.values(item as Json)) if ((op as Json)?.operationId === operationId) return op as Json;
  }
  throw new Error(`no operation ${operationId} in ${SPEC_FILE}`);
}

const cache = new Map<string, ValidateFunction | null>();

/** The validator of one documented response, null when it has no body; throws when undocumented. */
export function responseValidator(operationId: string, status: number): ValidateFunction | null {
  const key = `${operationId} ${status}`;
  if (!cache.has(key)) {
    const response = findOperation(operationId).responses?.[String(status)];
    if (!response) throw new Error(`${operationId} does not document status ${status}`);
    const schema = resolveRef(response as Json).content?.['application/json']?.schema;
    cache.set(key, schema ? ajv.compile(rebaseRefs(schema) as Json) : null);
  }
  return cache.get(key) ?? null;
}

export interface ReplyLike {
  status: number;
  body: unknown;
  contentType: string;
}

/** The problems of a reply against the document: [] when it conforms. */
export function contractProblems(operationId: string, reply: ReplyLike): string[] {
  let validate: ValidateFunction | null;
  try {
    validate = responseValidator(operationId, reply.status);
  } catch (err) {
    return [(err as Error).message];
  }
  if (!validate) return reply.body === '' ? [] : [`expected no body, got ${JSON.stringify(reply.body)}`];
  if (!reply.contentType.startsWith('application/json')) return [`content-type ${reply.contentType}, expected application/json`];
  if (validate(reply.body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
