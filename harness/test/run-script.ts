import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

/**
 * A harness command run as a user runs it, for tests of the gate and the CLI: one of the
 * package's scripts under tsx, in the repository's root, its output collected.
 */

const REPO = resolve(__dirname, '..', '..');

/** What a test's own run sets for its workers (contract 3, Jest, GitHub): a child gate must not inherit them. */
const RUN_VARIABLES = ['HARNESS_ENDPOINTS', 'HARNESS_SANDBOX_STATUS', 'HARNESS_CALLS_DIR', 'JEST_WORKER_ID', 'GITHUB_STEP_SUMMARY'];

/** This process's environment without the run's variables, plus `extra`. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of RUN_VARIABLES) delete env[name];
  return env;
}

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node --import tsx harness/<script> ...args` in the repository's root; resolves when it has exited. */
export function runHarnessScript(script: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ScriptRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'harness', script), ...args], { cwd: REPO, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}
