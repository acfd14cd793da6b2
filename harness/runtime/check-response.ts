import type { LoadedContract } from './contract';
import { PARSE_FAILED, RESPONSE_CHECKS, type CheckFailure } from './checks';
import { exchanges, type Exchange } from './record-calls';

export { documentedKey, type CheckFailure, type CheckName } from './checks';

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

/**
 * What a check, a chain or a list check found: the message a reader sees, and the typed failures
 * behind it, so a report can count them by check or oracle.
 */
export class FoundFailure<F> extends Error {
  constructor(
    name: string,
    message: string,
    readonly failures: readonly F[],
  ) {
    super(message);
    this.name = name;
    // the message says what to reproduce; a stack into the harness's own files says nothing more
    this.stack = `${name}: ${message}`;
  }
}

/** A response that broke the contract. */
export class ContractFailure extends FoundFailure<CheckFailure> {
  constructor(message: string, failures: readonly CheckFailure[]) {
    super('ContractFailure', message, failures);
  }
}

const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key)$|token|secret|password|session/i;

/** Run every named check on one response; the failures, in reading order (empty: it passes). */
export function findFailures(contract: LoadedContract, result: ResponseLike, expected: string | number, options: CheckOptions = {}): { failures: CheckFailure[]; expectedText: string; readonly bodyText: string; exchange?: Exchange } {
  const { response } = result;
  const exchange = exchanges.get(response);
  const op = exchange ? contract.find(exchange.method, exchange.pathTemplate) : undefined;
  const expectedText = options.expectedBy === undefined ? String(expected) : `${String(expected)} (from the ${options.expectedBy})`;
  const body = options.bodyText !== undefined ? parseJson(options.bodyText) : (result.data ?? result.error);
  // A body openapi-fetch parsed is turned back into text only when a check or a message reads it.
  let text = options.bodyText;
  const input = {
    get bodyText() {
      text ??= stringifyBody(body);
      return text;
    },
    contract,
    ...(op ? { op } : {}),
    status: response.status,
    expected: String(expected),
    expectedText,
    ...(options.expectedBy !== undefined ? { expectedBy: options.expectedBy } : {}),
    contentType: response.headers.get('content-type') ?? '',
    body,
    ...(options.emptyArray ? { emptyArray: true } : {}),
    ...(exchange?.fault !== undefined ? { fault: exchange.fault } : {}),
  };
  const failures = RESPONSE_CHECKS.flatMap((check) => check(input));
  return {
    failures,
    expectedText,
    // a passing response's body is never turned back into text (only a failure's message shows it)
    get bodyText() {
      return input.bodyText;
    },
    ...(exchange ? { exchange } : {}),
  };
}

/**
 * Check one response against the contract: the expected status, never a 5xx, a documented
 * status, a JSON body (never HTML) valid against that status's schema. Throws a ContractFailure
 * with service, operation, expected vs actual status, each violation's JSON pointer, a body
 * excerpt and a curl line that reproduces the request, secrets masked.
 */
export function checkResponse(contract: LoadedContract, result: ResponseLike, expected: string | number, options: CheckOptions = {}): void {
  const found = findFailures(contract, result, expected, options);
  const { failures, expectedText, exchange } = found;
  if (failures.length === 0) return;
  const bodyText = found.bodyText;
  const secrets = options.secrets ?? [];
  const what = exchange ? `${exchange.operationId || '?'} (${exchange.method} ${exchange.pathTemplate}) on the ${exchange.phase} instance` : 'a request';
  const lines = [
    `${contract.service} ${what}: expected ${expectedText}, got ${result.response.status}`,
    ...failures.map((f) => `  - ${f.message}`),
    `  body: ${mask(excerpt(bodyText), secrets)}`,
  ];
  if (exchange) lines.push(`  reproduce: ${curlLine(exchange, secrets)}`);
  throw new ContractFailure(lines.join('\n'), failures);
}

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

/** At most 600 characters of a body, saying how long it was. */
export function excerpt(bodyText: string, max = 600): string {
  return bodyText.length > max ? `${bodyText.slice(0, max)}... (${bodyText.length} chars)` : bodyText || '(empty)';
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Every secret value (4 characters or more) shown as `***`. */
export function mask(text: string, secrets: readonly string[]): string {
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
