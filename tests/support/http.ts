/**
 * Thin helpers over the generated clients' `.expect(result, status)`: check the response against
 * the contract (status documented, schema valid, JSON, no 5xx), then hand back the typed body.
 */
import type { ResponseLike } from '../../harness/runtime';

interface Checker {
  expect(result: ResponseLike, status: number | string): void;
}

interface Result<D, E> {
  data?: D;
  error?: E;
  response: Response;
}

/** A success response with exactly this status; returns its typed body. */
export function ok<D, E>(svc: Checker, result: Result<D, E>, status: number): D {
  svc.expect(result, status);
  return result.data as D;
}

/** An error response with exactly this status; returns its `{detail}` body. */
export function fails<D, E>(svc: Checker, result: Result<D, E>, status: number): E {
  svc.expect(result, status);
  if (result.error === undefined) throw new Error(`expected an error body with status ${status}`);
  return result.error;
}

/** Ids of the seeded fixtures share one form; records a test creates have random v4 uuids. */
export const SEEDED_ID = /^00000000-0000-4000-[0-9a-f]{4}-\d{12}$/;

/** Only the seeded records of a list: other suites add records to shared lists while we read. */
export function seededOnly<T extends { id: string }>(items: readonly T[]): T[] {
  return items.filter((i) => SEEDED_ID.test(i.id));
}

export const ids = (items: readonly { id: string }[]): string[] => items.map((i) => i.id);

/** Every page of a list (other suites add records to shared lists while we read). */
export async function allPages<T>(page: (limit: number, offset: number) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += 100) {
    const items = await page(100, offset);
    out.push(...items);
    if (items.length < 100) return out;
  }
}
