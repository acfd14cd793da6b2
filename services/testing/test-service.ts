import { resolve } from 'node:path';
import { startService, type ServiceDefinition } from '../runtime';
import { createTestDatabase, type TestDatabase } from './test-db';

export interface TestService {
  /** Base URL of the running service. */
  url: string;
  db: TestDatabase;
  /** fetch against the service; `body` objects are sent as JSON. */
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; contentType: string }>;
  close(): Promise<void>;
}

/** Start `services/<name>` in this process over a database of its own (seeded unless told otherwise). */
export async function startTestService(name: string, opts: { seeded?: boolean } = {}): Promise<TestService> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { service } = require(resolve(__dirname, '..', '..', 'services', name)) as { service: ServiceDefinition };
  const db = await createTestDatabase(opts);
  const running = await startService(service, { databaseUrl: db.url, port: 0, poolMax: 4 });
  return {
    url: running.url,
    db,
    async request(method, path, body) {
      const res = await fetch(`${running.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      const contentType = res.headers.get('content-type') ?? '';
      return { status: res.status, body: text && contentType.includes('json') ? JSON.parse(text) : text, contentType };
    },
    async close() {
      await running.close();
      await db.drop();
    },
  };
}
