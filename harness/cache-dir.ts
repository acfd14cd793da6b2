import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The harness's cache folder for a project: `node_modules/.cache/contract-harness` of the nearest
 * folder at or above `from` that has a node_modules (the convention of Babel, ESLint and others),
 * so it goes with the installed packages and never into the project's own files. Undefined when
 * no folder above has a node_modules.
 */
export function projectCacheDir(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'contract-harness');
    if (dirname(dir) === dir) return undefined;
  }
}
