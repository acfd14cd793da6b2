import type { Client } from 'openapi-fetch';
import type { ResolvedConfig } from '../config';
import type { ServiceLaunch } from '../../infra/sandbox-types';
import type { ServiceHandle } from './define-service';

/** What a fault suite holds (`faults.ts` makes them): a private platform, its instances and its database. */

export type InstanceState = 'not started' | 'running' | 'paused' | 'stopped' | 'killed';

export interface PrivateInstance {
  readonly service: string;
  /** Where it answers (known once the platform has started). */
  readonly baseUrl: string;
  readonly state: InstanceState;
  /** The running process's pid (undefined while it is not running). */
  readonly pid: number | undefined;
  /** SIGTERM, then SIGKILL after the grace period; resolves once it has exited. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, no shutdown of its own. */
  kill(): Promise<void>;
  /** Start it again on the same port (a paused one is resumed); resolves once it answers its health check. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** SIGSTOP: it keeps its connections and answers nothing (a request fails at the service's requestTimeoutMs). */
  pause(): Promise<void>;
  /** SIGCONT. */
  resume(): Promise<void>;
}

export interface PrivateDatabase {
  /** The private database's URL (for pg assertions). */
  readonly url: string;
  /** Terminate every connection to it (the services' pools see their connections die). */
  terminate(): Promise<void>;
  /** Refuse new connections (ALLOW_CONNECTIONS false) and terminate the existing ones, until restore(). */
  refuse(): Promise<void>;
  /** Take connections again; ends the database fault. */
  restore(): Promise<void>;
}

export interface PrivatePlatform {
  readonly services: readonly string[];
  /** Clone the database and start every instance; resolves once all are healthy. Idempotent. */
  start(): Promise<void>;
  /** A typed client of the private instance of this service (after start()). */
  client<Paths extends {}>(handle: ServiceHandle<Paths>): Client<Paths>;
  instance(service: string): PrivateInstance;
  readonly database: PrivateDatabase;
  /** Shorthand for `database.url`. */
  readonly databaseUrl: string;
  /** What afterEach runs: every fault undone, every instance healthy again. */
  restore(): Promise<void>;
  /** What afterAll runs: the instances stopped, the database dropped. Idempotent. */
  dispose(): Promise<void>;
}

export interface PrivatePlatformOptions {
  /** Default: loadConfig() (honours HARNESS_CONFIG). */
  config?: ResolvedConfig;
  /** Default: each config service's `start` (tests pass fake services). */
  launches?: ServiceLaunch[];
  /** The sandbox's endpoints file. Default: HARNESS_ENDPOINTS. */
  endpointsFile?: string;
  /** Register afterEach(restore) and afterAll(dispose) (default true; needs Jest's globals). */
  hooks?: boolean;
  /** SIGTERM -> SIGKILL grace of stop(). Default 5 s. */
  stopGraceMs?: number;
  /** Per instance, from spawn to healthy. Default: the config's sandbox.readyTimeoutMs. */
  readyTimeoutMs?: number;
}
