import { summarizeCoverage } from './build-coverage';
import { escapeMdText, formatMdCode } from './render-coverage-md';
import type { CoverageOperation, CoverageReport, CoverageStatus } from './report-types';

/**
 * Compare two coverage.json files (contract 6). Operations are matched by service, method and
 * path template (what a client calls), so a renamed operationId is a change, not a removal.
 * "Newly untested" is a documented status tested in base and untested in head: the regression
 * `--fail-on-regression` fails on. New statuses or operations without tests are listed apart.
 */

export class MalformedCoverageError extends Error {
  constructor(
    readonly file: string,
    readonly pointer: string,
    message: string,
  ) {
    super(`${file}: ${pointer ? `${pointer}: ` : ''}${message}`);
    this.name = 'MalformedCoverageError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkStatus(raw: unknown, file: string, at: string): CoverageStatus {
  if (!isRecord(raw)) throw new MalformedCoverageError(file, at, 'expected an object');
  if (typeof raw.status !== 'string') throw new MalformedCoverageError(file, `${at}/status`, 'expected a string');
  for (const key of ['documented', 'tested'] as const) {
    if (typeof raw[key] !== 'boolean') throw new MalformedCoverageError(file, `${at}/${key}`, 'expected a boolean');
  }
  if (typeof raw.calls !== 'number') throw new MalformedCoverageError(file, `${at}/calls`, 'expected a number');
  if (!Array.isArray(raw.tests) || !raw.tests.every((t) => typeof t === 'string')) throw new MalformedCoverageError(file, `${at}/tests`, 'expected an array of strings');
  return raw as unknown as CoverageStatus;
}

/** Parse and check a coverage file; errors name the file and the JSON pointer. */
export function parseCoverage(text: string, file: string): CoverageReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new MalformedCoverageError(file, '', `not valid JSON (${(err as Error).message})`);
  }
  if (!isRecord(raw)) throw new MalformedCoverageError(file, '', 'expected an object');
  if (raw.version !== 1) throw new MalformedCoverageError(file, '/version', `expected 1, got ${JSON.stringify(raw.version)}`);
  if (!Array.isArray(raw.operations)) throw new MalformedCoverageError(file, '/operations', 'expected an array');
  raw.operations.forEach((op: unknown, i) => {
    const at = `/operations/${i}`;
    if (!isRecord(op)) throw new MalformedCoverageError(file, at, 'expected an object');
    for (const key of ['service', 'operationId', 'method', 'path'] as const) {
      if (typeof op[key] !== 'string') throw new MalformedCoverageError(file, `${at}/${key}`, 'expected a string');
    }
    if (!Array.isArray(op.statuses)) throw new MalformedCoverageError(file, `${at}/statuses`, 'expected an array');
    op.statuses.forEach((s: unknown, j) => checkStatus(s, file, `${at}/statuses/${j}`));
  });
  return raw as unknown as CoverageReport;
}

export interface StatusChange {
  service: string;
  operationId: string;
  method: string;
  path: string;
  status: string;
  /** Test files that covered it in base (newly untested) or cover it in head (newly covered). */
  tests: string[];
}

export interface CoverageDiff {
  added: CoverageOperation[];
  removed: CoverageOperation[];
  newlyUntested: StatusChange[];
  newlyCovered: StatusChange[];
  /** Documented statuses new in head (on existing or added operations) that no test covers. */
  newUntested: StatusChange[];
}

const routeKey = (op: CoverageOperation): string => `${op.service} ${op.method.toUpperCase()} ${op.path}`;

function toChange(op: CoverageOperation, status: CoverageStatus, tests: string[]): StatusChange {
  return { service: op.service, operationId: op.operationId, method: op.method, path: op.path, status: status.status, tests };
}

export function diffCoverage(base: CoverageReport, head: CoverageReport): CoverageDiff {
  const baseOps = new Map(base.operations.map((op) => [routeKey(op), op]));
  const headKeys = new Set(head.operations.map(routeKey));
  const diff: CoverageDiff = { added: [], removed: [], newlyUntested: [], newlyCovered: [], newUntested: [] };
  for (const op of head.operations) {
    const before = baseOps.get(routeKey(op));
    if (!before) diff.added.push(op);
    const beforeStatuses = new Map((before?.statuses ?? []).filter((s) => s.documented).map((s) => [s.status, s]));
    for (const s of op.statuses.filter((x) => x.documented)) {
      const was = beforeStatuses.get(s.status);
      if (was?.tested && !s.tested) diff.newlyUntested.push(toChange(op, s, was.tests));
      else if (s.tested && !was?.tested) diff.newlyCovered.push(toChange(op, s, s.tests));
      else if (!was && !s.tested) diff.newUntested.push(toChange(op, s, []));
    }
  }
  diff.removed = base.operations.filter((op) => !headKeys.has(routeKey(op)));
  return diff;
}

const row = (c: StatusChange): string =>
  `| ${escapeMdText(c.service)} | ${formatMdCode(c.operationId)} | ${c.method} | ${formatMdCode(c.path)} | ${c.status} | ${c.tests.map(formatMdCode).join(', ')} |`;

function renderChanges(title: string, testsHeader: string, changes: readonly StatusChange[]): string[] {
  if (changes.length === 0) return [];
  return [`### ${title} (${changes.length})`, '', `| service | operationId | method | path | status | ${testsHeader} |`, '|---|---|---|---|---|---|', ...changes.map(row), ''];
}

function renderOperations(title: string, ops: readonly CoverageOperation[]): string[] {
  if (ops.length === 0) return [];
  return [
    `### ${title} (${ops.length})`,
    '',
    '| service | operationId | method | path | documented statuses |',
    '|---|---|---|---|---|',
    ...ops.map((op) => `| ${escapeMdText(op.service)} | ${formatMdCode(op.operationId)} | ${op.method} | ${formatMdCode(op.path)} | ${op.statuses.filter((s) => s.documented).map((s) => `${s.status}${s.tested ? '' : ' (untested)'}`).join(', ')} |`),
    '',
  ];
}

export function renderCoverageDiffMd(base: CoverageReport, head: CoverageReport, diff: CoverageDiff): string {
  const b = summarizeCoverage(base.operations);
  const h = summarizeCoverage(head.operations);
  const delta = h.documentedStatusesTested - b.documentedStatusesTested;
  const lines = [
    '## Coverage diff',
    '',
    `Documented statuses tested: base ${b.documentedStatusesTested}/${b.documentedStatuses}, head ${h.documentedStatusesTested}/${h.documentedStatuses} (${delta >= 0 ? '+' : ''}${delta}) · operations: base ${b.operations}, head ${h.operations}`,
    '',
  ];
  const body = [
    ...renderChanges('Newly untested', 'was tested by', diff.newlyUntested),
    ...renderChanges('Newly covered', 'tested by', diff.newlyCovered),
    ...renderChanges('New documented statuses without tests', '', diff.newUntested),
    ...renderOperations('Operations added', diff.added),
    ...renderOperations('Operations removed', diff.removed),
  ];
  lines.push(...(body.length > 0 ? body : ['No change in operations or coverage.', '']));
  return `${lines.join('\n').trimEnd()}\n`;
}
