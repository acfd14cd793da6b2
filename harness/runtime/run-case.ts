import { randomInt } from 'node:crypto';
import type { BaselineCase, RequestPlan, UniqueString, ValueSource } from './case-types';
import { checkResponse } from './check-response';
import type { LoadedContract } from './contract';
import { discover, discoverKey, missingValue, readDiscovered } from './discover';

/** The untyped face of an openapi-fetch client: baseline cases address operations by data. */
export type RawRequest = (
  method: string,
  url: string,
  init: Record<string, unknown>,
) => Promise<{ response: Response; data?: unknown; error?: unknown }>;

export interface CaseRuntime {
  service: string;
  contract: LoadedContract;
  request(phase: 'seeded' | 'empty'): RawRequest;
  secrets(): readonly string[];
  /** Ids of records created during this run: discovery never picks one. */
  createdIds(): Set<string>;
}

export interface Context {
  created?: unknown;
  /** A chain's earlier responses by step name: `step` sources read them. */
  steps?: Record<string, unknown>;
}

/** Discovered ids per worker: seeded lists do not change under read-only cases. */
const discovered = new Map<string, unknown>();
let uniqueCounter = 0;
/**
 * Jest reloads this module for every test file in a worker (same pid), so the counter alone would
 * repeat across files: a random prefix per module load keeps values distinct across files and workers.
 */
const uniquePrefix = randomInt(36 ** 4, 36 ** 5).toString(36);

/**
 * Execute one generated baseline case: create the record it acts on (if any), resolve its values,
 * send it, and check the response against the contract.
 */
export async function runCase(rt: CaseRuntime, c: BaselineCase): Promise<void> {
  const ctx: Context = {};
  if (c.create) {
    const setup = await send(rt, 'seeded', c.create, ctx);
    // Any 2xx made the record: whether it is the documented one, with a valid body, is the
    // creator's own ok case to say, once, rather than every case that creates a record first.
    const status = setup.result.response.status;
    if (status < 200 || status > 299) {
      try {
        checkResponse(rt.contract, setup.result, c.create.expect, { bodyText: setup.text, secrets: rt.secrets() });
      } catch (err) {
        throw new Error(`setup failed: creating the record this case acts on\n${(err as Error).message}`);
      }
    }
    ctx.created = parse(setup.text);
  }
  const { result, text } = await send(rt, c.phase, c, ctx);
  checkResponse(rt.contract, result, c.expect, {
    bodyText: text,
    secrets: rt.secrets(),
    ...(c.expectEmptyArray ? { emptyArray: true } : {}),
    ...(c.expectedBy !== undefined ? { expectedBy: c.expectedBy } : {}),
  });
}

export async function send(rt: CaseRuntime, phase: 'seeded' | 'empty', plan: RequestPlan, ctx: Context) {
  const params: Record<string, Record<string, unknown>> = {};
  const headers: Record<string, string> = {};
  for (const [loc, values] of Object.entries(plan.params ?? {})) {
    const out: Record<string, unknown> = {};
    for (const [name, source] of Object.entries(values ?? {})) {
      Object.defineProperty(out, name, { value: await resolveValue(rt, source, ctx, name), enumerable: true, writable: true, configurable: true });
    }
    if (loc === 'cookie') {
      // openapi-fetch does not serialise cookie parameters: send them as one Cookie header.
      headers.cookie = Object.entries(out).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('; ');
    } else params[loc] = out;
  }
  const init: Record<string, unknown> = { params, parseAs: 'text' };
  if (plan.body) {
    const body = structuredClone(plan.body.value);
    for (const fill of plan.body.fill ?? []) setAtPointer(body, fill.pointer, await resolveValue(rt, fill.source, ctx, fill.pointer));
    for (const u of plan.body.unique ?? []) makeUnique(body, u);
    init.body = body;
    headers['content-type'] = plan.body.contentType;
  }
  if (Object.keys(headers).length) init.headers = headers;
  const result = await rt.request(phase)(plan.method, plan.path, init);
  // parseAs 'text' keeps a success body raw; openapi-fetch parses an error body as JSON when it can.
  const raw = result.data !== undefined ? result.data : result.error;
  const text = raw === undefined ? '' : typeof raw === 'string' ? raw : JSON.stringify(raw);
  return { result, text };
}

