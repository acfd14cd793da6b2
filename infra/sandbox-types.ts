import { resolve } from 'node:path';
import type { ExitInfo, Phase } from './processes';

/**
 * What the sandbox (`sandbox.ts`) and its instance helpers (`sandbox-instances.ts`) share: the
 * stages, how a service is launched, and the start error. Its own module, so neither imports
 * the other's.
 */

export const REPO_ROOT = resolve(__dirname, '..');

export type Stage = 'postgres' | 'migrate' | 'seed' | 'databases' | 'services' | 'ready';

export interface StageTiming {
  stage: Stage;
  ms: number;
  detail?: string;
}

/** How to run one service; by default `node --require tsx/cjs services/<name>/main.ts` (contract 7). */
export interface ServiceLaunch {
  name: string;
  command: string[];
  /** Extra environment, on top of PORT, DATABASE_URL, HOST, PG_POOL_MAX, SERVICE_NAME. */
  env?: NodeJS.ProcessEnv;
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
