import { Client } from 'pg';
import { startTestService, type TestService } from '../testing/test-service';
import { contractCheckFor } from '../testing/contract-check';

const contract = contractCheckFor('trading');

export interface TradingHarness {
  svc: TestService;
  pg: Client;
  /** A request whose response must be documented for the operation and match its schema. */
  call(operationId: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Row count of a table, optionally `WHERE <where>` with parameters. */
  count(table: string, where?: string, params?: unknown[]): Promise<number>;
  /** Row counts of several tables under one condition, in order (one connection: sequential). */
  counts(tables: string[], where: string, params: unknown[]): Promise<number[]>;
  close(): Promise<void>;
}

/** The trading service over a database of its own plus a direct connection for database assertions. */
export async function startTrading(opts: { seeded?: boolean; env?: Record<string, string> } = {}): Promise<TradingHarness> {
  const svc = await startTestService('trading', opts);
  const pg = new Client({ connectionString: svc.db.url });
  await pg.connect();
  const harness: TradingHarness = {
    svc,
    pg,
    async call(operationId, method, path, body) {
      const res = await svc.request(method, path, body);
      if (res.status !== 204 && !res.contentType.startsWith('application/json')) {
        throw new Error(`${operationId} ${res.status}: content-type ${res.contentType}, body ${String(res.body).slice(0, 200)}`);
      }
      contract.expect(operationId, { status: res.status, body: res.body });
      return { status: res.status, body: res.body };
    },
    async count(table, where, params = []) {
      const { rows } = await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}${where ? ` WHERE ${where}` : ''}`, params);
      return rows[0]?.n ?? -1;
    },
    async counts(tables, where, params) {
      const out: number[] = [];
      for (const table of tables) out.push(await harness.count(table, where, params));
      return out;
    },
    async close() {
      await pg.end();
      await svc.close();
    },
  };
  return harness;
}
