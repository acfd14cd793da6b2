import { resolve } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { compileRoutes, loadSpec, rebaseRefs, resolveLocal, SPEC_ID, type Route } from '../runtime/spec-routes';

/**
 * Test support for the services' own contract tests: is a reply the one the service's document
 * promises? The status must be documented for the operation, a documented body must be JSON and
 * validate against its schema (ajv 2020, formats on), and a status documented without a body
 * must come without one. Operations are found by operationId, or by method and concrete path
 * through the service runtime's own routes.
 */
export interface ReplyLike {
  status: number;
  body: unknown;
  /** When given, a documented JSON body must come as application/json. */
  contentType?: string;
}

export type OperationRef = string | { method: string; path: string };

export interface ContractCheck {
  /** Every problem with the reply, [] when it conforms. */
  problems(operation: OperationRef, reply: ReplyLike): string[];
  /** Throws listing every problem, with the body. */
  expect(operation: OperationRef, reply: ReplyLike): void;
}

type Json = Record<string, any>;
const checks = new Map<string, ContractCheck>();

function buildCheck(specFile: string): ContractCheck {
  const doc = loadSpec(specFile);
  const ajv = new Ajv2020({ strict: false, allErrors: true, discriminator: true });
  addFormats(ajv);
  ajv.addSchema({ $id: SPEC_ID, components: rebaseRefs(doc.components ?? {}) });
  const routes: Route[] = compileRoutes(specFile);
  const operations = new Map<string, Json>();
  for (const item of Object.values((doc.paths ?? {}) as Json)) {
    for (const op of Object.values(item as Json)) if (op && typeof op === 'object' && 'operationId' in op) operations.set(op.operationId, op);
  }
  const validators = new Map<string, ValidateFunction | null>();

  function operationIdOf(ref: OperationRef): string {
    if (typeof ref === 'string') return ref;
    const pathname = ref.path.split('?')[0] ?? ref.path;
    const route = routes.find((r) => r.method === ref.method.toUpperCase() && r.regex.test(pathname));
    if (!route) throw new Error(`no documented operation for ${ref.method} ${pathname}`);
    return route.operationId;
  }

  /** The body validator of a documented response, null when documented without a body. */
  function validatorFor(operationId: string, status: number): ValidateFunction | null {
    const key = `${operationId} ${status}`;
    if (!validators.has(key)) {
      const op = operations.get(operationId);
      if (!op) throw new Error(`no operation ${operationId} in ${specFile}`);
      const response = op.responses?.[String(status)];
      if (!response) throw new Error(`${operationId} does not document status ${status}`);
      const schema = (resolveLocal(doc, response) as Json).content?.['application/json']?.schema;
      validators.set(key, schema ? ajv.compile(rebaseRefs(schema) as Json) : null);
    }
    return validators.get(key) ?? null;
  }

  function problems(operation: OperationRef, reply: ReplyLike): string[] {
    let validate: ValidateFunction | null;
    try {
      validate = validatorFor(operationIdOf(operation), reply.status);
    } catch (err) {
      return [(err as Error).message];
    }
    const noBody = reply.body === '' || reply.body === undefined;
    if (!validate) return noBody ? [] : [`documented without a body, got ${JSON.stringify(reply.body)}`];
    if (reply.contentType !== undefined && !reply.contentType.startsWith('application/json')) {
      return [`content-type ${reply.contentType}, expected application/json`];
    }
    if (validate(reply.body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  }

  return {
    problems,
    expect(operation, reply) {
      const found = problems(operation, reply);
      if (found.length === 0) return;
      const name = typeof operation === 'string' ? operation : `${operation.method} ${operation.path}`;
      throw new Error(`${name} -> ${reply.status} breaks the contract:\n  ${found.join('\n  ')}\nbody: ${JSON.stringify(reply.body)?.slice(0, 500)}`);
    },
  };
}

/** The check for `openapi/<service>.yaml`, built once per test file. */
export function contractCheckFor(service: string): ContractCheck {
  let check = checks.get(service);
  if (!check) {
    check = buildCheck(resolve(__dirname, '..', '..', 'openapi', `${service}.yaml`));
    checks.set(service, check);
  }
  return check;
}
