import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../config';
import type { ResolvedConfig } from '../config-types';
import { resolveCallsDir, resolveEndpoints } from '../endpoints';
import { prepareDiscovery } from './discovery';
import { besideSchemaWarmup } from '../runtime/warm-schemas';
import { removeStaleStateDirs, startSandbox, type RunningSandbox } from './sandbox-process';

/**
 * Global setup of the `suites` project: one sandbox per run, whatever the worker count.
 *
 * - `HARNESS_ENDPOINTS` already set (the gate brought the sandbox up): use it as is.
 * - config `sandbox: true`: start the sandbox CLI as a child, wait for its endpoints.json.
 * - config `sandbox: false`: the services already run; check each base URL answers.
 * Then export contract 3 (`HARNESS_ENDPOINTS`, `HARNESS_SANDBOX_STATUS`, `HARNESS_CALLS_DIR`):
 * workers are started after this hook, so they inherit the environment.
 */

/** Shared with global-teardown (same process, separate module instances). */
export interface HarnessGlobalState {
  sandbox?: RunningSandbox;
}

export function getGlobalState(): HarnessGlobalState {
  const g = globalThis as { __harnessState?: HarnessGlobalState };
  g.__harnessState ??= {};
  return g.__harnessState;
}

/** Remove the recorded calls, skips and discoveries of an earlier run, so the reports describe this run only. */
export function clearRecordedCalls(callsDir: string): void {
  mkdirSync(callsDir, { recursive: true });
  for (const name of readdirSync(callsDir)) {
    if (/^(calls|skips)-.*\.jsonl$|^discovered\.json$/.test(name)) rmSync(join(callsDir, name), { force: true });
  }
}

/** Any HTTP answer will do: this only tells "nothing listens there" apart from a live service. */
async function checkReachable(service: string, url: string, timeoutMs: number): Promise<void> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new Error(`service "${service}" does not answer at ${url} (${cause}); start it or fix its baseUrl in the harness config`);
  }
}

export async function checkServicesReachable(config: ResolvedConfig, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const endpoints = resolveEndpoints(config, env);
  const checks = Object.entries(endpoints).flatMap(([name, e]) => [
    checkReachable(name, e.baseUrl, 5_000),
    ...(e.emptyBaseUrl ? [checkReachable(name, e.emptyBaseUrl, 5_000)] : []),
  ]);
  await Promise.all(checks);
}

export default async function globalSetup(): Promise<void> {
  const config = loadConfig();
  const callsDir = resolveCallsDir(config);
  clearRecordedCalls(callsDir);
  process.env.HARNESS_CALLS_DIR = callsDir;
  await bringUpServices(config);
  let discovery: Awaited<ReturnType<typeof prepareDiscovery>>;
  try {
    discovery = await prepareDiscovery(config, callsDir);
  } catch (err) {
    // Jest runs no teardown after a failed setup: stop what this setup started
    await getGlobalState().sandbox?.stop();
    throw err;
  }
  if (discovery.missing > 0) {
    process.stderr.write(`[harness] ${discovery.missing} of ${discovery.found + discovery.missing} lists gave no id to discover: their cases are skipped, with the reason in the reports\n`);
  }
}

/** Make sure every service answers, starting the sandbox when the config asks for it; exports contract 3. */
async function bringUpServices(config: ResolvedConfig): Promise<void> {
  if (process.env.HARNESS_ENDPOINTS) {
    if (!existsSync(process.env.HARNESS_ENDPOINTS)) throw new Error(`HARNESS_ENDPOINTS names ${process.env.HARNESS_ENDPOINTS}, which does not exist`);
    resolveEndpoints(config); // fails now, naming the service, rather than in every test
    // a sandbox started by hand keeps its status.json beside endpoints.json: liveness for free
    const status = join(dirname(resolve(process.env.HARNESS_ENDPOINTS)), 'status.json');
    if (!process.env.HARNESS_SANDBOX_STATUS && existsSync(status)) process.env.HARNESS_SANDBOX_STATUS = status;
    return;
  }
  if (!config.sandbox) {
    delete process.env.HARNESS_SANDBOX_STATUS;
    await checkServicesReachable(config);
    return;
  }
  removeStaleStateDirs(join(config.rootDir, '.sandbox'));
  const stateDir = join(config.rootDir, '.sandbox', `jest-${process.pid}`);
  const timeoutMs = Number(process.env.HARNESS_SANDBOX_TIMEOUT_MS ?? 90_000);
  process.stderr.write(`\n[harness] starting the sandbox (state in ${stateDir})\n`);
  const { value: sandbox, warmed } = await besideSchemaWarmup(config, process.env, () =>
    startSandbox({
      stateDir,
      cwd: config.rootDir,
      timeoutMs,
      onLine: (line) => process.stderr.write(`[sandbox] ${line}\n`),
    }),
  );
  // usually done by now: Postgres's start takes longer than compiling the validators
  process.stderr.write(`[harness] schemas: ${await warmed}\n`);
  getGlobalState().sandbox = sandbox;
  process.env.HARNESS_ENDPOINTS = sandbox.endpointsFile;
  process.env.HARNESS_SANDBOX_STATUS = sandbox.statusFile;
}
