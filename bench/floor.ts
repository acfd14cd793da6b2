/**
 * The floor: the requests our suites send, sent by a plain loop of fetch calls.
 *
 * 1. Capture. A recording reverse proxy in front of every service instance (seeded and empty);
 *    an endpoints file (contract 2, `HARNESS_ENDPOINTS`) that points the suites at the proxies,
 *    the database URL unchanged. One run of our test stage through it records every request in
 *    arrival order: method, URL, headers, body, and the status the service answered.
 * 2. Ours, timed. The same test stage without the proxies (the proxy is a hop: it must not be in
 *    the timed run), databases reset before each round.
 * 3. The loop. Databases reset, then every captured request replayed in order, one at a time,
 *    straight to the service (no proxy), each body read fully: median of several rounds. How many
 *    replayed statuses equal the captured ones says how faithful the replay is (the suites also
 *    write by SQL, run requests concurrently, and read clocks, which a replay does not repeat).
 * 4. The proxy's own cost: one more replay round through the proxies, against the direct rounds.
 */
import { createServer, request as httpRequest, Agent, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { log, mdTable, median, resetDatabases, runOurSuites, SCRATCH, stat, type BenchSandbox } from './lib';
import { Command } from 'commander';
import type { EndpointsFile } from '../harness/endpoints';
import { withSandbox } from './zoo';

export interface CapturedRequest {
  service: string;
  phase: 'seeded' | 'empty';
  method: string;
  /** Path and query, as the client sent them. */
  url: string;
  headers: Record<string, string>;
  /** Body bytes, base64 (absent: no body). */
  body?: string;
  /** Status the service answered during the suites' run (0: no answer). */
  status: number;
  /** Response body of a write (not GET/HEAD), base64: the ids the service generated, for the replay to map. */
  responseBody?: string;
}

/** Headers that belong to one connection, not to the request: fetch sets its own. */
const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'expect']);

function requestHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined || HOP_BY_HOP.has(k)) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export interface RecordingProxy {
  baseUrl: string;
  upstream: string;
  close(): Promise<void>;
}

/**
 * A reverse proxy to `upstream` that appends every exchange to `log` (in arrival order) and
 * streams the answer back unchanged. Keep-alive to the upstream, so it adds one local hop and
 * no connection set-up per request.
 */
export async function startRecordingProxy(upstream: string, service: string, phase: 'seeded' | 'empty', sink: CapturedRequest[] | undefined): Promise<RecordingProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const server: Server = createServer((req, res) => {
    const entry: CapturedRequest = { service, phase, method: req.method ?? 'GET', url: req.url ?? '/', headers: requestHeaders(req.headers), status: 0 };
    sink?.push(entry); // arrival order
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (body.length > 0) entry.body = body.toString('base64');
      const headers: Record<string, string | string[]> = { ...req.headers } as Record<string, string | string[]>;
      headers.host = target.host;
      if (body.length > 0) headers['content-length'] = String(body.length);
      delete headers['transfer-encoding'];
      const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, (ures) => {
        entry.status = ures.statusCode ?? 0;
        res.writeHead(ures.statusCode ?? 502, ures.headers);
        if (entry.method !== 'GET' && entry.method !== 'HEAD') {
          const out: Buffer[] = [];
          ures.on('data', (c: Buffer) => out.push(c));
          ures.on('end', () => {
            if (out.length) entry.responseBody = Buffer.concat(out).toString('base64');
          });
        }
        ures.pipe(res);
      });
      up.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ detail: `bench proxy: ${err.message}` }));
      });
      up.end(body);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    upstream: upstream.replace(/\/$/, ''),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
        agent.destroy();
      }),
  };
}

/** Proxies in front of every instance of a sandbox, and an endpoints file that points at them. */
export async function startProxies(sb: BenchSandbox, dir: string, sink: CapturedRequest[] | undefined): Promise<{ endpointsFile: string; proxies: RecordingProxy[]; proxyOf: Map<string, string> }> {
  const proxies: RecordingProxy[] = [];
  const file: EndpointsFile = { databaseUrl: sb.endpoints.databaseUrl, services: {} };
  const proxyOf = new Map<string, string>();
  for (const [name, ep] of Object.entries(sb.endpoints.services)) {
    const seeded = await startRecordingProxy(ep.baseUrl, name, 'seeded', sink);
    proxies.push(seeded);
    proxyOf.set(`${name}/seeded`, seeded.baseUrl);
    const entry: { baseUrl: string; emptyBaseUrl?: string } = { baseUrl: seeded.baseUrl };
    if (ep.emptyBaseUrl) {
      const empty = await startRecordingProxy(ep.emptyBaseUrl, name, 'empty', sink);
      proxies.push(empty);
      proxyOf.set(`${name}/empty`, empty.baseUrl);
      entry.emptyBaseUrl = empty.baseUrl;
    }
    file.services[name] = entry;
  }
  mkdirSync(dir, { recursive: true });
  const endpointsFile = join(dir, 'endpoints-proxied.json');
  writeFileSync(endpointsFile, `${JSON.stringify(file, null, 2)}\n`);
  return { endpointsFile, proxies, proxyOf };
}

