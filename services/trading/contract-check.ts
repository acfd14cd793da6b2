import { readFileSync } from 'node:fs';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/**
 * Test support: checks a response against this service's own document. The status must be one
 * the operation documents, and the body must validate against that status's schema (ajv 2020,
 * formats on, refs resolved against the document's components).
 */
type Json = Record<string, any>;
const SPEC_ID = 'https://contract.local/trading.json';

function rebaseRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebaseRefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Json).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${SPEC_ID}${v}` : rebaseRefs(v)]),
  );
}

export function createContractCheck(specFile: string) {
  const doc = parseYaml(readFileSync(specFile, 'utf8')) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: SPEC_ID, components: rebaseRefs(doc.components) });
  const operations = new Map<string, Json>();
  for (const item of Object.values(doc.paths as Json)) {
    for (const op of Object.values(item as Json)) if (op && typeof op === 'object' && 'operationId' in op) operations.set(op.operationId, op);
  }
  const cache = new Map<string, ValidateFunction | null>();

  function validatorFor(operationId: string, status: number): ValidateFunction | null {
    const key = `${operationId} ${status}`;
    if (cache.has(key)) return cache.get(key) ?? null;
    const op = operations.get(operationId);
    if (!op) throw new Error(`no operation ${operationId} in ${specFile}`);
    let response = op.responses?.[String(status)] as Json | undefined;
    if (!response) throw new Error(`${operationId} does not document status ${status}`);
    if (typeof response.$ref === 'string') response = doc.components.responses[response.$ref.split('/').pop() as string] as Json;
    const schema = response.content?.['application/json']?.schema;
    const validate = schema ? ajv.compile(rebaseRefs(schema) as Json) : null;
    cache.set(key, validate);
    return validate;
  }

  /** Throws with every violation when the response is not the documented one. */
  return function check(operationId: string, status: number, body: unknown): void {
    const validate = validatorFor(operationId, status);
    if (!validate) {
      if (body !== '' && body !== undefined) throw new Error(`${operationId} ${status}: documented without a body, got ${JSON.stringify(body)}`);
      return;
    }
    if (!validate(body)) {
      const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
      throw new Error(`${operationId} ${status}: body does not match the document: ${errors}\n${JSON.stringify(body).slice(0, 500)}`);
    }
  };
}
