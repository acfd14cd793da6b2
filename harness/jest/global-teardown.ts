import { rmSync } from 'node:fs';
import type { HarnessGlobalState } from './global-setup';

/**
 * The state global-setup left (`getGlobalState` there), read without importing that module: Jest
 * loads this file on its own after the run, and from source, under the package's own Jest config,
 * its `require('./global-setup')` failed ("Cannot find module"), so Jest exited 1 after passing
 * tests and the sandbox's state folder stayed. A type import is erased; the global is the contract.
 */
function getGlobalState(): HarnessGlobalState {
  const g = globalThis as { __harnessState?: HarnessGlobalState };
  g.__harnessState ??= {};
  return g.__harnessState;
}

/**
 * Stop the sandbox that global-setup started (if it started one: when the gate owns the
 * sandbox, the gate stops it) and wait until its process has exited, so that Jest ends with
 * nothing of it still running.
 */
export default async function globalTeardown(): Promise<void> {
  const state = getGlobalState();
  const sandbox = state.sandbox;
  if (!sandbox) return;
  state.sandbox = undefined;
  await sandbox.stop();
  delete process.env.HARNESS_ENDPOINTS;
  delete process.env.HARNESS_SANDBOX_STATUS;
  if (!process.env.HARNESS_KEEP_SANDBOX_STATE) rmSync(sandbox.stateDir, { recursive: true, force: true });
}
