import { clearTimeout as clearRealTimeout, setTimeout as setRealTimeout } from 'node:timers';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Agent } from 'undici';
import { nodeRequire } from '../node-require';

/**
 * The typed clients' HTTP: the `fetch` openapi-fetch calls, sent over undici's dispatcher API
 * instead of the platform's fetch. Profiled (bench/README.md, "Speed"), the platform's fetch was
 * the largest part of a request's own CPU: openapi-fetch builds a Request, fetch builds a second
 * one, runs the whole Fetch algorithm and streams the body through web streams. Here the request
 * goes out as it was built, the answer is read whole into one buffer (every caller reads it
 * whole), and a Response that holds that buffer is handed back.
 *
 * What fetch did and this keeps: the same request headers on the wire (fetch's defaults where the
 * caller set none), gzip/deflate/br bodies decoded, redirects followed as `redirect: "follow"`
 * does (301/302 after a POST and 303 become a GET without a body; credentials dropped across
 * origins; at most 20), `manual` and `error` as fetch has them; a body read once; errors as fetch
 * gives them (`TypeError: fetch failed` with the cause; the signal's reason on an abort). The
 * deadline covers the whole exchange, body included, and fails with a `TimeoutError` as
 * `AbortSignal.timeout` does.
 */

/**
 * undici through Node's own require, not the test file's: Jest would load its 110 modules again
 * for every test file (~60 ms of CPU a file, the largest part of what the client cost in the
 * profile); a worker loads it once, and its connections stay open across files.
 */
const SHARED_AGENT = Symbol.for('contract-harness.http-agent');
type Undici = typeof import('undici') & { [SHARED_AGENT]?: Agent };

function sharedAgent(): Agent {
  const undici = nodeRequire()('undici') as Undici;
  // keep-alive connections, one pool per origin, shared by every client of this process
  undici[SHARED_AGENT] ??= new undici.Agent();
  return undici[SHARED_AGENT];
}

/** The Request openapi-fetch builds (its `Request` option): keeps the body text and the caller's signal as given, so neither is read back from a stream. */
export class SentRequest extends Request {
  readonly bodyText: string | undefined;
  readonly callerSignal: AbortSignal | undefined;
  constructor(input: string | URL | Request, init?: RequestInit) {
    super(input, init);
    this.bodyText = typeof init?.body === 'string' ? init.body : undefined;
    this.callerSignal = init?.signal ?? undefined;
  }
}

/** The body text a SentRequest was given (what the client serialised); undefined for any other body, or none. */
export function requestBodyText(request: Request): string | undefined {
  return request instanceof SentRequest ? request.bodyText : undefined;
}

const DEFAULT_HEADERS: [string, string][] = [
  ['accept', '*/*'],
  ['accept-language', '*'],
  ['sec-fetch-mode', 'cors'],
  ['user-agent', 'node'],
  ['accept-encoding', 'gzip, deflate'],
];
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'host'];
const EMPTY = new Uint8Array(0);

function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function timeoutError(): Error {
  // what AbortSignal.timeout aborts with (the recorder names the deadline by this name)
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

/** A fetch for openapi-fetch: `timeoutMs` for the whole exchange; the request's own signal still counts. */
export function createHttpFetch(options: { timeoutMs: number }): (request: Request) => Promise<Response> {
  return async (request) => {
    const abort = new AbortController();
    const timer = setRealTimeout(() => abort.abort(timeoutError()), options.timeoutMs);
    timer.unref();
    const caller = request instanceof SentRequest ? request.callerSignal : request.signal;
    const onCallerAbort = () => abort.abort(caller?.reason);
    if (caller?.aborted) onCallerAbort();
    else caller?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      if (abort.signal.aborted) throw abort.signal.reason;
      return await exchange(request, abort.signal);
    } catch (error) {
      throw abort.signal.aborted ? abort.signal.reason : error;
    } finally {
      clearRealTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    }
  };
}

