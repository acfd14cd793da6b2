import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { diffCoverage, MalformedCoverageError, parseCoverage, renderCoverageDiffMd } from './diff-coverage';

/**
 * `npm run coverage:diff -- <base.json> <head.json> [--fail-on-regression]`
 * Prints Markdown to stdout. Exit 0; 1 with --fail-on-regression when a documented status that
 * base tested is untested in head (each one is named on stderr); 2 for an unreadable or
 * malformed file or bad usage.
 */

function readCoverage(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new MalformedCoverageError(file, '', `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseCoverage(text, file);
}

export function runCoverageDiff(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number {
  const program = new Command('coverage:diff')
    .description('Compare two coverage.json files: operations added and removed, statuses newly untested and newly covered')
    .argument('<base>', 'coverage.json of the base (e.g. the main branch)')
    .argument('<head>', 'coverage.json of the head (e.g. the pull request)')
    .option('--fail-on-regression', 'exit 1 when a status tested in base is untested in head')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const [baseFile, headFile] = program.args as [string, string];
  const { failOnRegression } = program.opts<{ failOnRegression?: boolean }>();
  try {
    const base = readCoverage(baseFile);
    const head = readCoverage(headFile);
    const diff = diffCoverage(base, head);
    out(renderCoverageDiffMd(base, head, diff));
    if (failOnRegression && diff.newlyUntested.length > 0) {
      for (const c of diff.newlyUntested) err(`coverage regression: ${c.service} ${c.operationId} ${c.method} ${c.path} status ${c.status} is no longer tested\n`);
      return 1;
    }
    return 0;
  } catch (e) {
    if (e instanceof MalformedCoverageError) {
      err(`coverage:diff: malformed coverage file: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) process.exitCode = runCoverageDiff(process.argv.slice(2));
