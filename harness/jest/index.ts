/** `contract-harness/jest`: the Jest config of a repository tested with the harness. */
export { harnessJestConfig, harnessProject, harnessReporters, SUITES_PROJECT, TRANSPILE_OPTIONS, type HarnessJestOptions } from './jest-config';
