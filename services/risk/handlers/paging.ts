/**
 * Helpers shared by the risk handlers. The runtime has already validated and coerced the query
 * against the document, so these only apply the documented defaults.
 */
export interface Page {
  limit: number;
  offset: number;
}

export function pageOf(query: Record<string, unknown>): Page {
  return {
    limit: typeof query.limit === 'number' ? query.limit : 50,
    offset: typeof query.offset === 'number' ? query.offset : 0,
  };
}

/** Builds a parameterised WHERE clause: `add(sqlWithPlaceholder, value)` numbers the `$n` itself. */
export class Where {
  readonly values: unknown[] = [];
  private readonly parts: string[] = [];

  add(condition: (slot: string) => string, value: unknown): this {
    this.values.push(value);
    this.parts.push(condition(`$${this.values.length}`));
    return this;
  }

  raw(condition: string): this {
    this.parts.push(condition);
    return this;
  }

  /** Next free placeholder, for LIMIT/OFFSET after the conditions. */
  slot(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  toString(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

/** timestamptz columns arrive as Date: always serialise them the same way. */
export const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());
