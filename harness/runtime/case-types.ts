/**
 * The data a generated baseline test hands to the run time: every decision was made by the
 * generator's plan; `runCase` only executes it. Shared by generator/plan and harness/runtime.
 */
export type CaseKind = 'ok' | 'not-found' | 'invalid' | 'empty-list';
export type Phase = 'seeded' | 'empty';
export type Scalar = string | number | boolean;

/** Where a request value comes from at run time. */
export type ValueSource =
  /** A literal: a config binding, a spec example, a sampled value, a certainly-unknown id or a malformed one. */
  | { value: Scalar }
  /**
   * A field of the first record listed by `GET path` on the seeded instance (read-only cases); a
   * nested list's own path parameters come first. `listProperty`: the list is wrapped in an object
   * (`{"projects": [...]}`) and its records are under this property.
   */
  | { discover: { path: string; field: string; listProperty?: string; params?: Record<string, ValueSource> } }
  /** A field of the record this test created first (update, delete and action cases). */
  | { created: { field: string } }
  /** A field of the response body of an earlier step of a chain (`{"step": {"name": "create", "field": "id"}}`). */
  | { step: { name: string; field: string } };

/** A string in a request body made unique per run, so repeated creates do not collide (409). */
export interface UniqueString {
  /** JSON pointer into the body. */
  pointer: string;
  maxLength?: number;
  pattern?: string;
  /** `email`: the suffix goes into the local part (`harness-x1@example.com`), so it stays an email. */
  format?: 'email';
}

/** A body field filled at run time (a reference to another record). */
export interface BodyFill {
  pointer: string;
  source: ValueSource;
}

export interface RequestPlan {
  operationId: string;
  method: string;
  path: string;
  params?: { path?: Record<string, ValueSource>; query?: Record<string, ValueSource>; header?: Record<string, ValueSource>; cookie?: Record<string, ValueSource> };
  body?: { contentType: string; value: unknown; unique?: UniqueString[]; fill?: BodyFill[] };
}

export interface BaselineCase extends RequestPlan {
  kind: CaseKind;
  phase: Phase;
  /** The documented status expected: `200`, `2XX`, `404`, `422`... */
  expect: string;
  /** The expected status comes from the config (`config harness.config.json services[0].expect["*"].invalid: reason`), not the spec: it may be undocumented. */
  expectedBy?: string;
  /** empty-list: the body must be exactly `[]`. */
  expectEmptyArray?: boolean;
  /** Run first: create the record this case acts on; `field` of its response feeds `created` sources. */
  create?: RequestPlan & { expect: string };
}

/** What became of a chain or a list check: it ran (and passed), or it could not run, and why (the reports count it skipped). */
export type RunOutcome = { ran: true } | { ran: false; reason: string };
