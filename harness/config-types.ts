/**
 * The harness configuration: one file names the services under test.
 * `harness.config.ts` in the working directory by default; `HARNESS_CONFIG=<file>` selects another
 * (`.ts`, `.js` or `.json`). Paths inside it are relative to the file that holds them.
 * The keys and their documentation are defined once, as a schema, in `config-schema.ts`.
 */
import type { HarnessConfig, ServiceConfig } from './config-schema';

export type { CommandLineConfig, Expectation, HarnessConfig, SandboxConfig, ServiceConfig, StartConfig } from './config-schema';

/** Where a changed expectation comes from: the config entry (`harness.config.json services[0].expect["*"].invalid`) and its stated reason. */
export interface ExpectationOrigin {
  by: string;
  reason?: string;
}

/** How a skip or a changed status reads in a test name, a failure and the reports. */
export function describeOrigin(origin: ExpectationOrigin): string {
  return origin.reason ? `config ${origin.by}: ${origin.reason}` : `config ${origin.by}`;
}

/** A migration or seed step, resolved: a path made absolute, or a command as argv. */
export type ResolvedStep =
  | { kind: 'sql-dir'; path: string; pointer: string }
  | { kind: 'sql-file'; path: string; pointer: string }
  | { kind: 'module'; path: string; pointer: string }
  | { kind: 'command'; argv: string[]; pointer: string };

export interface ResolvedSandbox {
  migrations?: ResolvedStep;
  seed?: ResolvedStep;
  readyTimeoutMs: number;
}

/** How one instance is started, resolved: argv split, cwd absolute, health path defaulted. */
export interface ResolvedStart {
  command: string[];
  cwd: string;
  env: Record<string, string>;
  health: string;
  /** JSON pointer of the service's `start` object, for errors. */
  pointer: string;
}

/** A config with defaults applied and every path made absolute. */
export interface ResolvedConfig {
  /** Absolute path of the config file. */
  file: string;
  /** Folder of the config file: every relative path is resolved from here; the project root. */
  rootDir: string;
  outDir: string;
  reportsDir: string;
  /** false: the services already run; otherwise how the sandbox builds the databases. */
  sandbox: false | ResolvedSandbox;
  services: ResolvedServiceConfig[];
}

export interface ResolvedServiceConfig extends Omit<ServiceConfig, 'spec' | 'start'> {
  /** Absolute path of the spec. */
  spec: string;
  headers: Record<string, string>;
  bindings: Record<string, string | number | boolean>;
  /** Present when the sandbox runs the service. */
  start?: ResolvedStart;
}

/** The config as a user writes it in `harness.config.ts`: `export default defineConfig({...})`. */
export function defineConfig(config: HarnessConfig): HarnessConfig {
  return config;
}

/** How long a request may go unanswered before it fails, unless a service's requestTimeoutMs says otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
