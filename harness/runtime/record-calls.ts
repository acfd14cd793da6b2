import { appendFileSync, mkdirSync } from 'node:fs';
import { join, relative, resolve, sep, posix } from 'node:path';
import type { Middleware } from 'openapi-fetch';
import { assertSandboxAlive, describeDeadServices, readSandboxStatus } from '../endpoints';
import type { Phase } from './case-types';
import type { LoadedContract } from './contract';

const REPO_ROOT = resolve(__dirname, '..', '..');

/** One line of `calls-<pid>.jsonl`: the brief's contract 4, exactly. */
export interface RecordedCall {
  v: 1;
  service: string;
  operationId: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  testFile: string;
  testName: string;
  phase: Phase;
}

/** What the response checks need to explain a failure: the request as sent. */
export interface Exchange {
  service: string;
  phase: Phase;
  operationId: string;
  method: string;
  pathTemplate: string;
  url: string;
  requestHeaders: [string, string][];
  requestBody?: string;
  durationMs: number;
}

/** Exchanges by the Response they produced: `expectResponse` looks the request up here. */
export const exchanges = new WeakMap<Response, Exchange>();

export interface RecorderOptions {
  service: string;
  phase: Phase;
  baseUrl: string;
  contract: LoadedContract;
  callsDir: string;
}

/** The Jest test running now, if any: file relative to the repo root (posix) and full name. */
export function currentTest(): { testFile: string; testName: string } {
  const state = (globalThis as { expect?: { getState?: () => { testPath?: string; currentTestName?: string } } }).expect?.getState?.();
  const testPath = state?.testPath;
  return {
    testFile: testPath ? relative(REPO_ROOT, testPath).split(sep).join(posix.sep) : '',
    testName: state?.currentTestName ?? '',
  };
}

/**
 * openapi-fetch middleware: refuses to call a service the sandbox reports dead (naming it, with
 * its log tail), turns connection errors into a message naming the service, and appends one
 * JSON line per exchange to `$HARNESS_CALLS_DIR/calls-<pid>.jsonl` (contract 4).
 */
export function createRecorder(options: RecorderOptions): Middleware {
  const started = new Map<string, { at: number; body?: string }>();
  let dirReady = false;
  const file = join(options.callsDir, `calls-${process.pid}.jsonl`);
  const record = (request: Request, schemaPath: string, status: number, durationMs: number) => {
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
    if (!dirReady) {
      mkdirSync(options.callsDir, { recursive: true });
      dirReady = true;
    }
    // Synchronous append: one short line per call, never interleaved within a worker.
    appendFileSync(file, JSON.stringify(line) + '\n');
  };
  return {
    async onRequest({ request, id }) {
      assertSandboxAlive(options.service);
      const body = request.body ? await request.clone().text() : undefined;
      started.set(id, { at: performance.now(), ...(body !== undefined ? { body } : {}) });
      return undefined;
    },
    onResponse({ request, response, schemaPath, id }) {
      const start = started.get(id);
      started.delete(id);
      const durationMs = start ? performance.now() - start.at : 0;
      record(request, schemaPath, response.status, durationMs);
      exchanges.set(response, {
        service: options.service,
        phase: options.phase,
        operationId: options.contract.find(request.method, schemaPath)?.operationId ?? '',
        method: request.method.toUpperCase(),
        pathTemplate: schemaPath,
        url: request.url,
        requestHeaders: [...request.headers.entries()],
        ...(start?.body !== undefined ? { requestBody: start.body } : {}),
        durationMs,
      });
      return undefined;
    },
    onError({ request, error, schemaPath, id }) {
      const start = started.get(id);
      started.delete(id);
      record(request, schemaPath, 0, start ? performance.now() - start.at : 0);
      const status = readSandboxStatus();
      const dead = status?.dead.filter((d) => d.service === options.service) ?? [];
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      const why = dead.length > 0 ? `\n${describeDeadServices(dead)}` : '';
      return new Error(
        `service "${options.service}" (${options.phase} instance at ${options.baseUrl}) did not answer ${request.method} ${schemaPath}: ${cause}${why}`,
      );
    },
  };
}
