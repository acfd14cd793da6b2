import { relative } from 'node:path';
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../harness/config';
import { runCommand } from '../harness/run-command';
import { SpecError } from './spec-error';
import { freshStamp, writeStamp } from './write/input-stamp';

/**
 * `contract-harness generate [--check]` (`npm run generate`). Exit codes: 0 done (or up to
 * date), 1 `--check` found stale files, 2 a bad config, spec or flag (file + JSON pointer
 * printed; nothing written), 3 a crash.
 */
export function generateCommand(): Command {
  return new Command('generate')
    .description('Generate typed clients, manifests and baseline tests from the OpenAPI documents named in the harness config')
    .option('--check', 'write nothing; exit 1 when generated files are stale')
    .option('--quiet', 'print only problems')
    .showHelpAfterError()
    .action(async (opts: GenerateCliOptions) => {
      try {
        process.exitCode = await runGenerate(opts);
      } catch (err) {
        process.stderr.write(`generate crashed: ${(err as Error).stack ?? String(err)}\n`);
        process.exitCode = 3;
      }
    });
}

interface GenerateCliOptions {
  check?: boolean;
  quiet?: boolean;
}

async function runGenerate(opts: GenerateCliOptions): Promise<number> {
  const log = (line: string) => {
    if (!opts.quiet) process.stdout.write(`${line}\n`);
  };
  const started = performance.now();
  try {
    const config = loadConfig();
    const out = relative(process.cwd(), config.outDir) || '.';
    log(`config ${relative(process.cwd(), config.file) || config.file}: ${config.services.length} service(s) -> ${out}`);
    const stamp = freshStamp(config);
    if (stamp) {
      // every input and output hashes as the last complete run left them: nothing can differ
      for (const line of stamp.summary) log(`${line}, unchanged since the last generate`);
      reportWarnings(opts, stamp.warnings, log);
      log(`stages: input stamp ${(performance.now() - started).toFixed(0)} ms (config, specs, generator and outputs hashed; nothing else loaded)`);
      log(opts.check ? `${out} is up to date` : 'nothing changed');
      return 0;
    }
    // loaded only when the stamp does not settle it: the pipeline brings YAML, Redocly, Handlebars, openapi-typescript
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { generate } = require('./pipeline') as typeof import('./pipeline');
    const result = await generate({ config, check: opts.check === true, log });
    const stale = [...result.changed, ...result.orphans];
    if (!opts.check || stale.length === 0) writeStamp(config, result);
    reportWarnings(opts, result.warnings, log);
    const stages = Object.entries(result.timings)
      .map(([stage, ms]) => `${stage} ${ms.toFixed(0)} ms`)
      .join(', ');
    log(`stages: ${stages}; total ${(performance.now() - started).toFixed(0)} ms`);
    if (opts.check) {
      if (stale.length === 0) {
        log(`${out} is up to date`);
        return 0;
      }
      process.stderr.write(`${out} is stale; run \`npm run generate\`:\n${stale.map((f) => `  ${out}/${f}`).join('\n')}\n`);
      return 1;
    }
    for (const c of result.changes) log(`${c.service}: ${c.kind} ${c.operation}${c.detail ? ` (${c.detail})` : ''}`);
    if (result.changed.length === 0 && result.orphans.length === 0) log('nothing changed');
    for (const f of result.changed) log(`wrote ${out}/${f}`);
    for (const f of result.orphans) log(`removed ${out}/${f}`);
    return 0;
  } catch (err) {
    if (err instanceof SpecError || err instanceof ConfigError) {
      const file = relative(process.cwd(), err.file) || err.file;
      const pointer = err instanceof SpecError ? err.pointer : err.pointer;
      const reason = err instanceof SpecError ? err.reason : err.message.replace(/^.*?: /, '');
      process.stderr.write(`error: ${file}#${pointer || ''}: ${reason}\nnothing was written\n`);
      return 2;
    }
    throw err;
  }
}

/** Under --check (run by `npm test`) only a count: the reasons are in each manifest.json. */
function reportWarnings(opts: GenerateCliOptions, warnings: readonly string[], log: (line: string) => void): void {
  if (opts.check && warnings.length > 0) log(`${warnings.length} warning(s), mostly cases skipped with a reason; \`npm run generate\` lists them`);
  else for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
}

if (require.main === module) void runCommand(generateCommand());
