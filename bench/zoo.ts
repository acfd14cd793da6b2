/**
 * Fault detection: every bug-zoo variant (bench/bug-zoo/bugs.ts) in its own sandbox, launched
 * with `--service-command` through bench/bug-zoo/main.ts and `BUG=<id>`; first the correct
 * platform (BUG unset) for the false positives.
 *
 * Caught = at least one test that passed on the correct platform fails on the variant (a test
 * that already fails on the correct platform cannot catch anything). Ours: the generated suites
 * of the bug's service and the hand-written suites (tests/), under Jest as the gate runs them;
 * on the correct platform, every suite. Peers: against the bug's service only (their tests are
 * per spec), each after the databases are reset to their seeded state.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BUGS, type Bug } from './bug-zoo/bugs';
import { BENCH, log, mdTable, REPO, SCRATCH, resetDatabases, resetPeerDatabase, runOurSuites, startZooSandbox, type BenchSandbox, type SuiteRun } from './lib';
import { runPeer, SERVICES, type PeerId, type PeerRun } from './peers';

export interface ZooOptions {
  bugs: Bug[];
  peers: PeerId[];
  /** Peers run against every bug-zoo variant. */
  zooPeers: PeerId[];
  /** Peers run only against the variants in `subsetBugs` (the slower or less telling ones, to keep the run short). */
  subsetPeers?: PeerId[];
  subsetBugs?: string[];
  /** The correct platform's results, when the test-run bench already measured them. */
  clean?: VariantResult;
  /** false: peers only (a side run for a slow peer); our columns then say nothing. */
  ours?: boolean;
  /**
   * true: a whole sandbox per variant (every service restarted with BUG set). Default false: one
   * sandbox for the whole zoo, and per variant only the bug's service (its seeded and empty
   * instances) started again with BUG set, the suites and peers pointed at it by an endpoints file.
   */
  sandboxPerBug?: boolean;
  /**
   * With the shared sandbox (default true): the peers run against a third instance of the bug's
   * service over its own copy of the seeded database, at the same time as our suites (which
   * leave about one of the two cores idle); the zoo scores catches, not times.
   */
  concurrentPeers?: boolean;
  /** Called after each variant with the results so far (a long run leaves partial tables behind). */
  onProgress?: (partial: ZooResult) => void;
}

export interface VariantResult {
  bug: string | null;
  service: string | null;
  sandboxUpMs: number;
  ours: SuiteRun;
  peers: PeerRun[];
}

export interface ZooResult {
  clean: VariantResult;
  variants: VariantResult[];
  detection: { bug: string; service: string; needs: string; tool: string; caught: boolean | null; by: string[] }[];
}

const NO_SUITE_RUN: SuiteRun = { wallMs: 0, total: 0, failed: 0, passed: 0, skipped: 0, failedNames: [], messages: {}, requests: 0, httpMs: 0 };

export async function withSandbox<T>(label: string, bug: string | undefined, fn: (sb: BenchSandbox) => Promise<T>): Promise<T> {
  const sb = await startZooSandbox(label, bug);
  try {
    return await fn(sb);
  } finally {
    await sb.stop();
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => done(port));
    });
  });
}

async function healthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/health`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no healthy answer within ${timeoutMs} ms`);
}

/**
 * Where a swapped-in service finds the services it calls, as harness.config.ts's
 * `{baseUrl.<service>}` says: trading's RISK_BASE_URL at the sandbox's risk of the same phase
 * (the peers' instance, which has no risk of its own, at the seeded one).
 */
function dependencyUrls(sb: BenchSandbox, phase: string): Record<string, string> {
  const risk = sb.endpoints.services.risk;
  if (!risk) return {};
  return { RISK_BASE_URL: phase === 'empty' ? (risk.emptyBaseUrl ?? risk.baseUrl) : risk.baseUrl };
}

