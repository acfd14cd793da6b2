import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { diffCoverage, MalformedCoverageError, parseCoverage, renderCoverageDiffMd } from './diff-coverage';

/**
 * `contract-harness coverage diff <base.json> <head.json> [--fail-on-regression]`
 * (`npm run coverage:diff -- ...`).
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

type Write = (s: string) => void;
const stdout: Write = (s) => process.stdout.write(s);
const stderr: Write = (s) => process.stderr.write(s);

/**
 * The `coverage diff` command (`coverage:diff` when this file runs alone); `done` receives the
 * exit code.
 */
export function coverageDiffCommand(name: string, done: (code: number) => void, out: Write = stdout, err: Write = stderr): Command {
  return new Command(name)
    .description('Compare two coverage.json files: operations added and removed, statuses newly untested and newly covered')
    .argument('<base>', 'coverage.json of the base (e.g. the main branch)')
    .argument('<head>', 'coverage.json of the head (e.g. the pull request)')
    .option('--fail-on-regression', 'exit 1 when a status tested in base is untested in head')
    .configureOutput({ writeOut: out, writeErr: err })
    .showHelpAfterError()
    .action((baseFile: string, headFile: string, opts: { failOnRegression?: boolean }) => done(diffFiles(baseFile, headFile, opts.failOnRegression === true, out, err)));
}

function diffFiles(baseFile: string, headFile: string, failOnRegression: boolean, out: Write, err: Write): number {
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

/** The command over `argv` (user arguments), synchronously: its exit code. */
export function runCoverageDiff(argv: readonly string[], out: Write = stdout, err: Write = stderr): number {
  let code = 0;
  const program = coverageDiffCommand('coverage:diff', (c) => (code = c), out, err).exitOverride();
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  return code;
}

if (require.main === module) process.exitCode = runCoverageDiff(process.argv.slice(2));
