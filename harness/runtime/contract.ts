import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { default as Ajv, ValidateFunction } from 'ajv';
import type { DiscoverSpec } from './discover';
import { forResponses, toJsonSchema } from './schema-convert';
import { schemaCacheNear } from '../schema-cache';

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

/** OpenAPI 3.1 schemas are JSON Schema 2020-12; 3.0 ones are converted to it first (nullable, exclusive*). */
const AJV_OPTIONS = { strict: false, allErrors: true, validateFormats: true, discriminator: false } as const;

/**
 * One Ajv per contract per test file: building an instance with formats and the components costs
 * ~80 ms, a validator 2-3 ms (DESIGN.md), so both are built lazily, and only for a validator
 * that the on-disk cache (../schema-cache.ts) does not have yet.
 */
export function loadContract(file: string): LoadedContract {
  const cached = loaded.get(file);
  if (cached) return cached;
  const text = readFileSync(file, 'utf8');
  const raw = JSON.parse(text) as Contract;
  const cache = schemaCacheNear(dirname(file), `${JSON.stringify(AJV_OPTIONS)}\0${text}`);
  const is31 = raw.openapi.startsWith('3.1');
  let ajv: Ajv | undefined;
  const baseId = `contract:${raw.service}`;
  const getAjv = (): Ajv => {
    if (!ajv) {
      // code.source: the compiled code is kept, for the cache to write out
      // ajv on first use: with every validator of a run in the cache, a test file never loads it
      /* eslint-disable @typescript-eslint/no-require-imports */
      const Ajv2020 = (require('ajv/dist/2020') as typeof import('ajv/dist/2020')).default;
      const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
      /* eslint-enable @typescript-eslint/no-require-imports */
      ajv = new Ajv2020({ ...AJV_OPTIONS, ...(cache ? { code: { source: true } } : {}) }) as unknown as Ajv;
      addFormats(ajv as never);
      ajv.addSchema({ $id: baseId, components: forResponses(is31 ? raw.components : toJsonSchema(raw.components)) }, baseId);
    }
    return ajv;
  };
  // By operation object, then status: a lookup per response, not a key string built per call.
  const validators = new WeakMap<ContractOperation, Map<string, ValidateFunction | undefined>>();
  const byRoute = new Map(raw.operations.map((op) => [`${op.method.toLowerCase()} ${op.path}`, op]));
  const contract: LoadedContract = {
    ...raw,
    validator(op, status) {
      let byStatus = validators.get(op);
      if (!byStatus) validators.set(op, (byStatus = new Map()));
      if (byStatus.has(status)) return byStatus.get(status);
      const response = Object.prototype.hasOwnProperty.call(op.responses, status) ? op.responses[status] : undefined;
      let validate: ValidateFunction | undefined;
      if (response?.schema !== undefined) {
        const raw = rebaseRefs(forResponses(is31 ? response.schema : toJsonSchema(response.schema)), baseId);
        const schema = typeof raw === 'boolean' ? raw : { ...(raw as object) };
        validate = cache ? cache.compile(`${op.method.toLowerCase()} ${op.path} ${status}`, getAjv, schema) : getAjv().compile(schema);
      }
      byStatus.set(status, validate);
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
