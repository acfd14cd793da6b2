import type { Pool, PoolClient } from 'pg';

/** What a handler sees: parameters already validated and coerced against the spec. */
export interface HandlerRequest {
  operationId: string;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface HandlerContext {
  db: Pool;
  /** Run fn in one transaction; rolled back when it throws. */
  transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T>;
}

export interface Reply {
  status: number;
  body?: unknown;
}

export type Handler = (req: HandlerRequest, ctx: HandlerContext) => Promise<Reply>;

/** A service: its OpenAPI document and one handler per operationId in it. */
export interface ServiceDefinition {
  name: string;
  /** Absolute path of the OpenAPI document. */
  specFile: string;
  handlers: Record<string, Handler>;
}

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const created = (body: unknown): Reply => ({ status: 201, body });
export const noContent = (): Reply => ({ status: 204 });
