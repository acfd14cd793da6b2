import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, relative, sep, posix } from 'node:path';
import type { Middleware } from 'openapi-fetch';
import { assertSandboxAlive, describeSandboxDeaths, readSandboxStatus } from '../endpoints';
import type { Phase } from './case-types';
import type { LoadedContract } from './contract';
import { activeFault } from './fault-state';
import { requestBodyText } from './http-client';

/** Contract 4: one line of `$HARNESS_CALLS_DIR/calls-<pid>.jsonl` per exchange; the reports read these. */
export interface RecordedCall {
  v: 1;
  service: string;
  operationId: string;
  method: string;
  /** The path template, e.g. `/companies/{companyId}`. */
  path: string;
  /** 0 when no response came. */
  status: number;
  durationMs: number;
  /** Relative to the project root (Jest's working directory: the gate runs it there), posix slashes. */
  testFile: string;
  testName: string;
  phase: Phase;
  /** Present when the call was made while a fault suite had a fault active in this process: what was down, e.g. `risk stopped`, `database refused` (several joined by `; `). */
  fault?: string;
  /** `private` when the call went to a fault suite's own instance (`privatePlatform`), not the sandbox's shared one. */
  instance?: 'private';
}

/** What the response checks need to explain a failure: the request as sent. */
export interface Exchange {
  service: string;
  phase: Phase;
  operationId: string;
  method: string;
  pathTemplate: string;
  url: string;
  /** Read only when a failure is explained (a curl line): copied from the request on first use. */
  readonly requestHeaders: [string, string][];
  requestBody?: string;
  durationMs: number;
  /** The fault a fault suite had active when the call was recorded (RecordedCall.fault). */
  fault?: string;
}

/** Exchanges by the Response they produced: `expectResponse` looks the request up here. */
export const exchanges = new WeakMap<Response, Exchange>();

export interface RecorderOptions {
  service: string;
  phase: Phase;
  baseUrl: string;
  contract: LoadedContract;
  callsDir: string;
  /** The deadline the client's fetch applies, for the message when it passes. */
  requestTimeoutMs?: number;
  /** A fault suite's private instance (recorded on each call). */
  instance?: 'private';
}

/** Test files relative to the project root, by Jest's absolute testPath (one `relative` per file, not per call). */
const relativeTestFiles = new Map<string, string>();

/** The Jest test running now, if any: file relative to the project root (posix) and full name. */
export function currentTest(): { testFile: string; testName: string } {
  const state = (globalThis as { expect?: { getState?: () => { testPath?: string; currentTestName?: string } } }).expect?.getState?.();
  const testPath = state?.testPath;
  let testFile = '';
  if (testPath) {
    testFile = relativeTestFiles.get(testPath) ?? relative(process.cwd(), testPath).split(sep).join(posix.sep);
    relativeTestFiles.set(testPath, testFile);
  }
  return { testFile, testName: state?.currentTestName ?? '' };
}

/**
 * One append-mode descriptor per calls file while a test file runs: an `appendFileSync` by path
 * opens and closes the file on every call, the largest part of the recorder's own cost per
 * request. Jest loads this module again for every test file (a registry per file), which closes
 * what it opened when the file's tests are done; outside Jest the process's exit closes them.
 * O_APPEND writes of one line each are never interleaved within the file.
 */
const openFiles = new Map<string, number>();
const jestGlobals = globalThis as { afterAll?: (fn: () => void) => void; expect?: { getState?: () => { currentTestName?: string } } };
// Not when this module is first loaded by a running test (an import inside a test): Jest refuses
// hooks there, and fails that test; the worker's exit closes the descriptor then.
if (typeof jestGlobals.afterAll === 'function' && jestGlobals.expect?.getState?.().currentTestName === undefined) {
  jestGlobals.afterAll(() => {
    for (const fd of openFiles.values()) closeSync(fd);
    openFiles.clear();
  });
}

function appendLine(dir: string, file: string, line: string): void {
  let fd = openFiles.get(file);
  if (fd === undefined) {
    mkdirSync(dir, { recursive: true });
    fd = openSync(file, 'a');
    openFiles.set(file, fd);
  }
  writeSync(fd, line);
}

/**
 * openapi-fetch middleware: refuses to call a service the sandbox reports dead (naming it, with
 * its log tail), turns connection errors into a message naming the service, and appends one
 * JSON line per exchange to `$HARNESS_CALLS_DIR/calls-<pid>.jsonl` (contract 4).
 */
