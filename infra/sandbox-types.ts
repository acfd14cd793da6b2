import type { ExitInfo, Phase } from './processes';

/**
 * What the sandbox (`sandbox.ts`) and its instance helpers (`sandbox-instances.ts`) share: the
 * stages, how a service is launched, and the start error. Its own module, so neither imports
 * the other's.
 */

export type Stage = 'postgres' | 'migrate' | 'seed' | 'databases' | 'services' | 'ready';

export interface StageTiming {
  stage: Stage;
  ms: number;
  detail?: string;
}

/**
 * How to run one service: a config service's `start`, resolved. `command` and `env` hold
 * placeholders (`{port}`, `{databaseUrl}`, `{phase}`...), expanded per instance.
 */
export interface ServiceLaunch {
  name: string;
  command: string[];
  /** Added to the inherited environment, after expansion. */
  env: Record<string, string>;
  cwd: string;
  /** Path that answers 2xx once the instance is ready. */
  health: string;
  /** Where the launch was configured (the config file and `/services/0/start`), for errors. */
  origin?: { file: string; pointer: string };
}

/** Raised when something did not come up; `service` and `phase` name the instance when it was one. */
export class SandboxStartError extends Error {
  constructor(
    message: string,
    readonly stage: Stage,
    readonly service?: string,
    readonly phase?: Phase,
    readonly logTail?: string,
    readonly exit?: ExitInfo,
  ) {
    super(message);
    this.name = 'SandboxStartError';
  }
}
