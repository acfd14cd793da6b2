import { join } from 'node:path';
import type { Config } from 'jest';
import { MODULES_BASE, ownModule } from '../package-paths';

/**
 * The harness's Jest project for any repository: ts-jest for the generated and hand-written
 * suites, the global setup that brings up the sandbox (or checks the services answer) and
 * discovers ids, the teardown that stops it, and the reporter that writes the reports. A user's
 * `jest.config.cjs` is `module.exports = harnessJestConfig()`; this repository composes
 * `harnessProject()` with its own unit project.
 */

/** The project the gate selects (`--selectProjects suites`). */
export const SUITES_PROJECT = 'suites';

/** ts-jest compiler options when the caller names no tsconfig: transpile only, CommonJS, like `npm run typecheck` would not. */
export const TRANSPILE_OPTIONS = {
  module: 'commonjs',
  target: 'es2022',
  esModuleInterop: true,
  isolatedModules: true,
  resolveJsonModule: true,
  skipLibCheck: true,
} as const;

export interface HarnessJestOptions {
  /** The project root (the folder of harness.config.ts). Default: Jest's own, the config file's folder. */
  rootDir?: string;
  /** Test files. Default: `<rootDir>/generated/**` and `<rootDir>/tests/**` `*.test.ts`. */
  testMatch?: string[];
  /** ts-jest's `tsconfig` (a file or compiler options). Default: TRANSPILE_OPTIONS. */
  tsconfig?: string | Record<string, unknown>;
  /** Extra module mappings (this repository maps the package's own name to its source). */
  moduleNameMapper?: Record<string, string>;
}

type ProjectConfig = Exclude<NonNullable<Config['projects']>[number], string>;

/** The reporters: Jest's own, then the harness's (junit.xml, coverage and latency reports). */
export function harnessReporters(): NonNullable<Config['reporters']> {
  return ['default', join(MODULES_BASE, 'harness', 'jest', 'reporter.cjs')];
}

/** One Jest project: the suites against the sandbox. */
export function harnessProject(options: HarnessJestOptions = {}): ProjectConfig {
  return {
    displayName: SUITES_PROJECT,
    ...(options.rootDir ? { rootDir: options.rootDir } : {}),
    testEnvironment: 'node',
    transform: { '^.+\\.ts$': [require.resolve('ts-jest'), { diagnostics: false, tsconfig: options.tsconfig ?? { ...TRANSPILE_OPTIONS } }] },
    ...(options.moduleNameMapper ? { moduleNameMapper: options.moduleNameMapper } : {}),
    testMatch: options.testMatch ?? ['<rootDir>/generated/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/'],
    globalSetup: ownModule('harness/jest/global-setup'),
    globalTeardown: ownModule('harness/jest/global-teardown'),
  };
}

/** A whole Jest config of one project, the suites: what `contract-harness init` writes into jest.config.cjs. */
export function harnessJestConfig(options: HarnessJestOptions = {}): Config {
  return {
    ...(options.rootDir ? { rootDir: options.rootDir } : {}),
    testTimeout: 30_000,
    reporters: harnessReporters(),
    projects: [harnessProject(options)],
  };
}