export function createRecorder(options: RecorderOptions): Middleware {
  const started = new Map<string, { at: number; body?: string }>();
  const file = join(options.callsDir, `calls-${process.pid}.jsonl`);
  /** Append the call's line; returns the fault it was recorded under. */
  const record = (request: Request, schemaPath: string, status: number, durationMs: number): string | undefined => {
    const op = options.contract.find(request.method, schemaPath);
    const line: RecordedCall = {
      v: 1,
      service: options.service,
      operationId: op?.operationId ?? '',
      method: request.method.toUpperCase(),
      path: op?.path ?? schemaPath,
      status,
      durationMs: Math.round(durationMs * 10) / 10,
      ...currentTest(),
      phase: options.phase,
    };
    const fault = activeFault();
    if (fault !== undefined) line.fault = fault;
    if (options.instance) line.instance = options.instance;
    appendLine(options.callsDir, file, JSON.stringify(line) + '\n');
    return fault;
  };
  return {
    async onRequest({ request, id }) {
      assertSandboxAlive(options.service);
      const body = requestBodyText(request) ?? (request.body ? await request.clone().text() : undefined);
      started.set(id, { at: performance.now(), ...(body !== undefined ? { body } : {}) });
      return undefined;
    },
    async onResponse({ request, response, schemaPath, id }) {
      if (response.status === 201) await rememberCreated(options, response);
      const start = started.get(id);
      started.delete(id);
      const durationMs = start ? performance.now() - start.at : 0;
      const fault = record(request, schemaPath, response.status, durationMs);
      let requestHeaders: [string, string][] | undefined;
      exchanges.set(response, {
        service: options.service,
        phase: options.phase,
        operationId: options.contract.find(request.method, schemaPath)?.operationId ?? '',
        method: request.method.toUpperCase(),
        pathTemplate: schemaPath,
        url: request.url,
        get requestHeaders() {
          requestHeaders ??= [...request.headers.entries()];
          return requestHeaders;
        },
        ...(start?.body !== undefined ? { requestBody: start.body } : {}),
        durationMs,
        ...(fault !== undefined ? { fault } : {}),
      });
      return undefined;
    },
    onError({ request, error, schemaPath, id }) {
      const start = started.get(id);
      started.delete(id);
      record(request, schemaPath, 0, start ? performance.now() - start.at : 0);
      const status = readSandboxStatus();
      const deaths = status && describeSandboxDeaths({ ...status, dead: status.dead.filter((d) => d.service === options.service) });
      const why = deaths ? `\n${deaths}` : '';
      const op = options.contract.find(request.method, schemaPath)?.operationId;
      const what = `${request.method} ${schemaPath}${op ? ` (${op})` : ''}`;
      // a DOMException from Node's own realm: not an instanceof Error inside Jest's
      if ((error as { name?: unknown } | null)?.name === 'TimeoutError') {
        return new Error(`service "${options.service}" (${options.phase} instance at ${options.baseUrl}) did not answer ${what} within ${options.requestTimeoutMs ?? '?'} ms (the service's requestTimeoutMs in the harness config)${why}`);
      }
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      return new Error(`service "${options.service}" (${options.phase} instance at ${options.baseUrl}) did not answer ${what}: ${cause}${why}`);
    },
  };
}

/**
 * Ids of records created during this run (any test, any worker), by service: discovery skips
 * them, so a read case never picks a record another test is about to delete. One JSON line per
 * 201 in `$HARNESS_CALLS_DIR/created-<pid>.jsonl` (the reports read only `calls-*.jsonl`).
 */
async function rememberCreated(options: RecorderOptions, response: Response): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(await response.clone().text());
  } catch {
    return;
  }
  const id = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).id : undefined;
  if (typeof id !== 'string' && typeof id !== 'number') return;
  appendLine(options.callsDir, join(options.callsDir, `created-${runKey(options.baseUrl, options.callsDir)}-${process.pid}.jsonl`), JSON.stringify({ service: options.service, id: String(id) }) + '\n');
}

let staleRemoved = false;

/**
 * Which sandbox run a created id belongs to: the endpoints file names fresh ports every run (else
 * the base URL). Files of earlier runs are removed once per worker; the global setup clears only
 * `calls-*.jsonl`.
 */
let lastKey: { file: string | undefined; baseUrl: string; stamp: string; key: string } | undefined;

function runKey(baseUrl: string, callsDir?: string): string {
  const file = process.env.HARNESS_ENDPOINTS;
  // read and hashed again only when the file is another one or was written again (a new sandbox
  // writes a new file): one stat per 201 instead of a read and a hash
  const st = file ? statSync(file, { throwIfNoEntry: false }) : undefined;
  const stamp = st ? `${st.ino}:${st.size}:${st.mtimeMs}` : '';
  if (!lastKey || lastKey.file !== file || lastKey.baseUrl !== baseUrl || lastKey.stamp !== stamp) {
    let basis = baseUrl;
    try {
      if (file && st) basis = readFileSync(file, 'utf8');
    } catch {
      // no endpoints file: the base URL it is
    }
    lastKey = { file, baseUrl, stamp, key: createHash('sha256').update(basis).digest('hex').slice(0, 10) };
  }
  const key = lastKey.key;
  if (callsDir && !staleRemoved) {
    staleRemoved = true;
    try {
      for (const name of readdirSync(callsDir)) if (/^created-.*\.jsonl$/.test(name) && !name.startsWith(`created-${key}-`)) rmSync(join(callsDir, name), { force: true });
    } catch {
      // nothing to clean
    }
  }
  return key;
}

/** Ids created so far in this run for a service (see rememberCreated). */
export function createdIds(service: string, callsDir: string, baseUrl: string): Set<string> {
  const ids = new Set<string>();
  const key = runKey(baseUrl, callsDir);
  let names: string[] = [];
  try {
    names = readdirSync(callsDir).filter((n) => n.startsWith(`created-${key}-`) && n.endsWith('.jsonl'));
  } catch {
    return ids;
  }
  for (const name of names) {
    for (const line of readFileSync(join(callsDir, name), 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const entry = JSON.parse(line) as { service?: string; id?: string };
        if (entry.service === service && entry.id !== undefined) ids.add(entry.id);
      } catch {
        // a line being appended by another worker right now
      }
    }
  }
  return ids;
}

/**
 * A generated case declared skipped at run time (a value it needs could not be found): one JSON
 * line in `$HARNESS_CALLS_DIR/skips-<pid>.jsonl`, which the reports join with the manifest so the
 * case shows as skipped with its reason, never as a pass.
 */
export interface RecordedSkip {
  v: 1;
  service: string;
  testFile: string;
  testName: string;
  reason: string;
}

export function recordSkip(callsDir: string, skip: Omit<RecordedSkip, 'v'>): void {
  appendLine(callsDir, join(callsDir, `skips-${process.pid}.jsonl`), JSON.stringify({ v: 1, ...skip } satisfies RecordedSkip) + '\n');
}
