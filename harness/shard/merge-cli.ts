import { relative, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig } from '../config';
import { appendStepSummary } from '../report/step-summary';
import { formatReportsLine } from '../report/write-reports';
import { FragmentError } from './fragment';
import { mergeFragments, MergeRefused, renderShardsMd } from './merge-fragments';
import { runCommand } from '../run-command';

/**
 * `contract-harness merge <fragments...>`: the fragments of `gate --shard i/n` (one folder per
 * shard) joined into the reports of one run. Exit 0 when every shard passed and the thresholds
 * hold over the merged totals; 1 otherwise; 2 when the fragments are not one run's shards (a
 * missing or duplicate shard, different specs or generated files) or cannot be read, and then
 * nothing is written. One summary line on stdout, like the gate's.
 */

interface MergeFlags {
  out?: string;
  minStatuses?: number;
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

function parsePercent(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('a percentage from 0 to 100');
  return n;
}

function runMerge(fragmentDirs: string[], flags: MergeFlags): number {
  let reportsDir: string;
  try {
    reportsDir = flags.out ? resolve(flags.out) : loadConfig().reportsDir;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    log(`merge: ${err.message} (or give --out <dir>)`);
    return 2;
  }
  let result: ReturnType<typeof mergeFragments>;
  try {
    result = mergeFragments({ fragmentDirs, reportsDir, ...(flags.minStatuses !== undefined ? { minStatusesPercent: flags.minStatuses } : {}) });
  } catch (err) {
    if (err instanceof FragmentError || err instanceof MergeRefused) {
      log(`merge: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const { reports, tests, shards } = result;
  log(`[merge] ${shards.length} shards; reports in ${relative(process.cwd(), reportsDir) || '.'}: ${formatReportsLine(reports)}`);
  for (const failure of result.failures) log(`[merge] ${failure}`);
  appendStepSummary(`${renderShardsMd(shards)}\n${reports.coverageMd}`, `the whole report is coverage.md and coverage.html in ${relative(process.cwd(), reportsDir) || '.'}`);
  const c = reports.coverage;
  process.stdout.write(
    `merge ${result.passed ? 'passed' : 'FAILED'}: ${shards.length} shards · tests ${tests.passed} passed, ${tests.failed} failed, ${tests.skipped} skipped` +
      ` · operations covered ${c.operationsCovered}/${c.operations} · statuses covered ${c.documentedStatusesTested}/${c.documentedStatuses}\n`,
  );
  return result.passed ? 0 : 1;
}

export function mergeCommand(): Command {
  return new Command('merge')
    .description("Join the fragments of gate --shard i/n runs into one run's reports: coverage, junit.xml, latency; refuses a missing or duplicate shard and fragments of different specs or generated files")
    .argument('<fragments...>', 'the shards\' fragment folders (reports/fragments/shard-<i>-of-<n>), every shard once')
    .option('--out <dir>', "where to write the reports (default: the config's reportsDir)")
    .option('--min-statuses <percent>', 'exit 1 when fewer documented statuses than this are tested, over the merged run', parsePercent)
    .showHelpAfterError()
    .action((fragmentDirs: string[], flags: MergeFlags) => {
      process.exitCode = runMerge(fragmentDirs, flags);
    });
}

if (require.main === module) void runCommand(mergeCommand());
