import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createHttpFetch, SentRequest } from './http-client';

/**
 * The clients' fetch (http-client.ts) against a local server, side by side with the platform's
 * fetch where they must agree: what goes on the wire, what a caller reads back, and how each
 * failure surfaces (the recorder turns these into its messages; runtime.test.ts checks those).
 */

let server: Server;
let hung: Server;
let base = '';
let hungBase = '';
const seen: { method: string; url: string; headers: Record<string, string>; body: string }[] = [];

async function readAll(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readAll(req).then((body) => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers, body });
      const route = req.url ?? '';
      if (route === '/gzip') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync('{"zipped":true}'));
      } else if (route === '/cookies') {
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.setHeader('content-type', 'text/plain');
        res.end('two cookies');
      } else if (route === '/none') {
        res.writeHead(204).end();
      } else if (route.startsWith('/to/')) {
        const [, , status, ...rest] = route.split('/');
        res.writeHead(Number(status), { location: `/${rest.join('/')}` }).end();
      } else if (route === '/loop') {
        res.writeHead(302, { location: '/loop' }).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, url: req.url, body }));
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hung = createServer(() => undefined);
  await new Promise<void>((done) => hung.listen(0, '127.0.0.1', done));
  hungBase = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
});

afterAll(async () => {
  hung.closeAllConnections();
  await new Promise((done) => hung.close(done));
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

const send = createHttpFetch({ timeoutMs: 10_000 });
const post = (path: string, body: string) => new SentRequest(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-trace': 't-1' } });
const lastSeen = () => seen[seen.length - 1]!;

describe('what goes on the wire', () => {
  test('the same method, path, body and headers as the platform fetch sends for the same request', async () => {
    await (await fetch(post('/things?q=1', '{"a":1}'))).text();
    const byFetch = lastSeen();
    await (await send(post('/things?q=1', '{"a":1}'))).text();
    const byClient = lastSeen();
    const withoutConnection = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== 'host' && k !== 'connection'));
    expect(byClient.method).toBe('POST');
    expect(byClient.url).toBe('/things?q=1');
    expect(byClient.body).toBe('{"a":1}');
    expect(withoutConnection(byClient.headers)).toEqual(withoutConnection(byFetch.headers));
    expect(byClient.headers['x-trace']).toBe('t-1');
  });

  test('a body openapi-fetch did not serialise as text (a plain Request, bytes) is sent as its bytes', async () => {
    await (await send(new Request(`${base}/raw`, { method: 'PUT', body: new Uint8Array([104, 105]) }))).text();
    expect(lastSeen()).toMatchObject({ method: 'PUT', body: 'hi' });
  });

  test('the caller’s accept and user-agent win over the defaults', async () => {
    await (await send(new SentRequest(`${base}/x`, { headers: { accept: 'application/json', 'user-agent': 'suite' } }))).text();
    expect(lastSeen().headers).toMatchObject({ accept: 'application/json', 'user-agent': 'suite' });
  });
});

describe('what a caller reads back', () => {
  test('status, headers (each set-cookie on its own), url, and a body decoded from gzip', async () => {
    const cookies = await send(new SentRequest(`${base}/cookies`));
    expect(cookies).toBeInstanceOf(Response);
    expect(cookies.status).toBe(200);
    expect(cookies.ok).toBe(true);
    expect(cookies.statusText).toBe('OK');
    expect(cookies.headers.get('content-type')).toBe('text/plain');
    expect(cookies.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(cookies.url).toBe(`${base}/cookies`);
    expect(cookies.redirected).toBe(false);
    expect(await cookies.text()).toBe('two cookies');
    const zipped = await send(new SentRequest(`${base}/gzip`));
    expect(await zipped.json()).toEqual({ zipped: true });
  });

  test('a body is read once, by any body method or its stream, as with fetch; a clone taken before is a second reading', async () => {
    const response = await send(new SentRequest(`${base}/once`));
    const copy = response.clone();
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual({ method: 'GET', url: '/once', body: '' });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(() => response.clone()).toThrow(TypeError);
    expect(new TextDecoder().decode(await new Response(copy.body).arrayBuffer())).toBe('{"method":"GET","url":"/once","body":""}');
    expect(copy.bodyUsed).toBe(true);
    await expect(copy.arrayBuffer()).rejects.toThrow(TypeError);
  });

  test('a 204 and a HEAD have no body', async () => {
    const none = await send(new SentRequest(`${base}/none`));
    expect(none.status).toBe(204);
    expect(none.body).toBeNull();
    expect(await none.text()).toBe('');
    const head = await send(new SentRequest(`${base}/x`, { method: 'HEAD' }));
    expect(head.headers.get('content-type')).toBe('application/json');
    expect(await head.text()).toBe('');
  });
});

describe('redirects, as fetch follows them', () => {
  test('a 303 after a POST becomes a GET without the body; url and redirected say where it ended', async () => {
    const response = await send(post('/to/303/landed', '{"a":1}'));
    expect(await response.json()).toEqual({ method: 'GET', url: '/landed', body: '' });
    expect(lastSeen().headers['content-type']).toBeUndefined();
    expect(response.url).toBe(`${base}/landed`);
    expect(response.redirected).toBe(true);
  });

  test('a 307 repeats the POST with its body', async () => {
    const response = await send(post('/to/307/again', '{"a":2}'));
    expect(await response.json()).toEqual({ method: 'POST', url: '/again', body: '{"a":2}' });
  });

  test('redirect "manual" hands back the redirect itself; a loop fails after 20, as fetch does', async () => {
    const manual = await send(new SentRequest(`${base}/to/302/elsewhere`, { redirect: 'manual' }));
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('/elsewhere');
    await expect(send(new SentRequest(`${base}/loop`))).rejects.toThrow(expect.objectContaining({ name: 'TypeError', message: 'fetch failed', cause: expect.objectContaining({ message: 'redirect count exceeded' }) }));
  });
});

describe('failures, as fetch gives them', () => {
  test('a refused connection: TypeError "fetch failed", the cause naming the address', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/x`;
    await new Promise((done) => closed.close(done));
    const error = (await send(new SentRequest(url)).catch((e: unknown) => e)) as TypeError & { cause: Error & { code?: string } };
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('fetch failed');
    expect(error.cause.code).toBe('ECONNREFUSED');
    expect(error.cause.message).toContain('ECONNREFUSED 127.0.0.1');
  });

  test('no answer within the deadline: a TimeoutError, as AbortSignal.timeout gives; the next request is unaffected', async () => {
    const short = createHttpFetch({ timeoutMs: 200 });
    const error = (await short(new SentRequest(`${hungBase}/x`)).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('TimeoutError');
    expect(error.message).toBe('The operation was aborted due to timeout');
    expect((await short(new SentRequest(`${base}/after`))).status).toBe(200);
  });

  test("the caller's own signal still aborts the request, with its reason", async () => {
    const controller = new AbortController();
    const pending = send(new SentRequest(`${hungBase}/x`, { signal: controller.signal }));
    controller.abort();
    await expect(pending).rejects.toThrow(expect.objectContaining({ name: 'AbortError' }));
    const already = AbortSignal.abort(new Error('stopped first'));
    await expect(send(new SentRequest(`${base}/x`, { signal: already }))).rejects.toThrow('stopped first');
  });
});