/**
 * The bug's service with BUG set, over the running sandbox's databases: its seeded and its empty
 * instance started through the zoo launcher (contract 7: PORT, DATABASE_URL), and a copy of the
 * endpoints file (contract 2) where that service points at them; every other service stays the
 * sandbox's. Services share nothing but the database, so this is the platform with that one bug,
 * without restarting Postgres and the seven other instances for each variant.
 */
export async function withBugService<T>(sb: BenchSandbox, bug: Bug, peerInstance: boolean, fn: (vsb: BenchSandbox, peerBaseUrl?: string) => Promise<T>): Promise<T> {
  const started = performance.now();
  const seededDb = sb.endpoints.databaseUrl;
  const emptyDb = seededDb.replace(/_seeded_run(\?|$)/, '_empty_run$1');
  const instances: (readonly [string, string])[] = [['seeded', seededDb], ['empty', emptyDb]];
  if (peerInstance) instances.push(['peers', await resetPeerDatabase(sb)]);
  const children: ChildProcess[] = [];
  const dir = join(SCRATCH, 'zoo-swap');
  mkdirSync(dir, { recursive: true });
  try {
    const urls: string[] = [];
    for (const [phase, db] of instances) {
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', join(BENCH, 'bug-zoo', 'main.ts'), bug.service], {
        cwd: REPO,
        env: { ...process.env, ...dependencyUrls(sb, phase), BUG: bug.id, PORT: String(port), DATABASE_URL: db, HOST: '127.0.0.1', PG_POOL_MAX: '5', SERVICE_NAME: bug.service },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let tail = '';
      child.stderr?.on('data', (c: Buffer) => (tail = (tail + c.toString('utf8')).slice(-2000)));
      children.push(child);
      urls.push(`http://127.0.0.1:${port}`);
    }
    await Promise.all(children.map((c, i) => healthy(urls[i] as string, c, 120_000)));
    const endpoints = { ...sb.endpoints, services: { ...sb.endpoints.services, [bug.service]: { baseUrl: urls[0] as string, emptyBaseUrl: urls[1] as string } } };
    const endpointsFile = join(dir, `endpoints-${bug.id}.json`);
    writeFileSync(endpointsFile, `${JSON.stringify(endpoints, null, 2)}\n`);
    return await fn({ ...sb, endpoints, endpointsFile, upMs: performance.now() - started }, urls[2]);
  } finally {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((done) => {
            if (c.exitCode !== null || c.signalCode !== null) return done();
            const kill = setTimeout(() => c.kill('SIGKILL'), 5000);
            c.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
  }
}

export async function runZoo(opts: ZooOptions): Promise<ZooResult> {
  rmSync(join(SCRATCH, 'peers', 'generated-cache'), { recursive: true, force: true });
  if (!opts.clean) log(`[zoo] correct platform: our suites, then ${opts.peers.join(', ') || 'no peers'} on ${SERVICES.join(', ')}`);
  const cleanRun = async (sb: BenchSandbox): Promise<VariantResult> => {
    const ours = opts.ours === false ? NO_SUITE_RUN : await runOurSuites(sb, 'zoo-clean');
    log(`[zoo]   ours: ${ours.total} tests, ${ours.failed} failed (${(ours.wallMs / 1000).toFixed(1)} s)`);
    const peers: PeerRun[] = [];
    // the peers' baseline is needed only for the services the bugs are in
    const services = SERVICES.filter((svc) => opts.bugs.some((b) => b.service === svc));
    for (const peer of opts.peers) {
      for (const svc of services) {
        await resetDatabases(sb);
        const r = await runPeer(peer, svc, sb.endpoints.services[svc]?.baseUrl ?? '', `zoo-clean`);
        log(`[zoo]   ${peer} ${svc}: ${r.tests} tests, ${r.failed} failed (${(r.wallMs / 1000).toFixed(1)} s)${r.error ? ` ERROR ${r.error}` : ''}`);
        peers.push(r);
      }
    }
    return { bug: null, service: null, sandboxUpMs: sb.upMs, ours, peers };
  };
  let clean = opts.clean as VariantResult;

  const variants: VariantResult[] = [];
  const detection: ZooResult['detection'] = [];
  const runVariant = async (bug: Bug, sb: BenchSandbox, peerBaseUrl?: string): Promise<VariantResult> => {
    const runOurs = async (): Promise<SuiteRun> => {
      if (opts.ours === false) return NO_SUITE_RUN;
      const o = await runOurSuites(sb, `zoo-${bug.id}`, [`generated/${bug.service}`, 'tests']);
      log(`[zoo]   ours: ${o.total} tests, ${o.failed} failed (${(o.wallMs / 1000).toFixed(1)} s)`);
      return o;
    };
    const runPeers = async (): Promise<PeerRun[]> => {
      const peers: PeerRun[] = [];
      const forBug = [...new Set([...opts.zooPeers, ...(opts.subsetBugs?.includes(bug.id) ? (opts.subsetPeers ?? []) : [])])];
      for (const peer of forBug) {
        // their own instance and database when they run beside our suites, else the shared ones
        if (peerBaseUrl) await resetPeerDatabase(sb);
        else await resetDatabases(sb);
        const t = performance.now();
        const r = await runPeer(peer, bug.service, peerBaseUrl ?? sb.endpoints.services[bug.service]?.baseUrl ?? '', `zoo-${bug.id}`, true, targetOperations(bug));
        log(`[zoo]   ${peer}: ${r.tests} tests, ${r.failed} failed (${((performance.now() - t) / 1000).toFixed(1)} s)`);
        peers.push(r);
      }
      return peers;
    };
    if (!opts.sandboxPerBug) await resetDatabases(sb);
    let ours: SuiteRun;
    let peers: PeerRun[];
    if (peerBaseUrl) [ours, peers] = await Promise.all([runOurs(), runPeers()]);
    else {
      ours = await runOurs();
      peers = await runPeers();
    }
    return { bug: bug.id, service: bug.service, sandboxUpMs: sb.upMs, ours, peers };
  };
  const eachVariant = async (shared: BenchSandbox | undefined): Promise<void> => {
    for (const bug of opts.bugs) {
      log(`[zoo] BUG=${bug.id} (${bug.service} ${bug.operationId}) ${variants.length + 1}/${opts.bugs.length}`);
      const v = shared
        ? await withBugService(shared, bug, opts.concurrentPeers !== false, (vsb, peerUrl) => runVariant(bug, vsb, peerUrl))
        : await withSandbox(bug.id, bug.id, (sb) => runVariant(bug, sb));
      variants.push(v);
      const scored = scoreDetection([bug], clean, [v], opts.ours !== false);
      detection.push(...scored);
      for (const d of scored) {
        const r = v.peers.find((p) => p.peer === d.tool);
        log(`[zoo]   ${d.tool}: ${d.caught === null ? `error ${r?.error}` : d.caught ? `CAUGHT by ${d.by.length}, e.g. ${d.by[0]}` : 'missed'}`);
      }
      opts.onProgress?.({ clean, variants, detection });
    }
  };
  if (opts.sandboxPerBug) {
    clean = opts.clean ?? (await withSandbox('clean', undefined, cleanRun));
    await eachVariant(undefined);
  } else {
    await withSandbox('zoo', undefined, async (sb) => {
      clean = opts.clean ?? (await cleanRun(sb));
      await eachVariant(sb);
    });
  }
  return { clean, variants, detection };
}

interface OperationInfo {
  method: string;
  path: string;
  summary: string;
}

const specCache = new Map<string, Record<string, OperationInfo>>();
function operations(service: string): Record<string, OperationInfo> {
  let ops = specCache.get(service);
  if (!ops) {
    ops = {};
    const doc = parse(readFileSync(join(REPO, 'openapi', `${service}.yaml`), 'utf8')) as { paths: Record<string, Record<string, { operationId?: string; summary?: string }>> };
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (op && typeof op === 'object' && op.operationId) ops[op.operationId] = { method: method.toUpperCase(), path, summary: op.summary ?? '' };
      }
    }
    specCache.set(service, ops);
  }
  return ops;
}

