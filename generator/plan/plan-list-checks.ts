import type { ListFilterIr, OperationIr, ServiceIr } from '../ir/types';
import { pickIdField } from '../ir/record-shape';
import { LIST_CHECK_NAMES, type ListCheckKind, type ListCheckName, type ListCheckSpec } from '../../harness/runtime/list-check-types';
import type { OperationExpectation } from './expectations';
import { planRequest, type PlanOptions } from './plan-request';

export interface PlannedListCheck {
  kind: ListCheckKind;
  check: ListCheckName;
  operationId: string;
  /** The parameter the check exercises. */
  param: string;
  /** The Jest test name, exactly: the manifest and the recorded calls join on it. */
  name: string;
  skipped?: string;
  spec?: ListCheckSpec;
}

/** A list parameter the config reads otherwise than the spec's names and types: the report lists each. */
export interface ListParameterOverrideEntry {
  operationId: string;
  param: string;
  /** A filter of this property; absent: not a filter, `meaning` says what it is. */
  of?: string;
  meaning?: string;
  by: string;
  reason: string;
}

export interface PlannedListChecks {
  checks: PlannedListCheck[];
  overrides: ListParameterOverrideEntry[];
  warnings: string[];
}

/** At most this many pages are read for one answer (a filtered list, a parent's children, a cursor's walk). */
const MAX_PAGES = 10;

/**
 * Stage 3 (lists): per list, a check per filter, one of the page size, one of the paging, one per
 * parent (issue 16), each on the seeded instance's own records, or the reason it cannot be planned.
 * The config's `filters` entries win over the names: `"q": "search"` is not a filter,
 * `{"status": {"of": "state"}}` filters `state`.
 */
export function planListChecks(ir: ServiceIr, op: OperationIr, options: PlanOptions, expectation?: OperationExpectation): PlannedListChecks {
  const out: PlannedListChecks = { checks: [], overrides: [], warnings: [] };
  const meaning = op.listParameters;
  if (!meaning || !op.list || op.problems.length > 0) return out;
  const filters = applyOverrides(op, meaning.filters, expectation, out);
  const prefix = `${options.service} list ${op.method.toUpperCase()} ${op.path}:`;
  const status = op.responses.find((r) => /^2\d\d$/.test(r.status))?.status;
  const request = planRequest(ir, op, options, {});
  const base: Omit<ListCheckSpec, 'kind' | 'check'> | undefined =
    status && request.ok
      ? {
          list: { ...request.value, expect: status, ...(op.list.listProperty !== undefined ? { listProperty: op.list.listProperty } : {}), idField: pickIdField(op.list.record, 'id') },
          ...(meaning.pageSize ? { pageSize: meaning.pageSize } : {}),
          ...(meaning.paging ? { paging: meaning.paging } : {}),
          maxPages: MAX_PAGES,
        }
      : undefined;
  const cannot = expectation?.skip ? `${expectation.skip.by}: ${expectation.skip.reason}` : !status ? `GET ${op.path} documents no 2xx response` : !request.ok ? request.reason : undefined;
  const add = (kind: ListCheckKind, param: string, phrase: string, extra: Partial<ListCheckSpec>, reason?: string) => {
    const name = `${prefix} ${phrase}`;
    const planned = { kind, check: LIST_CHECK_NAMES[kind], operationId: op.operationId, param };
    const why = cannot ?? reason;
    if (why !== undefined || !base) out.checks.push({ ...planned, name: `${name} [skipped: ${why}]`, skipped: why ?? 'no plan' });
    else out.checks.push({ ...planned, name, spec: { kind, check: LIST_CHECK_NAMES[kind], ...base, ...extra } });
  };
  for (const f of filters) add('filter', f.param, `?${f.param} keeps only items whose ${f.property} has its value`, { filter: { param: f.param, property: f.property, ...(f.pattern !== undefined ? { pattern: f.pattern } : {}) } });
  const size = meaning.pageSize;
  if (size) add('page-size', size.param, `?${size.param} bounds the page${size.maximum !== undefined ? ` (maximum ${size.maximum})` : ''}`, {});
  const paging = meaning.paging;
  if (paging?.kind === 'cursor') add('paging', paging.param, `?${paging.param} walks to the end without repeating an item`, {});
  else if (paging) {
    const noSize = size ? undefined : `no page-size parameter: two pages of one size cannot be asked for`;
    add('paging', paging.param, `?${paging.param} pages 1 and 2 make the page of twice the size`, {}, noSize);
  }
  for (const p of meaning.parents) {
    if ('reason' in p) add('parent', p.param, `every child carries its {${p.param}}`, {}, p.reason);
    else add('parent', p.param, `every child carries its {${p.param}} in ${p.property}`, { parent: { param: p.param, property: p.property, ...parentList(ir, op, p.param) } });
  }
  return out;
}

/** The spec's filters with the config's word applied; every override recorded for the report. */
function applyOverrides(op: OperationIr, filters: readonly ListFilterIr[], expectation: OperationExpectation | undefined, out: PlannedListChecks): ListFilterIr[] {
  const overrides = expectation?.filters ?? {};
  const names = new Set(Object.keys(overrides));
  const result = filters.filter((f) => !names.has(f.param));
  const properties = new Set(op.list?.record?.properties.map((p) => p.name) ?? []);
  for (const [param, o] of Object.entries(overrides)) {
    if (!op.parameters.query.some((q) => q.name === param)) {
      out.warnings.push(`${o.by}: ${op.method.toUpperCase()} ${op.path} has no query parameter "${param}"`);
      continue;
    }
    out.overrides.push({ operationId: op.operationId, param, ...(o.of !== undefined ? { of: o.of } : {}), ...(o.meaning !== undefined ? { meaning: o.meaning } : {}), by: o.by, reason: o.reason });
    if (o.of === undefined) continue;
    if (!properties.has(o.of)) out.warnings.push(`${o.by}: the items of ${op.method.toUpperCase()} ${op.path} have no property "${o.of}"`);
    else {
      const pattern = op.parameters.query.find((q) => q.name === param)?.resolved.pattern;
      result.push({ param, property: o.of, by: 'config', ...(typeof pattern === 'string' ? { pattern } : {}) });
    }
  }
  return result.sort((a, b) => (a.param < b.param ? -1 : a.param > b.param ? 1 : 0));
}

/** The parent collection's list (`/watchlists` of `/watchlists/{watchlistId}/members`), when it is one and needs no values of its own. */
function parentList(ir: ServiceIr, op: OperationIr, param: string): { others?: { path: string; field: string; listProperty?: string } } {
  const segments = op.path.split('/');
  const at = segments.indexOf(`{${param}}`);
  const path = segments.slice(0, at).join('/');
  if (at <= 0 || path.includes('{')) return {};
  const list = ir.operations.find((o) => o.method === 'get' && o.path === path && o.list !== undefined && o.problems.length === 0);
  if (!list?.list || [...list.parameters.query, ...list.parameters.header].some((p) => p.required)) return {};
  return { others: { path, field: pickIdField(list.list.record, param), ...(list.list.listProperty !== undefined ? { listProperty: list.list.listProperty } : {}) } };
}
