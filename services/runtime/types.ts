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
  /** The service's environment (process.env, or what a test passed): where its dependencies answer. */
  env: Readonly<Record<string, string | undefined>>;
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
  /**
   * Services this one calls, by the environment variable that holds each one's base URL
   * (`{ RISK_BASE_URL: 'risk' }`). Each variable must be set: a missing one is a start-up error
   * naming it, never a check silently skipped. In-process tests start the named service beside it.
   */
  dependencies?: Record<string, string>;
}

/** The first dependency variable that `env` lacks, or undefined. */
export function missingDependencyEnv(service: ServiceDefinition, env: Readonly<Record<string, string | undefined>>): string | undefined {
  return Object.keys(service.dependencies ?? {}).find((name) => !env[name]);
}

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const created = (body: unknown): Reply => ({ status: 201, body });
export const noContent = (): Reply => ({ status: 204 });
