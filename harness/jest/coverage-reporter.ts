import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AggregatedResult, Config, Reporter, Test, TestContext, TestResult } from '@jest/reporters';
import { loadConfig } from '../config';
import { resolveCallsDir } from '../endpoints';
import { formatReportsLine, writeReports } from '../report/write-reports';
import { SUITES_PROJECT } from './jest-config';

/**
 * A Jest reporter that writes the reports when the `suites` project ran: junit.xml (through
 * jest-junit, into the config's reportsDir), test-summary.json (counts, read by the gate) and,
 * unless the gate writes them itself as a timed stage (`HARNESS_REPORTS_BY=gate`), the coverage
 * and latency reports. Reporters run before global teardown, so HARNESS_CALLS_DIR is still set.
 * Loaded through reporter.cjs: Jest requires reporters without its transform.
 */

interface JunitReporter {
  onTestResult(test: Test, result: TestResult, aggregated: AggregatedResult): void;
  onRunComplete(contexts: Set<TestContext>, results: AggregatedResult): Promise<void>;
}
type JunitConstructor = new (globalConfig: Config.GlobalConfig, options: Record<string, string | ((vars: Record<string, string>) => string)>) => JunitReporter;

export interface TestSummary {
  passed: number;
  failed: number;
  skipped: number;
  total: number;
  /** Test files that failed to run at all (syntax error, failing hook). */
  failedFiles: number;
  success: boolean;
}

export function summarizeResults(results: AggregatedResult): TestSummary {
  return {
    passed: results.numPassedTests,
    failed: results.numFailedTests,
    skipped: results.numPendingTests + results.numTodoTests,
    total: results.numTotalTests,
    failedFiles: results.numRuntimeErrorTestSuites,
    success: results.numFailedTests === 0 && results.numRuntimeErrorTestSuites === 0,
  };
}

export default class CoverageReporter implements Pick<Reporter, 'onTestResult' | 'onRunComplete'> {
  private readonly junit: JunitReporter;
  private readonly reportsDir: string;
  /** The gate's `--shard i/n`: a shard that drew no test file still reports (zero tests), though Jest passes no context then. */
  private readonly gateShard: boolean;

  constructor(globalConfig: Config.GlobalConfig) {
    this.reportsDir = loadConfig().reportsDir;
    this.gateShard = globalConfig.shard !== undefined && process.env.HARNESS_REPORTS_BY === 'gate';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const JestJunit = require('jest-junit') as JunitConstructor;
    this.junit = new JestJunit(globalConfig, {
      outputDirectory: this.reportsDir,
      outputName: 'junit.xml',
      suiteNameTemplate: '{filepath}',
      // describe blocks when there are some, else the file (generated suites have none)
      classNameTemplate: (vars) => vars.classname || vars.filepath || '',
      titleTemplate: '{title}',
      addFileAttribute: 'true',
    });
  }

  onTestResult(test: Test, result: TestResult, aggregated: AggregatedResult): void {
    this.junit.onTestResult(test, result, aggregated);
  }

  async onRunComplete(contexts: Set<TestContext>, results: AggregatedResult): Promise<void> {
    const suitesRan = [...contexts].some((c) => c.config.displayName?.name === SUITES_PROJECT) || (this.gateShard && results.numTotalTestSuites === 0);
    if (!suitesRan) return; // a unit-only run (a helper's targeted tests) leaves reports/ alone
    await this.junit.onRunComplete(contexts, results);
    mkdirSync(this.reportsDir, { recursive: true });
    writeFileSync(join(this.reportsDir, 'test-summary.json'), `${JSON.stringify(summarizeResults(results), null, 2)}\n`);
    if (process.env.HARNESS_REPORTS_BY === 'gate') return;
    const config = loadConfig();
    const summary = writeReports({ config, callsDir: resolveCallsDir(config) });
    process.stderr.write(`\n[harness] reports in ${summary.reportsDir}: ${formatReportsLine(summary)}\n`);
  }
}
