import createClient, { type Client } from 'openapi-fetch';
import { envNamesIn, expandEnv, loadConfig, type ResolvedConfig, type ResolvedServiceConfig } from '../config';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../config-types';
import { resolveCallsDir, resolveEndpoints } from '../endpoints';
import type { BaselineCase, Phase, RunOutcome } from './case-types';
import type { ChainSpec } from './chain-types';
import { checkResponse, type CheckOptions, type ResponseLike } from './check-response';
import { loadContract, type LoadedContract } from './contract';
import { unavailableReason } from './discover';
import { createHttpFetch, SentRequest } from './http-client';
import { createdIds, createRecorder, currentTest, recordSkip } from './record-calls';
import { runCase, type CaseRuntime, type RawRequest } from './run-case';
import { runChain } from './run-chain';
import type { ListCheckSpec } from './list-check-types';
import { runListCheck } from './run-list-check';

export interface ServiceDefinition {
  service: string;
  /** Absolute path of the generated contract.json. */
  contractFile: string;
}

/** What `generated/<svc>/client.ts` exports: typed clients plus the checks, for generated and hand-written tests alike. */
export interface ServiceHandle<Paths extends {}> {
  readonly name: string;
  /** The seeded instance (created on first use: base URL from HARNESS_ENDPOINTS or the config). */
  readonly seeded: Client<Paths>;
  /** The same service over an empty database; throws when there is none. */
  readonly empty: Client<Paths>;
  client(phase: Phase): Client<Paths>;
  /** Check an openapi-fetch result against the contract: status, documented, schema, no 5xx, no HTML. */
  expect(result: ResponseLike, status: number | string, options?: Omit<CheckOptions, 'secrets'>): void;
  /** Run one generated baseline case. */
  runCase(c: BaselineCase): Promise<void>;
  /**
   * Declare one generated baseline case as a Jest test. When the global setup found no value the
   * case needs (an empty list to discover an id from), the test is declared skipped and the
   * reason recorded for the reports: a case that cannot run is never a pass, nor a failure.
   */
  test(name: string, c: BaselineCase): void;
  /** Run one generated chain: a sequence on records it creates, judged by its oracle. */
  runChain(c: ChainSpec): Promise<RunOutcome>;
  /**
   * Declare one generated chain as a Jest test. A chain whose setup makes no record (the create
   * answered 409, a parent could not be made) cannot run: its reason is recorded for the reports,
   * which count it skipped, never passed.
   */
  chain(name: string, c: ChainSpec): void;
  /** Run one generated list check: a filter, the page size, the paging or the parent of a list, judged on what it answers. */
  runListCheck(c: ListCheckSpec): Promise<RunOutcome>;
  /** Declare one generated list check as a Jest test; one the list cannot show (too few records) is recorded skipped, like a chain. */
  listCheck(name: string, c: ListCheckSpec): void;
  readonly contract: LoadedContract;
}

let config: ResolvedConfig | undefined;

/** Every service defined in this process, by name: `ok`/`fails` find a response's contract here. */
const handles = new Map<string, ServiceHandle<{}>>();

/** The handle `defineService` made for this service, if its client module was loaded. */
export function definedService(name: string): ServiceHandle<{}> | undefined {
  return handles.get(name);
}

function serviceConfig(name: string): { cfg: ResolvedConfig; svc: ResolvedServiceConfig } {
  config ??= loadConfig();
  const svc = config.services.find((s) => s.name === name);
  if (!svc) throw new Error(`service "${name}" is not in the harness config ${config.file}: regenerate, or set HARNESS_CONFIG`);
  return { cfg: config, svc };
}

/**
 * A typed client of one service at `baseUrl`, with the config's headers (`${ENV}` expanded: the
 * values that came from the environment are `secrets`, redacted from failures), its per-request
 * deadline and the recorder. `instance: 'private'` marks the calls of a fault suite's own instance.
 */
export function createServiceClient<Paths extends {}>(opts: {
  config: ResolvedConfig;
  service: ResolvedServiceConfig;
  contract: LoadedContract;
  phase: Phase;
  baseUrl: string;
  instance?: 'private';
}): { client: Client<Paths>; secrets: string[] } {
  const { config: cfg, service: svc, phase, baseUrl } = opts;
  const secrets: string[] = [];
  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(svc.headers)) {
    const value = expandEnv(template);
    headers[name] = value;
    if (envNamesIn(template).length > 0) secrets.push(value);
  }
  const timeoutMs = svc.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // A per-request deadline: a service that accepts the connection and never answers fails this
  // request, naming it, instead of the whole test at Jest's timeout (a caller's own signal still counts).
  const client = createClient<Paths>({ baseUrl, headers, Request: SentRequest, fetch: createHttpFetch({ timeoutMs }) });
  client.use(createRecorder({ service: svc.name, phase, baseUrl, contract: opts.contract, callsDir: resolveCallsDir(cfg), requestTimeoutMs: timeoutMs, ...(opts.instance ? { instance: opts.instance } : {}) }));
  return { client, secrets };
}

