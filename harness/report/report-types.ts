/** The inputs and outputs of the reports, as the contracts between the parts fix them. */
import type { ExpectationOrigin } from '../config-types';

/** Contract 4, written by the recording middleware: one JSON line per exchange. */
export type { RecordedCall, RecordedSkip } from '../runtime/record-calls';

/** Contract 5: `generated/<svc>/manifest.json`. */
export interface ManifestCase {
  kind: string;
  status: string;
  name: string;
  skipped?: string;
  /** The expected status (or the skip) comes from this config entry (`harness.config.json services[0].expect["getX"].ok`), not the spec. */
  override?: ExpectationOrigin;
}

export interface ManifestOperation {
  operationId: string;
  method: string;
  path: string;
  statuses: string[];
  cases: ManifestCase[];
}

export interface Manifest {
  service: string;
  operations: ManifestOperation[];
}

/** Contract 6: `reports/coverage.json`. */
export interface CoverageStatus {
  status: string;
  documented: boolean;
  tested: boolean;
  calls: number;
  tests: string[];
  /** Why the generated cases for this status were skipped: the manifest's reasons, then those found at run time (`run time: ...`), deduplicated (absent when none). */
  skipped?: string[];
  /** Config entries that made this the expected status of a case, as `config <entry>: reason` (absent: the spec did). */
  expectedBy?: string[];
}

export interface CoverageOperation {
  service: string;
  operationId: string;
  method: string;
  path: string;
  statuses: CoverageStatus[];
}

export interface CoverageReport {
  version: 1;
  operations: CoverageOperation[];
}

export interface CoverageTotals {
  operations: number;
  /** Operations with at least one documented status tested. */
  operationsCovered: number;
  documentedStatuses: number;
  documentedStatusesTested: number;
  /** Observed statuses the operation does not document. */
  undocumentedObserved: number;
}
