/**
 * `contract-harness`: what a repository's harness.config.ts imports. The typed clients and the
 * helpers of hand-written suites are in `contract-harness/runtime`, the Jest config in
 * `contract-harness/jest`.
 */
export type { Expectation, HarnessConfig, ResolvedConfig, ResolvedServiceConfig, ServiceConfig } from './config';
export type { SandboxConfig, StartConfig } from './config';
export { defineConfig } from './config';
