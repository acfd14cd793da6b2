/**
 * The data a generated chain hands to the run time: a sequence of requests on records the chain
 * creates itself, and the oracle that judges the whole sequence. Every decision was made by the
 * generator's plan (generator/plan/plan-chains.ts); `runChain` only executes it.
 */
import type { RequestPlan } from './case-types';

export type ChainKind = 'create-read' | 'create-list' | 'update-read' | 'read-twice' | 'delete-read' | 'nested-list';

/** Stable names, in the failure and the report (like Schemathesis' `use_after_free`). */
export type OracleName =
  | 'create-read-mismatch'
  | 'list-missing-created'
  | 'update-not-persisted'
  | 'read-not-idempotent'
  | 'delete-not-effective'
  | 'nested-list-leak';

/** How a list step pages: a page size it sends, the offset it advances, at most `maxPages` pages. */
export interface ListPaging {
  limit?: { name: string; value: number };
  offset?: string;
  maxPages: number;
}

export interface ChainStep extends RequestPlan {
  /** `create`, `read`, `update`, `read-after`, `delete`, `list`...: later steps refer to it by name. */
  name: string;
  /** The documented status this step expects. */
  expect: string;
  /** The config, not the spec, set `expect` (`config <file> services[i].expect[...]: reason`): it need not be documented. */
  expectedBy?: string;
  /** A step that makes what the chain needs (its record, a parent): another answer skips the chain. */
  setup?: boolean;
  /** A list step: where its records are, the field compared with the created record's, and how it pages. */
  list?: { listProperty?: string; field: string; paging?: ListPaging };
}

/** A field compared between what was sent and what came back, with what the spec says of it. */
export interface ComparedField {
  name: string;
  /** `date-time`, `date`, `email`...: equal as that format, not as text. */
  format?: string;
  /** The server may round to it (OAS 3.x / JSON Schema `multipleOf`). */
  multipleOf?: number;
}

/** A JSON pointer the comparisons leave out, and the config entry that says why. */
export interface IgnoredField {
  pointer: string;
  by: string;
}

export interface ChainSpec {
  kind: ChainKind;
  oracle: OracleName;
  /** The resource, as its collection path: `/watchlists`, `/companies/{companyId}/aliases`. */
  resource: string;
  steps: ChainStep[];
  /** The field of a created record that the item path and the lists name it by. */
  idField: string;
  /** What the request and the response schemas share (readOnly and writeOnly left out). */
  compare: ComparedField[];
  ignore?: IgnoredField[];
}
