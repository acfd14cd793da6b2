/**
 * Helpers shared by the query handlers: paging defaults and value conversions. The runtime has
 * already validated and coerced path and query against openapi/query.yaml, so these only pick
 * values out and apply the documented defaults (ajv does not fill them in).
 */
export const DEFAULT_LIMIT = 50;

export interface Page {
  limit: number;
  offset: number;
}

export function pageOf(query: Record<string, unknown>): Page {
  return {
    limit: typeof query.limit === 'number' ? query.limit : DEFAULT_LIMIT,
    offset: typeof query.offset === 'number' ? query.offset : 0,
  };
}

/** A validated optional string parameter, or null (SQL `$n::text IS NULL` means "no filter"). */
export function optionalString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function requiredString(value: unknown): string {
  return String(value);
}

/** timestamptz columns arrive as Date: contracts say ISO 8601 with milliseconds, in UTC. */
export function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function isoOrNull(value: Date | string | null): string | null {
  return value === null ? null : iso(value);
}

/** Money as exact cents, to add amounts without floating-point drift. */
export const toCents = (value: number): number => Math.round(value * 100);
export const fromCents = (cents: number): number => cents / 100;