/** The operation(s) a bug is in: its operationId, the handlers it wraps, and those a sequence shows it through. */
export function targetOperations(bug: Bug): OperationInfo[] {
  const ops = operations(bug.service);
  return [...new Set([bug.operationId, ...Object.keys(bug.handlers ?? {}), ...(bug.reveals ?? [])])].map((id) => ops[id]).filter((o): o is OperationInfo => !!o);
}

/**
 * Does a peer's failed-test name concern this operation? Names carry the method and the path
 * (Portman `[GET]::/runs/:runId`, Dredd `GET (200) /runs/<id>`, Specmatic `GET /runs/(runId:uuid) -> 200`)
 * or, for Step CI, the operation's summary (`runs › Read a strategy run`).
 */
export function nameConcerns(name: string, op: OperationInfo): boolean {
  if (op.summary && name.endsWith(` › ${op.summary}`)) return true;
  const pathRe = op.path.split('/').map((seg) => (/^\{.+\}$/.test(seg) ? '[^/\\s?]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(`\\b${op.method}\\b`).test(name) && new RegExp(`(^|[\\s:])${pathRe}(?=$|[\\s?])`).test(name);
}

/**
 * Caught or missed. Ours: any test that passes on the correct platform and fails on the variant
 * (our correct-platform run has no failure to hide behind). A peer: a test of the bug's
 * operation(s) that passes on the correct platform and fails on the variant; peers' generated
 * requests are partly random (Specmatic's generative tests, Step CI's faked parameters), so a
 * failure elsewhere in the service is not counted as a catch.
 */
export function scoreDetection(bugs: Bug[], clean: VariantResult, variants: VariantResult[], withOurs: boolean): ZooResult['detection'] {
  const out: ZooResult['detection'] = [];
  for (const bug of bugs) {
    const v = variants.find((x) => x.bug === bug.id);
    if (!v) continue;
    if (withOurs) {
      const cleanFailed = new Set(clean.ours.failedNames);
      const by = v.ours.failedNames.filter((n) => !cleanFailed.has(n));
      out.push({ bug: bug.id, service: bug.service, needs: bug.needs, tool: 'ours', caught: by.length > 0, by });
    }
    const targets = targetOperations(bug);
    for (const r of v.peers) {
      const base = clean.peers.find((c) => c.peer === r.peer && c.service === r.service);
      const baseFailed = new Set(base?.failedNames ?? []);
      const by = r.failedNames.filter((n) => !baseFailed.has(n) && targets.some((op) => nameConcerns(n, op)));
      out.push({ bug: bug.id, service: bug.service, needs: bug.needs, tool: r.peer, caught: r.error ? null : by.length > 0, by });
    }
  }
  return out;
}

export function zooMarkdown(res: ZooResult, opts: ZooOptions): string {
  const subsetOnly = (opts.subsetPeers ?? []).filter((p) => !opts.zooPeers.includes(p));
  const tools = [...(opts.ours === false ? [] : ['ours']), ...opts.zooPeers, ...subsetOnly];
  const mark = (bug: string, tool: string): string => {
    const d = res.detection.find((x) => x.bug === bug && x.tool === tool);
    if (!d) return '–';
    return d.caught === null ? 'error' : d.caught ? 'caught' : '**missed**';
  };
  const done = new Set(res.detection.map((d) => d.bug));
  const rows = opts.bugs.filter((b) => done.has(b.id)).map((b) => [b.id, `${b.service} ${b.operationId}`, b.category, b.needs, ...tools.map((t) => mark(b.id, t))]);
  const totals = tools.map((t) => {
    const ds = res.detection.filter((d) => d.tool === t);
    return `${ds.filter((d) => d.caught).length}/${ds.length}`;
  });
  rows.push(['**caught**', '', '', '', ...totals]);
  const fp = [
    ...(opts.ours === false ? [] : [['ours (all suites)', res.clean.ours.total, res.clean.ours.failed, res.clean.ours.failedNames.slice(0, 3).join('; ')]]),
    ...opts.peers.map((p) => {
      const rs = res.clean.peers.filter((r) => r.peer === p);
      return [p, rs.reduce((a, r) => a + r.tests, 0), rs.reduce((a, r) => a + r.failed, 0), rs.flatMap((r) => r.failedNames.slice(0, 1).map((n) => `${r.service}: ${n}`)).join('; ').slice(0, 200)];
    }),
  ];
  const caughtBy = res.detection
    .filter((d) => d.tool === 'ours' && d.caught)
    .map((d) => `- \`${d.bug}\`: ${d.by.length} test(s): ${d.by.slice(0, 3).map((n) => `\`${n}\``).join(', ')}${d.by.length > 3 ? ', ...' : ''}`);
  return [
    '## Fault detection: the bug zoo',
    '',
    `${done.size} variants${done.size < opts.bugs.length ? ` (of ${opts.bugs.length}: a partial run)` : ''}, one contract bug each. "caught" = a test that passes on the correct platform fails on the variant. "needs": baseline = visible to per-operation contract checks; semantic = only a test that knows the behaviour (lifecycle, round-trip, seeded equality, filters, duplicates) can see it.`,
    '',
    mdTable(['bug', 'operation', 'category', 'needs', ...tools], rows),
    '',
    ...(subsetOnly.length
      ? [`${subsetOnly.join(' and ')} ran against ${(opts.subsetBugs ?? []).filter((b) => done.has(b)).length} of the variants only (\`–\`: not run), to keep \`npm run bench\` under 15 minutes; \`--exhaustive\` runs every peer against every variant.`, '']
      : []),
    '### False positives on the correct platform (BUG unset)',
    '',
    'Tests that fail when nothing is wrong: for a peer, every one of them is noise a user has to triage (or hand-write fixes for).',
    '',
    mdTable(['tool', 'tests', 'failed', 'examples'], fp),
    '',
    ...(opts.ours === false ? [] : ['### Which of our tests caught each bug', '', ...caughtBy, '']),
  ].join('\n');
}

