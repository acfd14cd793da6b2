/**
 * The data a generated list check hands to the run time: which list, which of its parameters the
 * check exercises (a filter, the page size, the paging, the parent), and the bounds. Every
 * decision was made by the generator's plan (generator/plan/plan-list-checks.ts);
 * `runListCheck` (run-list-check.ts) sends the requests, `judgeList` (list-checks.ts) decides.
 */
import type { RequestPlan } from './case-types';

export type ListCheckKind = 'filter' | 'page-size' | 'paging' | 'parent';

/** Stable names, in the failure and the report, beside the response checks' (checks.ts). */
export type ListCheckName = 'list-filter' | 'list-page-size' | 'list-paging' | 'list-parent';

export const LIST_CHECK_NAMES: Record<ListCheckKind, ListCheckName> = {
  filter: 'list-filter',
  'page-size': 'list-page-size',
  paging: 'list-paging',
  parent: 'list-parent',
};

export type ListPagingSpec =
  | { kind: 'offset'; param: string }
  | { kind: 'page'; param: string; first: number }
  | { kind: 'cursor'; param: string; cursorField: string };

export interface ListCheckSpec {
  kind: ListCheckKind;
  check: ListCheckName;
  /** The list as its ok case sends it (path values of a parent discovered from the seed), with none of the parameters below. */
  list: RequestPlan & {
    expect: string;
    /** The items are under this property of a wrapped body (`{"projects": [...]}`). */
    listProperty?: string;
    /** The items' identity (`id`); an item without it is compared whole. */
    idField: string;
  };
  pageSize?: { param: string; maximum?: number; minimum?: number };
  paging?: ListPagingSpec;
  /** filter: the query parameter, and the items' property that must equal its value; a value sent must match the parameter's `pattern`. */
  filter?: { param: string; property: string; pattern?: string };
  /**
   * parent: the path parameter, and the children's property that carries its value; `others`: the
   * parent collection's list, whose first few records are parents too (a leak shows under a parent
   * that has no children of its own).
   */
  parent?: { param: string; property: string; others?: { path: string; field: string; listProperty?: string } };
  /** At most this many pages are read (a filter's answer, a cursor's walk). */
  maxPages: number;
}
