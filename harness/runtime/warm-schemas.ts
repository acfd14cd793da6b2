/**
 * `warm-schemas <contract.json>...`: compile every response validator of these contracts into the
 * schema cache (../schema-cache.ts), and the config's. The gate runs it while the sandbox comes
 * up (Postgres starting leaves the CPU mostly idle), so that even a fresh clone's first test
 * stage loads its validators instead of compiling them in each worker. Prints one line: how many
 * validators are ready (compiled now or found in the cache), and how long that took.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config';
import type { ResolvedConfig } from '../config-types';
import { ownScriptCommand } from '../package-paths';
import { loadContract } from './contract';

export function warmSchemas(contractFiles: readonly string[]): { validators: number; ms: number } {
  const started = performance.now();
  let validators = 0;
  for (const file of contractFiles) {
    if (!existsSync(file)) continue;
    const contract = loadContract(file);
    for (const op of contract.operations) for (const status of Object.keys(op.responses)) if (contract.validator(op, status)) validators++;
  }
  return { validators, ms: performance.now() - started };
}

let warmChild: ChildProcess | undefined;

/**
 * This script as a child over the config's contracts, started beside the sandbox; resolves with
 * its one line, or why it did not finish. A head start only: the tests run the same without it.
 */
export function startSchemaWarmup(config: Pick<ResolvedConfig, 'outDir' | 'services' | 'rootDir'>, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const contracts = config.services.map((s) => join(config.outDir, s.name, 'contract.json'));
  const [cmd, ...args] = ownScriptCommand('harness/runtime/warm-schemas', contracts) as [string, ...string[]];
  return new Promise((done) => {
    let out = '';
    const child = spawn(cmd, args, { cwd: config.rootDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    warmChild = child;
    child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', (err) => done(`not warmed: ${err.message}`));
    child.on('close', (code) => {
      warmChild = undefined;
      done(code === 0 ? out.trim() : `not warmed (exit ${code}): ${out.trim().split('\n').slice(-3).join(' | ')}`);
    });
  });
}

/**
 * Run `start` (the sandbox's start) with the warm-up beside it; resolves with start's value and
 * the warm-up's line, still to come. When start fails, the warm-up is stopped (and awaited, so no
 * child outlives the caller) before the error goes on.
 */
export async function besideSchemaWarmup<T>(config: Pick<ResolvedConfig, 'outDir' | 'services' | 'rootDir'>, env: NodeJS.ProcessEnv, start: () => Promise<T>): Promise<{ value: T; warmed: Promise<string> }> {
  const warmed = startSchemaWarmup(config, env);
  try {
    return { value: await start(), warmed };
  } catch (err) {
    stopSchemaWarmup();
    await warmed;
    throw err;
  }
}

/** Stop the warm-up (a failed sandbox start, a signal): the cache keeps what it finished. */
export function stopSchemaWarmup(): void {
  warmChild?.kill('SIGTERM');
}

if (require.main === module) {
  try {
    loadConfig();
  } catch {
    // the gate reports a bad config itself; warming is only a head start
  }
  const { validators, ms } = warmSchemas(process.argv.slice(2));
  process.stdout.write(`${validators} validators ready in ${(ms / 1000).toFixed(2)} s\n`);
}