/** Where a captured request goes: the instance itself (direct) or its proxy. */
function baseFor(sb: BenchSandbox, r: CapturedRequest, viaProxy?: Map<string, string>): string {
  if (viaProxy) return viaProxy.get(`${r.service}/${r.phase}`) ?? '';
  const ep = sb.endpoints.services[r.service];
  return ((r.phase === 'empty' ? ep?.emptyBaseUrl : ep?.baseUrl) ?? '').replace(/\/$/, '');
}

export interface ReplayRound {
  wallMs: number;
  sameStatus: number;
  /** "METHOD url: captured -> replayed" for the first few that differ. */
  differences: string[];
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * The plain loop: every captured request in order, one at a time, each body read fully. The one
 * thing it does besides fetch is what any client of these services must do: ids the service
 * generated (uuids in the answer to a write) differ from the captured ones, so later URLs and
 * bodies that name a captured id get the replayed one (as the suites read the id they got).
 */
export async function replay(sb: BenchSandbox, captured: CapturedRequest[], viaProxy?: Map<string, string>): Promise<ReplayRound> {
  // prepared outside the timed loop: URLs, bodies, the ids each captured write answered with
  const prepared = captured.map((r) => {
    const ids = r.responseBody ? (Buffer.from(r.responseBody, 'base64').toString('utf8').match(UUID) ?? []) : [];
    return {
      url: `${baseFor(sb, r, viaProxy)}${r.url}`,
      method: r.method,
      headers: r.headers,
      body: r.body !== undefined ? Buffer.from(r.body, 'base64').toString('utf8') : undefined,
      ids,
    };
  });
  const statuses: number[] = new Array(captured.length).fill(0);
  const idMap = new Map<string, string>();
  const mapIds = (s: string) => (idMap.size ? s.replace(UUID, (id) => idMap.get(id) ?? id) : s);
  const started = performance.now();
  for (let i = 0; i < prepared.length; i++) {
    const p = prepared[i] as (typeof prepared)[number];
    try {
      const res = await fetch(mapIds(p.url), { method: p.method, headers: p.headers, ...(p.body !== undefined ? { body: mapIds(p.body) } : {}) });
      statuses[i] = res.status;
      if (p.ids.length) {
        const got = (await res.text()).match(UUID) ?? [];
        if (got.length === p.ids.length) p.ids.forEach((id, k) => id !== got[k] && idMap.set(id, got[k] as string));
      } else {
        await res.arrayBuffer();
      }
    } catch {
      statuses[i] = 0;
    }
  }
  const wallMs = performance.now() - started;
  let sameStatus = 0;
  const differences: string[] = [];
  captured.forEach((r, i) => {
    if (statuses[i] === r.status) sameStatus++;
    else if (differences.length < 8) differences.push(`${r.method} ${r.service}${r.phase === 'empty' ? ' (empty)' : ''} ${r.url}: ${r.status} -> ${statuses[i]}`);
  });
  return { wallMs, sameStatus, differences };
}

export interface FloorResult {
  requests: number;
  ours: { wallMs: number; requests: number; failed: number }[];
  loop: ReplayRound[];
  /** The same loop through the (no longer recording) proxies, interleaved with the direct rounds. */
  viaProxy: ReplayRound[];
  /** Our test stage's wall time in the capture run (through the proxies; not used as a measurement). */
  captureWallMs: number;
  /** The test-run section's rounds of our test stage were reused (a sandbox set up the same way). */
  oursFromTestRun?: boolean;
}

/**
 * The whole floor measurement on a running sandbox: capture (through the proxies), then
 * `loopRounds` rounds of the plain loop direct and through the proxies, interleaved, then `runs`
 * timed rounds of our test stage (direct). Databases reset before each.
 */
export async function runFloor(sb: BenchSandbox, runs: number, loopRounds: number, progress: (line: string) => void = log, given?: FloorResult['ours']): Promise<FloorResult> {
  const dir = join(SCRATCH, 'floor');
  const sink: CapturedRequest[] = [];
  const { endpointsFile, proxies, proxyOf } = await startProxies(sb, dir, sink);
  const loop: ReplayRound[] = [];
  const viaProxy: ReplayRound[] = [];
  let captured: CapturedRequest[] = [];
  let captureWallMs = 0;
  try {
    await resetDatabases(sb);
    const cap = await runOurSuites({ ...sb, endpointsFile }, 'floor-capture');
    captureWallMs = cap.wallMs;
    captured = sink.splice(0); // the proxy replays below append to the sink again: emptied after each
    progress(`[floor] captured ${captured.length} requests (${cap.requests} recorded calls, ${cap.failed} failed tests) in ${(cap.wallMs / 1000).toFixed(1)} s through the proxies`);
    writeFileSync(join(dir, 'captured.json'), `${JSON.stringify(captured, null, 1)}\n`);
    for (let r = 0; r < loopRounds; r++) {
      await resetDatabases(sb);
      const d = await replay(sb, captured);
      loop.push(d);
      await resetDatabases(sb);
      const p = await replay(sb, captured, proxyOf);
      sink.length = 0;
      viaProxy.push(p);
      progress(`[floor] plain loop ${r + 1}/${loopRounds}: ${captured.length} requests, ${(d.wallMs / 1000).toFixed(2)} s direct (${d.sameStatus} same status), ${(p.wallMs / 1000).toFixed(2)} s through the proxies`);
    }
  } finally {
    for (const p of proxies) await p.close();
  }
  const ours: FloorResult['ours'] = given?.length ? [...given] : [];
  for (let r = 0; r < runs && !given?.length; r++) {
    await resetDatabases(sb);
    const o = await runOurSuites(sb, `floor-ours-${r}`);
    ours.push({ wallMs: o.wallMs, requests: o.requests, failed: o.failed });
    progress(`[floor] ours ${r + 1}/${runs}: ${o.requests} requests, ${o.failed} failed tests, ${(o.wallMs / 1000).toFixed(1)} s`);
  }
  return { requests: captured.length, ours, loop, viaProxy, captureWallMs, ...(given?.length ? { oursFromTestRun: true } : {}) };
}

export function floorMarkdown(f: FloorResult): string {
  const n = f.requests;
  const oursS = f.ours.map((o) => o.wallMs / 1000);
  const loopS = f.loop.map((l) => l.wallMs / 1000);
  const perReqMs = (xs: number[]) => xs.map((x) => (x * 1000) / n);
  const ratio = median(oursS) / median(loopS);
  const same = f.loop.map((l) => l.sameStatus);
  const firstDiffs = f.loop[0]?.differences ?? [];
  const proxyS = f.viaProxy.map((l) => l.wallMs / 1000);
  const proxyUs = ((median(proxyS) - median(loopS)) * 1e6) / n;
  const proxyNote = proxyS.length
    ? `The proxy's own cost: the same loop through the proxies (rounds interleaved with the direct ones) took ${stat(proxyS, 2)} s against ${stat(loopS, 2)} s direct, ${proxyUs >= 0 ? '+' : ''}${proxyUs.toFixed(0)} µs per request; the proxies are only in the capture run (our test stage took ${(f.captureWallMs / 1000).toFixed(1)} s there), never in a timed one.`
    : '';
  return [
    '## The floor: the requests our suites send, as a plain fetch loop',
    '',
    `One run of our test stage through a recording proxy in front of every instance (seeded and empty; the suites reach them by an endpoints file, \`HARNESS_ENDPOINTS\`) captured ${n} requests (method, URL, headers, body) in arrival order. Then, databases reset before each: our test stage without the proxies (${f.ours.length} round(s)${f.oursFromTestRun ? ': the test-run section\'s, on a sandbox set up the same way' : ''}), and a plain loop of \`fetch\` calls replaying the captured requests in order, one at a time, straight to the services, each body read fully (${f.loop.length} round(s)). Median (min-max).`,
    '',
    mdTable(
      ['', 'requests', 'wall s', 'ms per request', 'ratio'],
      [
        ['ours: the test stage (Jest, 2 workers, every suite)', median(f.ours.map((o) => o.requests)), stat(oursS, 2), stat(perReqMs(oursS), 2), ratio.toFixed(1)],
        ['plain fetch loop (sequential replay)', n, stat(loopS, 2), stat(perReqMs(loopS), 2), '1.0'],
      ],
    ),
    '',
    `Faithful replay: ${stat(same, 0)} of ${n} replayed responses had the status the suites got${firstDiffs.length ? `; the first that differ: ${firstDiffs.slice(0, 4).map((d) => `\`${d}\``).join(', ')} (requests the suites send at the same time, e.g. the concurrency tests' simultaneous ticks, replayed one at a time: the race resolves differently)` : ''}. ${proxyNote}`,
    '',
  ].join('\n');
}

/** `tsx bench/floor.ts [--runs 1] [--loop-rounds 3]`: the floor alone, on its own sandbox (run.ts runs it as the `floor` section). */
if (require.main === module) {
  void (async () => {
    const opts = new Command('floor').option('--runs <n>', 'rounds of our test stage', '1').option('--loop-rounds <n>', 'rounds of the plain loop', '3').parse(process.argv).opts<{ runs: string; loopRounds: string }>();
    const res = await withSandbox('floor', undefined, (sb) => runFloor(sb, Number(opts.runs), Number(opts.loopRounds)));
    process.stdout.write(floorMarkdown(res));
  })().catch((err: unknown) => {
    log(String((err as Error)?.stack ?? err));
    process.exit(1);
  });
}
