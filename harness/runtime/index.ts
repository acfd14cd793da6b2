/**
 * Run time of the generated tests and the hand-written suites: typed clients that record every
 * exchange (contract 4), contract checks of responses, and the baseline-case runner.
 */
export { defineService, type ServiceDefinition, type ServiceHandle } from './define-service';
export { checkResponse, ContractFailure, curlLine, documentedKey, findFailures, type CheckFailure, type CheckName, type CheckOptions, type ResponseLike } from './check-response';
export { RESPONSE_CHECKS, type Check, type CheckInput } from './checks';
export { loadContract, type Contract, type LoadedContract } from './contract';
export { currentTest, type RecordedCall } from './record-calls';
export { toJsonSchema } from './schema-convert';
export type { BaselineCase, CaseKind, Phase, ValueSource } from './case-types';
// What hand-written suites use beside the typed clients
export { ok, fails } from './expect-status';
export { pg, SandboxDatabase, sandboxDatabaseUrl } from './pg';
export { poll, type PollOptions } from './poll';
export { privatePlatform, type InstanceState, type PrivateDatabase, type PrivateInstance, type PrivatePlatform, type PrivatePlatformOptions } from './faults';
