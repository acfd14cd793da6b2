/** Rows of one table, inserted in the order given. Values are plain JSON: timestamps as ISO strings. */
export interface FixtureTable {
  table: string;
  rows: Record<string, string | number | boolean | null>[];
}
