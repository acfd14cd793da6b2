import { resolve } from 'node:path';
import { startService, type RunningService, type ServiceDefinition } from '../runtime';
import { createTestDatabase, type TestDatabase } from './test-db';

export interface TestService {
  /** Base URL of the running service. */
  url: string;
  db: TestDatabase;
  /** fetch against the service; `body` objects are sent as JSON. */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; contentType: string }>;
  close(): Promise<void>;
}

const loadService = (name: string): ServiceDefinition =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(resolve(__dirname, '..', '..', 'services', name)) as { service: ServiceDefinition }).service;

/**
 * Start `services/<name>` in this process over a database of its own (seeded unless told
 * otherwise). Each service it depends on (ServiceDefinition.dependencies) is started beside it over
 * the same database, as the sandbox does per phase, unless `env` sets that variable itself (a test
 * pointing trading's RISK_BASE_URL at a closed port).
 */
export async function startTestService(name: string, opts: { seeded?: boolean; env?: Record<string, string> } = {}): Promise<TestService> {
  const service = loadService(name);
  const db = await createTestDatabase(opts);
  const companions: RunningService[] = [];
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  for (const [variable, dependency] of Object.entries(service.dependencies ?? {})) {
    if (opts.env?.[variable] !== undefined) continue;
    const companion = await startService(loadService(dependency), { databaseUrl: db.url, port: 0, poolMax: 2 });
    companions.push(companion);
    env[variable] = companion.url;
  }
  const running = await startService(service, { databaseUrl: db.url, port: 0, poolMax: 4, env, connectTimeoutMs: 2_000 });
  return {
    url: running.url,
    db,
    async request(method, path, body, headers = {}) {
      const res = await fetch(`${running.url}${path}`, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      const contentType = res.headers.get('content-type') ?? '';
      return { status: res.status, body: text && contentType.includes('json') ? JSON.parse(text) : text, contentType };
    },
    async close() {
      await running.close();
      for (const companion of companions) await companion.close();
      await db.drop();
    },
  };
}
