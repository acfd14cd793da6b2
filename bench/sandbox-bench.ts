/**
 * Sandbox benchmark (issue 2): seed time and sandbox start time, median and min-max of N runs
 * (default 5), written as a Markdown table to bench/results/sandbox.md (raw numbers beside it in
 * sandbox.raw.json, not committed).
 *
 * - seed: `seedDatabase` into a fresh clone of a migrated database, on one embedded Postgres
 *   (migrate timed the same way, for scale).
 * - sandbox: `infra/sandbox-cli.ts` as a process, as `npm run sandbox` runs it (no npm wrapper):
 *   from spawn to endpoints.json, each stage as the CLI prints it, then SIGTERM to exit.
 *
 * Usage: npx tsx bench/sandbox-bench.ts [--runs 5] [--out bench/results/sandbox.md]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { createDatabase, databaseUrl, withClient } from '../infra/db/databases';
import { applyMigrations } from '../infra/db/migrate';
import { platformMigrationsDir } from '../services/testing/platform';
import { startEmbeddedPostgres } from '../infra/postgres';
import { seedDatabase } from '../seed/seed';

const REPO_ROOT = resolve(__dirname, '..');
const STAGES = ['postgres', 'migrate', 'seed', 'databases', 'services', 'ready'] as const;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

async function benchSeed(runs: number, workDir: string): Promise<{ migrate: number[]; seed: number[] }> {
  const pg = await startEmbeddedPostgres({ baseDir: join(workDir, 'seed-pg') });
  const migrate: number[] = [];
  const seed: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const name = `bench_${i}`;
      await createDatabase(pg.url, name);
      await withClient(databaseUrl(pg.url, name), async (c) => {
        let t = performance.now();
        await applyMigrations(c, platformMigrationsDir());
        migrate.push(performance.now() - t);
        t = performance.now();
        await seedDatabase(c);
        seed.push(performance.now() - t);
      });
    }
  } finally {
    await pg.stop();
  }
  return { migrate, seed };
}

interface SandboxRun {
  wallMs: number;
  stopMs: number;
  stages: Partial<Record<(typeof STAGES)[number], number>>;
}

async function benchSandboxOnce(stateDir: string, logsDir: string): Promise<SandboxRun> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--require', require.resolve('tsx/cjs'), join(REPO_ROOT, 'infra', 'sandbox-cli.ts'), '--state-dir', stateDir, '--logs-dir', logsDir],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const endpoints = join(stateDir, 'endpoints.json');
  while (!existsSync(endpoints)) {
    if (child.exitCode !== null) throw new Error(`sandbox exited with ${child.exitCode} before it was healthy:\n${output}`);
    if (performance.now() - started > 120_000) {
      child.kill('SIGTERM');
      throw new Error(`sandbox not healthy after 120 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const wallMs = performance.now() - started;
  const stopStarted = performance.now();
  child.kill('SIGTERM');
  const code = await exited;
  const stopMs = performance.now() - stopStarted;
  if (code !== 0) throw new Error(`sandbox exited with ${code} after SIGTERM:\n${output}`);
  const stages: SandboxRun['stages'] = {};
  for (const stage of STAGES) {
    const m = new RegExp(`^${stage} +(\\d+\\.\\d+)s`, 'm').exec(output);
    if (m) stages[stage] = Number(m[1]) * 1000;
  }
  return { wallMs, stopMs, stages };
}

function row(label: string, xs: number[]): string {
  if (xs.length === 0) return `| ${label} | - | - |`;
  return `| ${label} | ${fmt(median(xs))} | ${fmt(Math.min(...xs))} - ${fmt(Math.max(...xs))} |`;
}

async function main(): Promise<void> {
  const runs = Number(arg('runs', '5'));
  const out = resolve(arg('out', join(REPO_ROOT, 'bench', 'results', 'sandbox.md')));
  const workDir = join(REPO_ROOT, '.sandbox', `bench-${process.pid}`);
  mkdirSync(workDir, { recursive: true });
  const loadBefore = loadavg()[0] ?? 0;
  try {
    process.stderr.write(`seed: ${runs} runs\n`);
    const seed = await benchSeed(runs, workDir);
    // the first run starts with no initdb cache (as on a fresh machine) and fills it
    rmSync(join(tmpdir(), 'harness-initdb-cache'), { recursive: true, force: true });
    const sandbox: SandboxRun[] = [];
    for (let i = 0; i < runs; i++) {
      const run = await benchSandboxOnce(join(workDir, `state-${i}`), join(workDir, 'logs'));
      process.stderr.write(`sandbox run ${i + 1}/${runs}: healthy in ${fmt(run.wallMs)}, stopped in ${fmt(run.stopMs)}\n`);
      sandbox.push(run);
    }
    const loadAfter = loadavg()[0] ?? 0;
    const lines = [
      '# Sandbox benchmark',
      '',
      `${runs} runs on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ` +
        `${new Date().toISOString().slice(0, 16)}Z; 1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after ` +
        '(other jobs share the machine: read the minimum as the closest to an idle machine).',
      '',
      'Produced by `npx tsx bench/sandbox-bench.ts`. Sandbox: `infra/sandbox-cli.ts` as a process, embedded Postgres, the services of ' +
        '`harness.config.ts`, each run on a seeded and an empty database; "healthy" is spawn to endpoints.json. ' +
        'The services are spawned before Postgres, so their loading overlaps the postgres/migrate/seed stages: ' +
        'the services stage is only the wait for health once the databases exist. Postgres copies a cached initdb result ' +
        '(in the OS temp folder) after the first run.',
      '',
      '| measure | median | min - max |',
      '|---|---|---|',
      row('seed (`seedDatabase`, one transaction)', seed.seed),
      row('migrate (all migrations, for scale)', seed.migrate),
      row('**sandbox start: spawn to healthy (endpoints.json)**', sandbox.map((r) => r.wallMs)),
      row('&nbsp;&nbsp;first run only (no initdb cache, as on a fresh machine)', sandbox.slice(0, 1).map((r) => r.wallMs)),
      ...STAGES.map((s) => row(`&nbsp;&nbsp;stage ${s}${s === 'ready' ? ' (total, in-process)' : ''}`, sandbox.flatMap((r) => (r.stages[s] === undefined ? [] : [r.stages[s] as number])))),
      row('sandbox stop: SIGTERM to exit (services, Postgres, files)', sandbox.map((r) => r.stopMs)),
      '',
    ];
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, lines.join('\n'));
    writeFileSync(out.replace(/\.md$/, '.raw.json'), `${JSON.stringify({ seed, sandbox, loadBefore, loadAfter }, null, 2)}\n`);
    process.stdout.write(`${lines.join('\n')}\nwritten to ${relative(process.cwd(), out)}\n`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
