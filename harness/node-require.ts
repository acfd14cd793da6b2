import { createRequire } from 'node:module';
import { runInThisContext } from 'node:vm';

/**
 * Node's own `require` (the process's module cache), also from inside a Jest test file, for code
 * that holds no test state and is costly to load: Jest gives every test file a module registry
 * of its own and compiles every module again in each. Inside a test file Jest answers
 * `require('node:module')` and `process.getBuiltinModule` with its registry's loader too; the
 * worker's real `process` (the global of the main context, where `vm.runInThisContext`
 * evaluates) gives Node's. Outside Jest that is the same `process`.
 */
let shared: NodeJS.Require | undefined;

export function nodeRequire(): NodeJS.Require {
  if (shared) return shared;
  const realProcess = runInThisContext('process') as { getBuiltinModule?: (id: string) => unknown };
  const moduleApi = (realProcess.getBuiltinModule?.('node:module') as { createRequire: typeof createRequire } | undefined) ?? { createRequire };
  return (shared = moduleApi.createRequire(__filename));
}