/**
 * `tsx bench/zoo.ts --rescore <bug-zoo.raw.json> <out.md> [peers]`: recompute caught/missed from
 * a run's raw results (the failed-test names are kept) with the current scoring, and rewrite its
 * table, without running anything again.
 */
if (require.main === module && process.argv[2] === '--rescore') {
  const [rawFile, outFile, peerList] = process.argv.slice(3);
  if (!rawFile || !outFile) throw new Error('usage: tsx bench/zoo.ts --rescore <raw.json> <out.md> [peer,peer]');
  const raw = JSON.parse(readFileSync(rawFile, 'utf8')) as ZooResult;
  const bugs = BUGS.filter((b) => raw.variants.some((v) => v.bug === b.id));
  const withOurs = raw.detection.some((d) => d.tool === 'ours');
  const zooPeers = (peerList?.split(',') ?? [...new Set(raw.variants.flatMap((v) => v.peers.map((p) => p.peer)))]) as PeerId[];
  const detection = scoreDetection(bugs, raw.clean, raw.variants, withOurs);
  const res: ZooResult = { ...raw, detection };
  const head = readFileSync(outFile, 'utf8').split('\n## ')[0] ?? '';
  writeFileSync(outFile, `${head.trimEnd()}\n${zooMarkdown(res, { bugs, peers: [...new Set(raw.clean.peers.map((p) => p.peer))], zooPeers, ours: withOurs })}`);
  writeFileSync(rawFile, `${JSON.stringify(res, null, 2)}\n`);
  log(`rescored ${bugs.length} bugs into ${outFile}`);
}
