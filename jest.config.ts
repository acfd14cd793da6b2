import type { Config } from 'jest';

/**
 * Two projects:
 * - unit: the project's own tests (generator, harness, services against a real Postgres).
 * - suites: the generated baselines and the hand-written suites, against the sandbox that the
 *   global setup brings up once per run (see harness/jest/).
 * ts-jest transpiles only (isolatedModules in tsconfig); `npm run typecheck` type-checks once.
 */
const transform: Config['transform'] = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
// The package's own name resolves to its source here (tsconfig.json "paths" does the same for tsc and tsx).
const moduleNameMapper: Config['moduleNameMapper'] = {
  '^contract-harness$': '<rootDir>/harness/index.ts',
  '^contract-harness/runtime$': '<rootDir>/harness/runtime/index.ts',
  '^contract-harness/jest$': '<rootDir>/harness/jest/index.ts',
};

const config: Config = {
  testTimeout: 30_000,
  // Never in band: with one worker (Jest's default on two cores) test files run in Jest's own
  // process, where the unit tests of the global setup would share state with the suites' sandbox.
  maxWorkers: 2,
  // harness/jest/reporter.cjs: junit.xml + coverage/latency reports when the suites project ran
  reporters: ['default', '<rootDir>/harness/jest/reporter.cjs'],
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
      ],
      testPathIgnorePatterns: ['/node_modules/', '/fixtures/'],
      globalSetup: '<rootDir>/infra/testing/global-setup.ts',
      globalTeardown: '<rootDir>/infra/testing/global-teardown.ts',
    },
    {
      displayName: 'suites',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/generated/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
      globalSetup: '<rootDir>/harness/jest/global-setup.ts',
      globalTeardown: '<rootDir>/harness/jest/global-teardown.ts',
    },
  ],
};

export default config;