async function exchange(request: Request, signal: AbortSignal): Promise<Response> {
  let method = request.method;
  let url = new URL(request.url);
  const headers = new Headers(request.headers);
  for (const [name, value] of DEFAULT_HEADERS) if (!headers.has(name)) headers.set(name, value);
  let body: string | Uint8Array | undefined = requestBodyText(request) ?? (request.body ? new Uint8Array(await request.arrayBuffer()) : undefined);
  for (let redirects = 0; ; redirects++) {
    let answer;
    try {
      answer = await sharedAgent().request({ origin: url.origin, path: `${url.pathname}${url.search}`, method, headers: [...headers].flat(), body: body ?? null, signal });
    } catch (error) {
      throw fetchFailed(error);
    }
    const location = REDIRECTS.has(answer.statusCode) ? headerValue(answer.headers.location) : undefined;
    if (location === undefined || request.redirect === 'manual') {
      const bytes = await readBody(answer.body, method, answer.statusCode, headerValue(answer.headers['content-encoding']));
      return new ReceivedResponse(bytes, { status: answer.statusCode, statusText: answer.statusText ?? '', headers: responseHeaders(answer.headers) }, url.href, redirects > 0) as unknown as Response;
    }
    await answer.body.dump();
    if (request.redirect === 'error') throw fetchFailed(new Error('unexpected redirect'));
    if (redirects + 1 > MAX_REDIRECTS) throw fetchFailed(new Error('redirect count exceeded'));
    const next = new URL(location, url);
    // Fetch 4.4 "HTTP-redirect fetch", step 12: a POST after 301/302, anything but HEAD after 303, becomes a GET
    if (((answer.statusCode === 301 || answer.statusCode === 302) && method === 'POST') || (answer.statusCode === 303 && method !== 'GET' && method !== 'HEAD')) {
      method = 'GET';
      body = undefined;
      for (const name of BODY_HEADERS) headers.delete(name);
    }
    if (next.origin !== url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
    url = next;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function responseHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.append(name, value);
  }
  return headers;
}

/** The whole body, decoded as fetch decodes it; none for HEAD, 204, 205 and 304 (Fetch: a null body status). */
async function readBody(body: { bytes(): Promise<Uint8Array>; dump(): Promise<void> }, method: string, status: number, encoding: string | undefined): Promise<Uint8Array | null> {
  if (method === 'HEAD' || status === 204 || status === 205 || status === 304) {
    await body.dump();
    return null;
  }
  let bytes: Uint8Array = await body.bytes();
  // Fetch decodes the codings in the reverse order they were applied
  for (const coding of (encoding ?? '').toLowerCase().split(',').map((c) => c.trim()).filter(Boolean).reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') bytes = gunzipSync(bytes);
    else if (coding === 'deflate') bytes = inflateSync(bytes);
    else if (coding === 'br') bytes = brotliDecompressSync(bytes);
    else break; // an unknown coding: the bytes as they came, as fetch gives them
  }
  return bytes;
}

const decoder = new TextDecoder();

/**
 * A Response over a body already read into memory: the same class callers check for
 * (`instanceof Response`), status, headers, url and `redirected` as fetch sets them, and a body
 * that can be read once, by any of the body methods or the stream; `clone()` gives another
 * reading of the same bytes.
 */
// Typed as a plain base: Node's types declare Response's members as properties, which a class cannot override with accessors.
const PlatformResponse = Response as unknown as new (body: null, init: ResponseInit) => { readonly status: number; readonly statusText: string; readonly headers: Headers };

export class ReceivedResponse extends PlatformResponse {
  #bytes: Uint8Array | null;
  #used = false;
  #stream: ReadableStream<Uint8Array> | null | undefined;
  readonly #url: string;
  readonly #redirected: boolean;
  constructor(bytes: Uint8Array | null, init: { status: number; statusText: string; headers: Headers }, url: string, redirected: boolean) {
    super(null, init);
    this.#bytes = bytes;
    this.#url = url;
    this.#redirected = redirected;
  }
  get url(): string {
    return this.#url;
  }
  get redirected(): boolean {
    return this.#redirected;
  }
  get type(): 'basic' {
    return 'basic';
  }
  get bodyUsed(): boolean {
    return this.#used;
  }
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#stream !== undefined) return this.#stream;
    if (this.#bytes === null) return (this.#stream = null);
    const stream = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        controller.enqueue(this.#take());
        controller.close();
      },
    });
    return (this.#stream = stream);
  }
  #take(): Uint8Array {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    const bytes = this.#bytes ?? EMPTY;
    this.#bytes = EMPTY;
    return bytes;
  }
  async text(): Promise<string> {
    return decoder.decode(this.#take());
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.arrayBuffer());
  }
  async blob(): Promise<Blob> {
    return new Blob([await this.arrayBuffer()], { type: this.headers.get('content-type') ?? '' });
  }
  async formData(): Promise<FormData> {
    // rare enough to let the platform parse it
    return new Response(await this.arrayBuffer(), { headers: this.headers }).formData();
  }
  clone(): Response {
    if (this.#used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new ReceivedResponse(this.#bytes, { status: this.status, statusText: this.statusText, headers: new Headers(this.headers) }, this.#url, this.#redirected) as unknown as Response;
  }
}
