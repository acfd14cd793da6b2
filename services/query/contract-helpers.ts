import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { ALL_FIXTURES } from '../../seed/seed';

/**
 * Test helpers for the query contract test: response validation against openapi/query.yaml
 * (ajv 2020 over the document itself, so `#/components/...` refs resolve as written), and the
 * seeded rows of any table, so expectations follow whatever the other services seed.
 */
type Json = Record<string, any>;
const SPEC_ID = 'https://contract.test/query.yaml';
const doc = parseYaml(readFileSync(resolve(__dirname, '..', '..', 'openapi', 'query.yaml'), 'utf8')) as Json;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...doc, $id: SPEC_ID });
const compiled = new Map<string, ValidateFunction>();

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** The JSON pointer of the response schema of operationId at status (following a response $ref). */
function responseSchemaPointer(operationId: string, status: number): string {
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      if ((op as Json).operationId !== operationId) continue;
      let pointer = `#/paths/${escapePointer(path)}/${method}/responses/${status}`;
      const response = (op as Json).responses?.[String(status)];
      if (!response) throw new Error(`${operationId} does not document status ${status}`);
      if (typeof response.$ref === 'string') pointer = response.$ref;
      return `${pointer}/content/application~1json/schema`;
    }
  }
  throw new Error(`no operation ${operationId} in openapi/query.yaml`);
}

/** Throws with ajv's errors when body does not match the documented schema. */
export function expectMatchesContract(operationId: string, status: number, body: unknown): void {
  const key = `${operationId} ${status}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile({ $ref: `${SPEC_ID}${responseSchemaPointer(operationId, status)}` });
    compiled.set(key, validate);
  }
  if (!validate(body)) {
    throw new Error(`${key}: body does not match the contract: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
  }
}

/** Seeded rows of one table (empty when nobody seeds it yet). */
export function seededRows(table: string): Record<string, any>[] {
  return ALL_FIXTURES.filter((t) => t.table === table).flatMap((t) => t.rows);
}

export const isoOf = (value: unknown): string => new Date(String(value)).toISOString();
