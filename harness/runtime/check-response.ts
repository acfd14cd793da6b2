import type { ErrorObject } from 'ajv';
import type { LoadedContract } from './contract';
import { exchanges, type Exchange } from './record-calls';

export interface ResponseLike {
  response: Response;
  data?: unknown;
  error?: unknown;
}

export interface CheckOptions {
  /** The body must be exactly `[]` (empty-list cases). */
  emptyArray?: boolean;
  /** The raw body text, when the caller read it itself (baseline cases parse as text). */
  bodyText?: string;
  /** Values to mask wherever they appear (expanded secret headers). */
  secrets?: readonly string[];
  /** The expected status comes from the config, not the spec (`config <file> services[i].expect[...]: reason`): it need not be documented. */
  expectedBy?: string;
}

const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key)$|token|secret|password|session/i;

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
 * Check one response against the contract: the expected status, never a 5xx, a documented
 * status, a JSON body (never HTML) valid against that status's schema. Throws one message with
 * service, operation, expected vs actual status, each violation's JSON pointer, a body excerpt
 * and a curl line that reproduces the request, secrets masked.
 */
export function checkResponse(contract: LoadedContract, result: ResponseLike, expected: string | number, options: CheckOptions = {}): void {
  const { response } = result;
  const exchange = exchanges.get(response);
  const op = exchange ? contract.find(exchange.method, exchange.pathTemplate) : undefined;
  const problems: string[] = [];
  const status = response.status;
  const expectedText = options.expectedBy === undefined ? String(expected) : `${String(expected)} (from the ${options.expectedBy})`;
  const bodyText = options.bodyText ?? stringifyBody(result.data ?? result.error);
  let body: unknown = result.data ?? result.error;
  if (options.bodyText !== undefined) body = parseJson(options.bodyText);

  if (!statusMatches(String(expected), status)) problems.push(`expected status ${expectedText}, got ${status}`);
  if (status >= 500) problems.push(`a ${status} is never acceptable: the service failed on this input`);
  const key = op ? documentedKey(op, status) : undefined;
  if (op && !key && options.expectedBy === undefined) problems.push(`status ${status} is not documented for this operation (documented: ${Object.keys(op.responses).join(', ')})`);
  const contentType = response.headers.get('content-type') ?? '';
  if (/text\/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(bodyText)) problems.push('the body is an HTML page, not JSON');
  if (op && key) {
    const documented = op.responses[key];
    const hasBody = bodyText.trim() !== '';
    if (documented?.schema !== undefined && hasBody) {
      if (!/json/i.test(contentType)) problems.push(`content type is "${contentType}", expected JSON`);
      else if (body === PARSE_FAILED) problems.push('the body is not valid JSON');
      else {
        const validate = contract.validator(op, key);
        if (validate && !validate(body)) problems.push(...formatViolations(validate.errors ?? []));
      }
    } else if (documented?.schema !== undefined && !hasBody && status !== 204 && status !== 304) {
      problems.push(`status ${status} documents a body, but the body is empty`);
    }
  }
  if (options.emptyArray && !(Array.isArray(body) && body.length === 0)) problems.push('expected an empty list `[]` on the empty instance');
  if (problems.length === 0) return;
  throw new Error(describeFailure(contract.service, exchange, expectedText, status, problems, bodyText, options.secrets ?? []));
}

const PARSE_FAILED = Symbol('not JSON');

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return PARSE_FAILED;
  }
}

function stringifyBody(body: unknown): string {
  if (body === undefined) return '';
  return typeof body === 'string' ? body : JSON.stringify(body);
}

function formatViolations(errors: readonly ErrorObject[]): string[] {
  return errors.slice(0, 20).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : '';
    return `body ${e.instancePath || '/'} ${e.message ?? e.keyword}${extra} [schema ${e.schemaPath}]`;
  });
}

function describeFailure(service: string, exchange: Exchange | undefined, expected: string, status: number, problems: string[], bodyText: string, secrets: readonly string[]): string {
  const what = exchange ? `${exchange.operationId || '?'} (${exchange.method} ${exchange.pathTemplate}) on the ${exchange.phase} instance` : 'a request';
  const excerpt = bodyText.length > 600 ? `${bodyText.slice(0, 600)}... (${bodyText.length} chars)` : bodyText || '(empty)';
  const lines = [
    `${service} ${what}: expected ${expected}, got ${status}`,
    ...problems.map((p) => `  - ${p}`),
    `  body: ${mask(excerpt, secrets)}`,
  ];
  if (exchange) lines.push(`  reproduce: ${curlLine(exchange, secrets)}`);
  return lines.join('\n');
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function mask(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}

/** A curl command that reproduces the request; secret headers and values shown as `***`. */
export function curlLine(exchange: Exchange, secrets: readonly string[] = []): string {
  const parts = ['curl', '-sS', '-X', exchange.method, shellQuote(mask(exchange.url, secrets))];
  for (const [name, value] of exchange.requestHeaders) {
    const shown = SECRET_HEADER.test(name) ? '***' : mask(value, secrets);
    parts.push('-H', shellQuote(`${name}: ${shown}`));
  }
  if (exchange.requestBody !== undefined) parts.push('--data', shellQuote(mask(exchange.requestBody, secrets)));
  return parts.join(' ');
}
