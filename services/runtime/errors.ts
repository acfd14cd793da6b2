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
 * Map a Postgres error to an HttpError, or undefined for a real server fault (a 500).
 * Codes: https://www.postgresql.org/docs/current/errcodes-appendix.html
 * P0409 is this project's own SQLSTATE for an illegal state transition (see infra/migrations).
 */
export function mapPgError(err: unknown): HttpError | undefined {
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
    case 'P0409':
      return conflict(err.message ?? 'illegal state transition');
    case '40001':
    case '40P01':
      return conflict('concurrent update, retry the request');
    default:
      return undefined;
  }
}
