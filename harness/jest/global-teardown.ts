import { rmSync } from 'node:fs';
import { getGlobalState } from './global-setup';

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
