/**
 * `tsx bench/gate-bench.ts [--runs 3] [--requests 2000] [--skip-gate] [--skip-overhead]`
 *
 * 1. Gate wall time by stage: runs `npm run gate` N times (median of N, default 3), reading the
 *    stage timings each run writes to `<reportsDir>/gate-stages.json`.
 * 2. Harness overhead per request: the same GET sent M times by a plain fetch loop and by the
 *    harness client (openapi-fetch over the undici dispatcher; + the call recorder; + the
 *    response check against the contract), against one local node:http server, so that the
 *    difference is the harness alone.
 * Results: printed, and written to bench/results/gate-bench.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import createClient from 'openapi-fetch';
import { defineService } from '../harness/runtime';
import { createHttpFetch, SentRequest } from '../harness/runtime/http-client';

const REPO = resolve(__dirname, '..');
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

interface GateRun {
  passed: boolean;
  wallMs: number;
  stages: { name: string; ms: number }[];
}

function benchGate(runs: number): { runs: GateRun[]; medianMs: Record<string, number> } {
  const reportsDir = join(REPO, 'reports');
  const results: GateRun[] = [];
  for (let i = 0; i < runs; i++) {
    const res = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'harness', 'gate-cli.ts')], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const run = JSON.parse(readFileSync(join(reportsDir, 'gate-stages.json'), 'utf8')) as GateRun;
    results.push(run);
    console.error(`gate run ${i + 1}/${runs}: exit ${res.status}, ${(run.wallMs / 1000).toFixed(2)} s  ${res.stdout.trim()}`);
  }
  const names = [...new Set(results.flatMap((r) => r.stages.map((s) => s.name)))];
  const medianMs: Record<string, number> = {};
  for (const name of names) medianMs[name] = round(median(results.flatMap((r) => r.stages.filter((s) => s.name === name).map((s) => s.ms))));
  medianMs.wall = round(median(results.map((r) => r.wallMs)));
  return { runs: results, medianMs };
}

const ITEMS = Array.from({ length: 20 }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, ticker: `T${i}`, name: `Company ${i}` }));

async function benchOverhead(requests: number, rounds = 5): Promise<Record<string, number>> {
  const body = JSON.stringify(ITEMS);
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'gate-bench-'));
  const contractFile = join(dir, 'contract.json');
  const item = { type: 'object', required: ['id', 'ticker', 'name'], properties: { id: { type: 'string', format: 'uuid' }, ticker: { type: 'string' }, name: { type: 'string' } } };
  writeFileSync(contractFile, JSON.stringify({
    service: 'bench', openapi: '3.1.0', components: {},
    operations: [{ operationId: 'listThings', method: 'get', path: '/things', responses: { '200': { contentType: 'application/json', schema: { type: 'array', items: item } } } }],
  }));
  writeFileSync(join(dir, 'h.json'), JSON.stringify({ sandbox: false, reportsDir: 'rep', services: [{ name: 'bench', spec: 'x.yaml', baseUrl }] }));
  process.env.HARNESS_CONFIG = join(dir, 'h.json');
  process.env.HARNESS_CALLS_DIR = join(dir, 'calls');
  delete process.env.HARNESS_ENDPOINTS;
  // as in a gate run: a sandbox status file the recorder consults before each request
  writeFileSync(join(dir, 'status.json'), JSON.stringify({ pid: process.pid, state: 'ready', dead: [] }));
  process.env.HARNESS_SANDBOX_STATUS = join(dir, 'status.json');
  type Paths = { '/things': { get: { responses: { 200: { content: { 'application/json': unknown[] } } } } } };
  const svc = defineService<Paths>({ service: 'bench', contractFile });

  const plain = async (): Promise<void> => {
    const res = await fetch(`${baseUrl}/things`);
    await res.json();
  };
  // the typed client as defineService builds it, without the recorder: the client's own share
  const bare = createClient<Paths>({ baseUrl, Request: SentRequest, fetch: createHttpFetch({ timeoutMs: 10_000 }) });
  const client = async (): Promise<void> => {
    await bare.GET('/things');
  };
  const recorded = async (): Promise<void> => {
    await svc.seeded.GET('/things');
  };
  const checked = async (): Promise<void> => {
    const result = await svc.seeded.GET('/things');
    svc.expect(result as never, 200);
  };
  // Rounds interleave the three loops so that drift on this shared machine hits each alike.
  const loops = { plainFetchUs: plain, clientUs: client, clientRecorderUs: recorded, clientRecorderCheckUs: checked };
  const samples: Record<string, number[]> = { plainFetchUs: [], clientUs: [], clientRecorderUs: [], clientRecorderCheckUs: [] };
  try {
    for (const fn of Object.values(loops)) for (let i = 0; i < 200; i++) await fn(); // warm-up: JIT, sockets, ajv compile
    for (let r = 0; r < rounds; r++) {
      for (const [name, fn] of Object.entries(loops)) {
        const t = performance.now();
        for (let i = 0; i < requests; i++) await fn();
        samples[name]?.push(((performance.now() - t) * 1000) / requests);
      }
    }
    const out: Record<string, number> = {};
    for (const [name, xs] of Object.entries(samples)) out[name] = round(median(xs));
    out.overheadRecorderUs = round((out.clientRecorderUs ?? 0) - (out.plainFetchUs ?? 0));
    out.overheadTotalUs = round((out.clientRecorderCheckUs ?? 0) - (out.plainFetchUs ?? 0));
    out.requests = requests;
    out.rounds = rounds;
    return out;
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const opts = new Command('gate-bench')
    .option('--runs <n>', 'gate runs (median)', '3')
    .option('--requests <n>', 'requests per overhead round', '1000')
    .option('--skip-gate', 'only the per-request overhead')
    .option('--skip-overhead', 'only the gate stages')
    .parse(process.argv)
    .opts<{ runs: string; requests: string; skipGate?: boolean; skipOverhead?: boolean }>();
  const result: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, cpus: cpus().length };
  if (!opts.skipGate) {
    const gate = benchGate(Number(opts.runs));
    result.gateMedianMs = gate.medianMs;
    result.gateRuns = gate.runs.map((r) => ({ passed: r.passed, wallMs: round(r.wallMs) }));
    console.log('gate, median ms by stage:');
    console.table(gate.medianMs);
  }
  if (!opts.skipOverhead) {
    const overhead = await benchOverhead(Number(opts.requests));
    result.perRequest = overhead;
    console.log(`per request, microseconds (median of ${overhead.rounds} rounds of ${overhead.requests}):`);
    console.table(overhead);
  }
  // a partial run (--skip-*) keeps the other part's last results
  const file = join(REPO, 'bench', 'results', 'gate-bench.json');
  mkdirSync(dirname(file), { recursive: true });
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, `${JSON.stringify({ ...previous, ...result }, null, 2)}\n`);
}

void main();
