/**
 * Helpers of the reference platform's suites over the runtime's `ok`/`fails` (re-exported here,
 * where the suites have always found them): what the platform's ids and lists look like.
 */
export { fails, ok } from '../../harness/runtime';

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
