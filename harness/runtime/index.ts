/**
 * Run time of the generated tests and the hand-written suites: typed clients that record every
 * exchange (contract 4), contract checks of responses, and the baseline-case runner.
 */
export { defineService, type ServiceDefinition, type ServiceHandle } from './define-service';
export { checkResponse, curlLine, documentedKey, type CheckOptions, type ResponseLike } from './check-response';
export { loadContract, type Contract, type LoadedContract } from './contract';
export { currentTest, type RecordedCall } from './record-calls';
export { toJsonSchema } from './schema-convert';
export type { BaselineCase, CaseKind, Phase, ValueSource } from './case-types';
// What hand-written suites use beside the typed clients
export { ok, fails } from './expect-status';
export { pg, SandboxDatabase, sandboxDatabaseUrl } from './pg';
export { poll, type PollOptions } from './poll';
