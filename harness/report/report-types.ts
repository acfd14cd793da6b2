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

/** A generated chain, as the manifest lists it. */
export interface ManifestChain {
  name: string;
  kind: string;
  oracle: string;
  resource: string;
  operations: string[];
  skipped?: string;
  ignored?: { pointer: string; by: string }[];
}

/** A generated list check (issue 16), as the manifest lists it. */
export interface ManifestListCheck {
  name: string;
  kind: string;
  check: string;
  operationId: string;
  param: string;
  skipped?: string;
}

/** A list parameter the config reads otherwise than its name says, and why. */
export interface ListOverride {
  operationId: string;
  param: string;
  /** A filter of this property; absent: not a filter (`meaning` says what it is). */
  of?: string;
  meaning?: string;
  by: string;
  reason: string;
}

export interface Manifest {
  service: string;
  operations: ManifestOperation[];
  /** Collections with a create the chains were planned for. */
  resources?: { collection: string }[];
  chains?: ManifestChain[];
  lists?: ManifestListCheck[];
  listOverrides?: ListOverride[];
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
  /** The faults (`RecordedCall.fault`, e.g. `risk stopped`) active during calls that saw this status, sorted (absent: none). */
  faults?: string[];
  /** Every call that saw this status was made under a fault: a fault suite caused it (absent: a healthy service sent it too, or no call). */
  onlyUnderFault?: true;
}

export interface CoverageOperation {
  service: string;
  operationId: string;
  method: string;
  path: string;
  statuses: CoverageStatus[];
}

/** One generated chain in the report: run (calls recorded under its name), skipped (with why), or not run. */
export interface ChainEntry {
  name: string;
  kind: string;
  oracle: string;
  resource: string;
  state: 'run' | 'skipped' | 'not-run';
  /** Why it was skipped: the manifest's reason, or `run time: ...` when its setup made no record. */
  reason?: string;
  ignored?: { pointer: string; by: string }[];
}

export interface ServiceChains {
  service: string;
  resources: number;
  chains: ChainEntry[];
}

/** One generated list check in the report: run, skipped (with why), or not run. */
export interface ListCheckEntry {
  name: string;
  kind: string;
  check: string;
  operationId: string;
  param: string;
  state: 'run' | 'skipped' | 'not-run';
  reason?: string;
}

export interface ServiceLists {
  service: string;
  checks: ListCheckEntry[];
  /** The config's word on list parameters, each with its reason. */
  overrides: ListOverride[];
}

export interface CoverageReport {
  version: 1;
  operations: CoverageOperation[];
  /** Per service with resources: the generated chains and what became of them (absent: none generated). */
  chains?: ServiceChains[];
  /** Per service with list checks: what became of each, and the config's overrides (absent: none generated). */
  lists?: ServiceLists[];
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