export function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function resolveValue(rt: CaseRuntime, source: ValueSource, ctx: Context, what: string): Promise<unknown> {
  if ('value' in source) return source.value;
  if ('created' in source) {
    const created = ctx.created as Record<string, unknown> | undefined;
    const value = created && typeof created === 'object' ? created[source.created.field] : undefined;
    if (value === undefined) throw new Error(`${rt.service}: the created record has no "${source.created.field}" for ${what}: ${JSON.stringify(ctx.created)?.slice(0, 300)}`);
    return value;
  }
  if ('step' in source) {
    const earlier = ctx.steps?.[source.step.name] as Record<string, unknown> | undefined;
    const value = earlier && typeof earlier === 'object' ? earlier[source.step.field] : undefined;
    if (value === undefined) throw new Error(`${rt.service}: the response of step "${source.step.name}" has no "${source.step.field}" for ${what}: ${JSON.stringify(earlier)?.slice(0, 300)}`);
    return value;
  }
  const key = discoverKey(source.discover);
  const prepared = readDiscovered()?.[rt.service]?.[key];
  if (prepared) {
    if ('value' in prepared) return prepared.value;
    throw new Error(`${rt.service}: ${missingValue(what, prepared.reason)}`);
  }
  // No global setup made the discoveries: find it now, once per worker.
  if (!discovered.has(key)) {
    const fetchList = async (path: string, pathValues: Record<string, unknown>) => {
      const literal = Object.fromEntries(Object.entries(pathValues).map(([k, v]) => [k, { value: v as string }]));
      const { result, text } = await send(rt, 'seeded', { operationId: '', method: 'get', path, ...(Object.keys(literal).length ? { params: { path: literal } } : {}) }, ctx);
      return { status: result.response.status, text };
    };
    // Seeded records only: one a test created may be deleted by that test at any moment.
    const found = await discover(source.discover, fetchList, rt.createdIds(), what);
    if ('reason' in found) throw new Error(`${rt.service}: ${found.reason}`);
    discovered.set(key, found.value);
  }
  return discovered.get(key);
}

function setAtPointer(root: unknown, pointer: string, value: unknown): void {
  const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = root as Record<string, unknown>;
  for (const seg of segments.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    node = node[seg] as Record<string, unknown>;
  }
  const last = segments.at(-1);
  if (last !== undefined && node && typeof node === 'object') Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
}

function getAtPointer(root: unknown, pointer: string): unknown {
  let node = root;
  for (const seg of pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

/** A per-call suffix (pid + counter, base 36) that keeps the value inside its maxLength and pattern. */
function makeUnique(body: unknown, u: UniqueString): void {
  const current = getAtPointer(body, u.pointer);
  if (typeof current !== 'string') return;
  uniqueCounter += 1;
  const token = `${uniquePrefix}${uniqueCounter.toString(36)}`;
  const letters = toLetters(parseInt(uniquePrefix, 36) * 1000 + uniqueCounter);
  if (u.format === 'email') {
    const at = current.lastIndexOf('@');
    const email = `${current.slice(0, at)}-${token}${current.slice(at)}`;
    const emailPattern = u.pattern ? safeRegExp(u.pattern) : undefined;
    if (at > 0 && email.length <= (u.maxLength ?? 254) && (!emailPattern || emailPattern.test(email))) setAtPointer(body, u.pointer, email);
    return;
  }
  const max = u.maxLength ?? 200;
  const fit = (base: string, suffix: string) => (base.length + suffix.length <= max ? base + suffix : base.slice(0, Math.max(0, max - suffix.length)) + suffix).slice(0, max);
  const candidates = [fit(current, `-${token}`), fit(current, token), fit(current, token.toUpperCase()), fit(current.slice(0, 1), letters), fit('', letters)];
  const pattern = u.pattern ? safeRegExp(u.pattern) : undefined;
  const chosen = candidates.find((c) => c.length > 0 && (!pattern || pattern.test(c)));
  if (chosen !== undefined) setAtPointer(body, u.pointer, chosen);
}

function toLetters(n: number): string {
  let out = '';
  let x = n;
  do {
    out = String.fromCharCode(65 + (x % 26)) + out;
    x = Math.floor(x / 26);
  } while (x > 0);
  return out;
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}
