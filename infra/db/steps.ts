import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import type { ResolvedStep } from '../../harness/config-types';
import { loadDefaultExport } from '../../harness/load-module';
import { databasePlaceholders, expandPlaceholders } from '../../harness/placeholders';
import { applyMigrations } from './migrate';

/**
 * The sandbox's migration and seed steps, as the config names them: a folder of .sql migrations
 * (applied in name order and recorded), a .sql file, a module whose default export takes a
 * `pg.Client`, or a command. Each runs against one template database; a failure says which step
 * and why, with the command's last output lines.
 */

export class StepError extends Error {
  override name = 'StepError';
}

export interface StepContext {
  /** `migrations` or `seed`: the name in messages. */
  label: string;
  /** The template database the step builds. */
  databaseUrl: string;
  /** Folder commands run in: the config's. */
  cwd: string;
  signal?: AbortSignal;
}

export async function runStep(step: ResolvedStep, client: pg.Client, ctx: StepContext): Promise<string> {
  switch (step.kind) {
    case 'sql-dir': {
      const applied = await applyMigrations(client, step.path).catch((err: Error) => {
        throw new StepError(`${ctx.label} (${step.path}): ${err.message}`);
      });
      return `${applied.length} applied from ${step.path}`;
    }
    case 'sql-file':
      await inTransaction(client, ctx.label, step.path, () => client.query(readFileSync(step.path, 'utf8')));
      return step.path;
    case 'module': {
      const fn = loadStepModule(step.path, ctx.label);
      await inTransaction(client, ctx.label, step.path, () => fn(client));
      return step.path;
    }
    case 'command':
      return runCommand(step.argv, ctx);
  }
}

function loadStepModule(file: string, label: string): (client: pg.Client) => Promise<void> {
  let fn: unknown;
  try {
    fn = loadDefaultExport(file);
  } catch (err) {
    throw new StepError(`${label} (${file}) could not be loaded: ${(err as Error).message}`);
  }
  if (typeof fn !== 'function') throw new StepError(`${label} (${file}): the default export must be async (client: pg.Client) => void, got ${typeof fn}`);
  return fn as (client: pg.Client) => Promise<void>;
}

async function inTransaction(client: pg.Client, label: string, file: string, work: () => Promise<unknown>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new StepError(`${label} (${file}) failed: ${(err as Error).message}`);
  }
}

const TAIL_LINES = 20;

/** Run a step's command with the template database in its placeholders; its output is kept for the error. */
function runCommand(template: string[], ctx: StepContext): Promise<string> {
  const values = databasePlaceholders(ctx.databaseUrl);
  const argv = template.map((arg) => expandPlaceholders(arg, values, `${ctx.label} command`));
  const [program, ...args] = argv as [string, ...string[]];
  return new Promise((done, fail) => {
    const child = spawn(program, args, { cwd: ctx.cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'], signal: ctx.signal });
    const output: string[] = [];
    const keep = (chunk: Buffer): void => {
      output.push(...chunk.toString('utf8').split('\n'));
      if (output.length > 4 * TAIL_LINES) output.splice(0, output.length - TAIL_LINES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (err) => fail(new StepError(`${ctx.label} command ${JSON.stringify(argv.join(' '))} could not run: ${err.message}`)));
    child.once('close', (code, signal) => {
      const tail = output.join('\n').trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
      if (code === 0) done(argv.join(' '));
      else fail(new StepError(`${ctx.label} command ${JSON.stringify(argv.join(' '))} exited with ${signal ?? `code ${code}`}\n--- last lines ---\n${tail || '(no output)'}`));
    });
  });
}
