import pg from 'pg';
import type { ResolvedSandbox } from '../../harness/config-types';
import { runStep } from './steps';

/** The URL of another database on the same server. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function createDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  await withClient(adminUrl, (c) =>
    c.query(`CREATE DATABASE ${quoteIdent(name)}${template ? ` TEMPLATE ${quoteIdent(template)}` : ''}`),
  );
  return databaseUrl(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

export interface Templates {
  /** Migrated, no rows. */
  migrated: string;
  /** Migrated and seeded. */
  seeded: string;
}

export interface TemplateSteps {
  /** The config's migrations and seed (either may be absent). */
  sandbox: Pick<ResolvedSandbox, 'migrations' | 'seed'>;
  /** Where commands run: the config's folder. */
  cwd: string;
  onStage?: (stage: 'migrate' | 'seed', ms: number, detail?: string) => void;
  signal?: AbortSignal;
}

/**
 * Build the two template databases every run clones from (`CREATE DATABASE ... TEMPLATE` costs
 * ~40 ms, far less than migrating and seeding again): the migrations into one, then a copy of
 * it seeded. Timings go to onStage.
 */
export async function prepareTemplates(adminUrl: string, prefix: string, steps: TemplateSteps): Promise<Templates> {
  const migrated = `${prefix}_migrated`;
  const seeded = `${prefix}_seeded`;
  const { migrations, seed } = steps.sandbox;
  await dropDatabase(adminUrl, seeded);
  await dropDatabase(adminUrl, migrated);
  let t = performance.now();
  const migratedUrl = await createDatabase(adminUrl, migrated);
  const migrateDetail = migrations
    ? await withClient(migratedUrl, (c) => runStep(migrations, c, { label: 'migrations', databaseUrl: migratedUrl, cwd: steps.cwd, signal: steps.signal }))
    : 'none configured';
  steps.onStage?.('migrate', performance.now() - t, migrateDetail);
  t = performance.now();
  const seededUrl = await createDatabase(adminUrl, seeded, migrated);
  const seedDetail = seed
    ? await withClient(seededUrl, (c) => runStep(seed, c, { label: 'seed', databaseUrl: seededUrl, cwd: steps.cwd, signal: steps.signal }))
    : 'none configured';
  steps.onStage?.('seed', performance.now() - t, seedDetail);
  return { migrated, seeded };
}
