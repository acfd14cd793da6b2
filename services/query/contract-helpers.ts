import { ALL_FIXTURES } from '../../seed/seed';
import { contractCheckFor } from '../testing/contract-check';

/**
 * Test helpers for the query contract test: response validation against openapi/query.yaml, and
 * the seeded rows of any table, so expectations follow whatever the other services seed.
 */
const contract = contractCheckFor('query');

/** Throws listing every problem when body is not the documented response of operationId at status. */
export function expectMatchesContract(operationId: string, status: number, body: unknown): void {
  contract.expect(operationId, { status, body });
}

/** Seeded rows of one table (empty when nobody seeds it yet). */
export function seededRows(table: string): Record<string, any>[] {
  return ALL_FIXTURES.filter((t) => t.table === table).flatMap((t) => t.rows);
}

export const isoOf = (value: unknown): string => new Date(String(value)).toISOString();
