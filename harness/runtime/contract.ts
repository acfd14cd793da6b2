import { readFileSync } from 'node:fs';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { DiscoverSpec } from './discover';
import { forResponses, toJsonSchema } from './schema-convert';

/** The generated `contract.json`: what the run-time checks need from the spec. */
export interface Contract {
  service: string;
  openapi: string;
  components: Record<string, unknown>;
  operations: ContractOperation[];
  /** The lists the generated cases discover path values from (resolved by the suites' global setup). */
  discover?: DiscoverSpec[];
}

export interface ContractOperation {
  operationId: string;
  method: string;
  path: string;
  responses: Record<string, { contentType?: string; schema?: unknown }>;
}

export interface LoadedContract extends Contract {
  /** The validator of one operation x status, compiled on first use and kept for the worker's life. */
  validator(op: ContractOperation, status: string): ValidateFunction | undefined;
  /** The operation a request went to, by method and path template. */
  find(method: string, path: string): ContractOperation | undefined;
}

const loaded = new Map<string, LoadedContract>();

/**
 * One Ajv per contract per worker: building an instance with formats and the components costs
 * ~80 ms, a validator 2-3 ms (DESIGN.md), so both are built lazily and shared.
 */
export function loadContract(file: string): LoadedContract {
  const cached = loaded.get(file);
  if (cached) return cached;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Contract;
  const is31 = raw.openapi.startsWith('3.1');
  let ajv: Ajv | undefined;
  const baseId = `contract:${raw.service}`;
  const getAjv = (): Ajv => {
    if (!ajv) {
      // OpenAPI 3.1 schemas are JSON Schema 2020-12; 3.0 ones are converted to it first (nullable, exclusive*).
      ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, discriminator: false }) as unknown as Ajv;
      addFormats(ajv as never);
      ajv.addSchema({ $id: baseId, components: forResponses(is31 ? raw.components : toJsonSchema(raw.components)) }, baseId);
    }
    return ajv;
  };
  const validators = new Map<string, ValidateFunction | undefined>();
  const byRoute = new Map(raw.operations.map((op) => [`${op.method.toLowerCase()} ${op.path}`, op]));
  const contract: LoadedContract = {
    ...raw,
    validator(op, status) {
      const key = `${op.operationId} ${op.method} ${op.path} ${status}`;
      if (validators.has(key)) return validators.get(key);
      const response = Object.prototype.hasOwnProperty.call(op.responses, status) ? op.responses[status] : undefined;
      let validate: ValidateFunction | undefined;
      if (response?.schema !== undefined) {
        const schema = rebaseRefs(forResponses(is31 ? response.schema : toJsonSchema(response.schema)), baseId);
        validate = getAjv().compile(typeof schema === 'boolean' ? schema : { ...(schema as object) });
      }
      validators.set(key, validate);
      return validate;
    },
    find(method, path) {
      return byRoute.get(`${method.toLowerCase()} ${path}`);
    },
  };
  loaded.set(file, contract);
  return contract;
}

/** `#/components/...` inside a response schema means the contract's components. */
function rebaseRefs(node: unknown, baseId: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rebaseRefs(n, baseId));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    const value = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${baseId}${v}` : rebaseRefs(v, baseId);
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
