import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where the package's own files are, as opposed to the project under test (the folder of its
 * harness config: `config.rootDir`, or the working directory before a config is read).
 *
 * From source (this repository, run by tsx or ts-jest) the package is the repository and its
 * modules are `.ts`; installed, the package is `node_modules/contract-harness` and its modules
 * are the compiled `.js` under `dist/`. Both layouts keep the same folders below one base:
 * `<base>/harness/...`, `<base>/generator/...`, `<base>/infra/...`.
 */

export const PACKAGE_NAME = 'contract-harness';

/** true when this module runs compiled (`dist/**.js`), false from the TypeScript source. */
export const COMPILED = __filename.endsWith('.js');

/** The folder that holds `harness/`, `generator/`, `infra/`: the repository, or `<package>/dist`. */
export const MODULES_BASE = resolve(__dirname, '..');

/** The package's root: the nearest folder upwards whose package.json is named contract-harness. */
export function findPackageRoot(from: string = __dirname): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        /* not ours: keep walking */
      }
    }
    if (dirname(dir) === dir) throw new Error(`no package.json named ${PACKAGE_NAME} above ${from}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot();

/** The package's version, for `--version`. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** A module of the package by its path without extension (`infra/sandbox-cli`): `.ts` from source, `.js` compiled. */
export function ownModule(path: string): string {
  return join(MODULES_BASE, `${path}${COMPILED ? '.js' : '.ts'}`);
}

/**
 * The argv that runs one of the package's scripts: `node <file>.js` compiled, `node --import
 * <tsx> <file>.ts` from source. tsx by its file URL: node resolves a bare `--import tsx` from the
 * child's working directory, the project root, which need not have tsx.
 */
export function ownScriptCommand(path: string, args: readonly string[] = []): string[] {
  const file = ownModule(path);
  return COMPILED ? [process.execPath, file, ...args] : [process.execPath, '--import', pathToFileURL(require.resolve('tsx')).href, file, ...args];
}

/** The package's command line with these arguments (`['generate', '--check']`). */
export function cliCommand(args: readonly string[]): string[] {
  return ownScriptCommand('harness/cli', args);
}
