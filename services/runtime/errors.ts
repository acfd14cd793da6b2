/**
 * Errors a handler throws, and the mapping of Postgres errors to the documented statuses.
 * Every error leaves a service as JSON `{"detail": ...}`: never HTML, never a stack trace.
 */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
  ) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail));
    this.name = 'HttpError';
  }
}

export const badRequest = (detail: string) => new HttpError(400, detail);
export const notFound = (detail: string) => new HttpError(404, detail);
export const conflict = (detail: string) => new HttpError(409, detail);
export const unprocessable = (issues: ValidationIssue[]) => new HttpError(422, issues);
/** A dependency (the database, another service) cannot answer now: 503, the request wrote nothing. */
export const unavailable = (detail: string) => new HttpError(503, detail);

interface PgErrorLike {
  code?: string;
  constraint?: string;
  message?: string;
  table?: string;
}

function isPgError(err: unknown): err is PgErrorLike {
  return typeof err === 'object' && err !== null && typeof (err as PgErrorLike).code === 'string';
}

/**
 * Is this a failure to reach the database, not an error of the statement? Connection refused or
 * reset, the server shutting down or terminating the session (57P01 admin_shutdown, 57P02, 57P03
 * cannot_connect_now, SQLSTATE class 08), a database that is not accepting connections
 * (ALTER DATABASE .. ALLOW_CONNECTIONS false), too many connections (53300), and node-postgres's
 * own "timeout exceeded when trying to connect" and "Connection terminated" errors.
 */
export function isConnectionFailure(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)) return true;
    if (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
  }
  const text = typeof message === 'string' ? message : '';
  return /is not currently accepting connections|timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|Client was closed and is not queryable/i.test(text);
}

/**
 * Map a Postgres error to an HttpError, or undefined for a real server fault (a 500).
 * Codes: https://www.postgresql.org/docs/current/errcodes-appendix.html
 * P0409 is this project's own SQLSTATE for an illegal state transition, P0400 for a business rule
 * a trigger enforces (see infra/migrations).
 */
export function mapPgError(err: unknown): HttpError | undefined {
  if (isConnectionFailure(err)) return unavailable(`database unavailable: ${(err as Error).message || String((err as PgErrorLike).code)}`);
  if (!isPgError(err)) return undefined;
  const where = err.constraint ? ` (${err.constraint})` : '';
  switch (err.code) {
    case '23505':
      return conflict(`already exists${where}`);
    case '23503':
      return conflict(`a referenced record does not exist or is still referenced${where}`);
    case '23514':
      return badRequest(`violates a business rule${where}`);
    case '23502':
      return unprocessable([{ loc: ['body'], msg: `missing value${where}`, type: 'missing' }]);
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
    case '22001':
    case '22021': // a NUL byte in a text value: "invalid byte sequence for encoding UTF8: 0x00"
      return unprocessable([{ loc: ['body'], msg: err.message ?? 'invalid value', type: 'value_error' }]);
    case 'P0400':
      return badRequest(err.message ?? 'violates a business rule');
    case 'P0409':
      return conflict(err.message ?? 'illegal state transition');
    case '40001':
    case '40P01':
      return conflict('concurrent update, retry the request');
    default:
      return undefined;
  }
}