/**
 * The per-service entry point the generated client module calls once. Nothing happens at import:
 * config, endpoints and env-expanded headers are read when a client is first used, so a missing
 * secret fails the test that needs it, naming the variable.
 */
export function defineService<Paths extends {}>(def: ServiceDefinition): ServiceHandle<Paths> {
  const clients = new Map<Phase, Client<Paths>>();
  let secrets: string[] = [];
  const contract = () => loadContract(def.contractFile);
  const client = (phase: Phase): Client<Paths> => {
    const existing = clients.get(phase);
    if (existing) return existing;
    const { cfg, svc } = serviceConfig(def.service);
    const endpoints = resolveEndpoints({ ...cfg, services: [svc] })[svc.name]!;
    const baseUrl = phase === 'seeded' ? endpoints.baseUrl : endpoints.emptyBaseUrl;
    if (!baseUrl) throw new Error(`service "${svc.name}" has no empty instance: set emptyBaseUrl in ${cfg.file} or run the sandbox`);
    const built = createServiceClient<Paths>({ config: cfg, service: svc, contract: contract(), phase, baseUrl });
    secrets = [...new Set([...secrets, ...built.secrets])];
    clients.set(phase, built.client);
    return built.client;
  };
  const caseRuntime = (): CaseRuntime => ({
    service: def.service,
    contract: contract(),
    request: (phase) => {
      const raw = client(phase) as unknown as { request: RawRequest };
      return (method, url, init) => raw.request(method, url, init);
    },
    secrets: () => secrets,
    createdIds: () => {
      const { cfg, svc } = serviceConfig(def.service);
      return createdIds(def.service, resolveCallsDir(cfg), resolveEndpoints({ ...cfg, services: [svc] })[svc.name]!.baseUrl);
    },
  });
  /** A test whose run may find it cannot run (its setup made no record, its list too few): the reports read the recorded skip. */
  const declareRecorded = (name: string, run: () => Promise<{ ran: true } | { ran: false; reason: string }>, what: string) => {
    test(name, async () => {
      const outcome = await run();
      if (outcome.ran) return;
      const { cfg } = serviceConfig(def.service);
      recordSkip(resolveCallsDir(cfg), { service: def.service, testFile: currentTest().testFile, testName: name, reason: outcome.reason });
      // Jest has no skip from inside a running test: the reports read the recorded skip
      process.stderr.write(`[harness] ${what} skipped at run time: ${name}: ${outcome.reason}\n`);
    });
  };
  const handle: ServiceHandle<Paths> = {
    name: def.service,
    get seeded() {
      return client('seeded');
    },
    get empty() {
      return client('empty');
    },
    client,
    get contract() {
      return contract();
    },
    expect(result, status, options = {}) {
      checkResponse(contract(), result, status, { ...options, secrets });
    },
    runCase(c) {
      return runCase(caseRuntime(), c);
    },
    async runChain(c) {
      return runChain(caseRuntime(), c);
    },
    chain(name, c) {
      declareRecorded(name, () => handle.runChain(c), 'chain');
    },
    async runListCheck(c) {
      return runListCheck(caseRuntime(), c);
    },
    listCheck(name, c) {
      // a parent discovered from the seed that the global setup did not find: skipped, with why
      const reason = unavailableReason(def.service, { ...c.list, kind: 'ok', phase: 'seeded' });
      if (reason === undefined) return declareRecorded(name, () => handle.runListCheck(c), 'list check');
      const { cfg } = serviceConfig(def.service);
      recordSkip(resolveCallsDir(cfg), { service: def.service, testFile: currentTest().testFile, testName: name, reason });
      test.skip(name, () => undefined);
    },
    test(name, c) {
      const reason = unavailableReason(def.service, c);
      if (reason === undefined) {
        test(name, () => handle.runCase(c));
        return;
      }
      const { cfg } = serviceConfig(def.service);
      recordSkip(resolveCallsDir(cfg), { service: def.service, testFile: currentTest().testFile, testName: name, reason });
      test.skip(name, () => undefined);
    },
  };
  handles.set(def.service, handle as ServiceHandle<{}>);
  return handle;
}
