/**
 * `warm-schemas <contract.json>...`: compile every response validator of these contracts into the
 * schema cache (../schema-cache.ts), and the config's. The gate runs it while the sandbox comes
 * up (Postgres starting leaves the CPU mostly idle), so that even a fresh clone's first test
 * stage loads its validators instead of compiling them in each worker. Prints one line: how many
 * validators were compiled and how many were already cached.
 */
import { existsSync } from 'node:fs';
import { loadConfig } from '../config';
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

if (require.main === module) {
  try {
    loadConfig();
  } catch {
    // the gate reports a bad config itself; warming is only a head start
  }
  const { validators, ms } = warmSchemas(process.argv.slice(2));
  process.stdout.write(`${validators} validators ready in ${(ms / 1000).toFixed(2)} s\n`);
}
