import pg from 'pg';
import { ConfigError } from '../config';
import type { ResolvedConfig } from '../config-types';
import { prepareTemplates } from '../../infra/db/databases';
import { DATABASE_PREFIX, DATABASES } from './pod-values';

/**
 * What the run's prepare Job does (`contract-harness k8s prepare`): on the run's Postgres, the
 * database of the empty instances (migrated) and of the seeded ones (migrated, then seeded), with
 * the sandbox's own steps (infra/db/databases.ts). Both are dropped first, so a retried Job
 * starts clean.
 */

export interface PrepareOptions {
  config: ResolvedConfig;
  /** Admin URL of the server (database `postgres`). */
  databaseUrl: string;
  /** How long to wait for the server to accept connections. */
  connectTimeoutMs: number;
  onLine?: (line: string) => void;
}

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (Date.now() >= deadline) throw new Error(`Postgres at ${new URL(url).host} did not accept connections within ${timeoutMs} ms: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export async function prepareRunDatabases(options: PrepareOptions): Promise<typeof DATABASES> {
  const { config } = options;
  if (config.sandbox === false) throw new ConfigError(config.file, '/sandbox', 'is false: there are no migrations or seed to prepare');
  const say = options.onLine ?? (() => undefined);
  await waitForServer(options.databaseUrl, options.connectTimeoutMs);
  const templates = await prepareTemplates(options.databaseUrl, DATABASE_PREFIX, {
    sandbox: config.sandbox,
    cwd: config.rootDir,
    onStage: (stage, ms, detail) => say(`${stage.padEnd(8)} ${(ms / 1000).toFixed(2)}s${detail ? `  ${detail}` : ''}`),
  });
  // the names the pods use are fixed in the manifests: hold prepareTemplates to them
  if (templates.seeded !== DATABASES.seeded || templates.migrated !== DATABASES.empty) {
    throw new Error(`prepare built ${templates.seeded} and ${templates.migrated}, the manifests name ${DATABASES.seeded} and ${DATABASES.empty}`);
  }
  return DATABASES;
}
