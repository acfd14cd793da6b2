/**
 * Jest loads this file with ts-node: transpiled only, as CommonJS. Type-checking it and its
 * imports took ~1.5 s of every Jest start; `npm run typecheck` checks them once.
 * @jest-config-loader-options {"transpileOnly": true, "compilerOptions": {"module": "CommonJS", "moduleResolution": "node10"}}
 */
import { join } from 'node:path';
import type { Config } from 'jest';
import { harnessProject, harnessReporters } from './harness/jest/jest-config';

/**
 * Two projects:
 * - unit: the project's own tests (generator, harness, services against a real Postgres).
 * - suites: the generated baselines and the hand-written suites, against the sandbox that the
 *   global setup brings up once per run: the package's own Jest project (contract-harness/jest),
 *   as a user's repository gets it, plus the mapping of the package's name to its source.
 * ts-jest transpiles only (isolatedModules in tsconfig); `npm run typecheck` type-checks once.
 */
const tsconfig = join(__dirname, 'tsconfig.json');
const transform: Config['transform'] = { '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig }] };
// The package's own name resolves to its source here (tsconfig.json "paths" does the same for tsc and tsx).
const moduleNameMapper: Record<string, string> = {
  '^contract-harness$': '<rootDir>/harness/index.ts',
  '^contract-harness/runtime$': '<rootDir>/harness/runtime/index.ts',
  '^contract-harness/jest$': '<rootDir>/harness/jest/index.ts',
};

const config: Config = {
  testTimeout: 30_000,
  // Never in band: with one worker (Jest's default on two cores) test files run in Jest's own
  // process, where the unit tests of the global setup would share state with the suites' sandbox.
  maxWorkers: 2,
  // ...and Jest runs in band on its own when its timings of the last run say every file took
  // under a second (20 files or fewer): after a fast run, the next one ran serially in one
  // process, 9.6 s instead of 5.8 s. A memory limit is what makes Jest always use workers; this
  // one is far above what a worker needs, so no worker is restarted for it.
  workerIdleMemoryLimit: '2GB',
  // harness/jest/reporter.cjs: junit.xml + coverage/latency reports when the suites project ran
  reporters: harnessReporters(),
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: [
        '<rootDir>/generator/**/*.test.ts',
        '<rootDir>/harness/**/*.test.ts',
        '<rootDir>/infra/**/*.test.ts',
        '<rootDir>/seed/**/*.test.ts',
        '<rootDir>/services/**/*.test.ts',
        '<rootDir>/bench/**/*.test.ts',
      ],
      testPathIgnorePatterns: ['/node_modules/', '/fixtures/'],
      globalSetup: '<rootDir>/services/testing/global-setup.ts',
      globalTeardown: '<rootDir>/services/testing/global-teardown.ts',
    },
    harnessProject({ tsconfig, moduleNameMapper, testMatch: ['<rootDir>/generated/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'] }),
  ],
};

export default config;
