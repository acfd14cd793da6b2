import { extname } from 'node:path';

/**
 * Load a user's module (a `harness.config.ts`, a seed module) and return its default export.
 * Where TypeScript already loads (inside Jest, whose require transforms it; under tsx) a plain
 * require does; elsewhere (the compiled CLI) it goes through tsx's scoped require, which leaves
 * no global hook behind.
 */
export function loadDefaultExport(file: string): unknown {
  const tsLoads = process.env.JEST_WORKER_ID !== undefined || require.extensions?.['.ts'] !== undefined;
  const ts = /^\.[cm]?ts$/.test(extname(file)) && !tsLoads;
  // loaded on demand: most processes that read a config never load TypeScript
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsxRequire = ts ? (require('tsx/cjs/api') as typeof import('tsx/cjs/api')).require : undefined;
  const mod = (tsxRequire ? tsxRequire(file, __filename) : require(file)) as { default?: unknown };
  return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
}
