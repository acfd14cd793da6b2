import type { ErrorObject } from 'ajv';
import type { ContractOperation, LoadedContract } from './contract';

/**
 * The response checks, each a named function of one signature giving typed failures (in the
 * spirit of Schemathesis' `specs/openapi/checks.py` and `core/failures.py`): a report can count
 * failures by check, and a message reads the same wherever the check runs.
 */
export type CheckName = 'status' | 'documented-status' | 'content-type' | 'schema' | 'empty-list';

export interface CheckFailure {
  check: CheckName;
  /** One line a reader understands without the harness's source: `expected status 200, got 500`. */
  message: string;
  /** For `schema`: the instance pointer of the violation. */
  pointer?: string;
}

/** What every check reads: one response, what was expected of it, and the contract's operation. */
export interface CheckInput {
  contract: LoadedContract;
  /** The operation the request went to; undefined when the contract does not know the route. */
  op?: ContractOperation;
  status: number;
  /** `200`, `2XX`, `404`... */
  expected: string;
  /** The expected status as shown: `404 (from the config ...: reason)` when the config set it. */
  expectedText: string;
  /** The config, not the spec, set the expected status: it need not be documented. */
  expectedBy?: string;
  contentType: string;
  /** The body as text (built on first read when the client parsed it). */
  readonly bodyText: string;
  /** The parsed body, `PARSE_FAILED` when it is not JSON, undefined when empty. */
  body: unknown;
  /** The body must be exactly `[]` (empty-list cases). */
  emptyArray?: boolean;
  /** The fault a fault suite had active during the call (`risk stopped`): only then may a 5xx be what the test expects. */
  fault?: string;
}

export type Check = (input: CheckInput) => CheckFailure[];

export const PARSE_FAILED = Symbol('not JSON');

/** The response key that documents a status: exact, then its range (`2XX`), then `default` (OAS 3.x 4.8.16). */
export function documentedKey(op: { responses: Record<string, unknown> }, status: number): string | undefined {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(op.responses, k);
  const exact = String(status);
  const range = `${exact[0]}XX`;
  if (has(exact)) return exact;
  if (has(range)) return range;
  if (has(range.toLowerCase())) return range.toLowerCase();
  return has('default') ? 'default' : undefined;
}

function statusMatches(expected: string, status: number): boolean {
  return /^[1-5]XX$/i.test(expected) ? String(status)[0] === expected[0] : String(status) === expected;
}

/**
 * The expected status, and never a 5xx from a healthy service: a server error is a failure
 * whatever was expected, unless a fault suite brought it about (a fault was active during the
 * call) and the test expects exactly that 5xx (its documented outage answer, issue 15).
 */
export const checkStatus: Check = ({ status, expected, expectedText, fault }) => {
  const out: CheckFailure[] = [];
  const matches = statusMatches(expected, status);
  if (!matches) out.push({ check: 'status', message: `expected status ${expectedText}, got ${status}` });
  if (status >= 500 && !(matches && fault !== undefined && expected.startsWith('5'))) {
    const why = expected.startsWith('5') ? ' (a 5xx is expected only while a fault suite has a fault active: privatePlatform)' : '';
    out.push({ check: 'status', message: `a ${status} is never acceptable: the service failed on this input${why}` });
  }
  return out;
};

/** The status is one the operation documents (exact, range or default), unless the config expects it. */
export const checkDocumentedStatus: Check = ({ op, status, expectedBy }) => {
  if (!op || expectedBy !== undefined || documentedKey(op, status)) return [];
  return [{ check: 'documented-status', message: `status ${status} is not documented for this operation (documented: ${Object.keys(op.responses).join(', ')})` }];
};

/** A JSON value the client already parsed: not empty, not a page, and its text need not be built. */
function parsedJson(body: unknown): boolean {
  return body !== undefined && body !== PARSE_FAILED && typeof body !== 'string';
}

function emptyBody(input: CheckInput): boolean {
  return !parsedJson(input.body) && input.bodyText.trim() === '';
}

/** Never an HTML page; JSON where the status documents a body; a body where one is documented. */
export const checkContentType: Check = (input) => {
  const { op, status, contentType } = input;
  const out: CheckFailure[] = [];
  if (/text\/html/i.test(contentType) || (!parsedJson(input.body) && /^\s*<(!doctype|html)/i.test(input.bodyText))) out.push({ check: 'content-type', message: 'the body is an HTML page, not JSON' });
  const documented = documentedSchema(op, status);
  if (documented === undefined) return out;
  if (!emptyBody(input)) {
    if (!/json/i.test(contentType)) out.push({ check: 'content-type', message: `content type is "${contentType}", expected JSON` });
  } else if (status !== 204 && status !== 304) {
    out.push({ check: 'content-type', message: `status ${status} documents a body, but the body is empty` });
  }
  return out;
};

/** A JSON body valid against the documented status's schema (ajv, formats on). */
export const checkSchema: Check = (input) => {
  const { contract, op, status, contentType, body } = input;
  if (!op || documentedSchema(op, status) === undefined || emptyBody(input) || !/json/i.test(contentType)) return [];
  if (body === PARSE_FAILED) return [{ check: 'schema', message: 'the body is not valid JSON' }];
  const validate = contract.validator(op, documentedKey(op, status)!);
  if (!validate || validate(body)) return [];
  return formatViolations(validate.errors ?? []);
};

/** The body is exactly `[]` (a list on the empty instance). */
export const checkEmptyList: Check = ({ emptyArray, body }) => {
  if (!emptyArray || (Array.isArray(body) && body.length === 0)) return [];
  return [{ check: 'empty-list', message: 'expected an empty list `[]` on the empty instance' }];
};

/** In the order a reader wants them: what went wrong first, then why the body is wrong. */
export const RESPONSE_CHECKS: readonly Check[] = [checkStatus, checkDocumentedStatus, checkContentType, checkSchema, checkEmptyList];

function documentedSchema(op: ContractOperation | undefined, status: number): unknown {
  const key = op ? documentedKey(op, status) : undefined;
  return op && key ? op.responses[key]?.schema : undefined;
}

function formatViolations(errors: readonly ErrorObject[]): CheckFailure[] {
  return errors.slice(0, 20).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : '';
    const pointer = e.instancePath || '/';
    return { check: 'schema', pointer, message: `body ${pointer} ${e.message ?? e.keyword}${extra} [schema ${e.schemaPath}]` };
  });
}
