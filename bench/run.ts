/**
 * `npm run bench [-- --quick | --exhaustive] [-- --only testrun,zoo,gate,floor,gen,targets,scale]`: every
 * benchmark of issue 7, side by side, written as Markdown tables (median and min-max) to
 * bench/results/*.md (raw numbers beside them as *.raw.json, gitignored). Peers are installed into
 * bench/peers/ first. `--help` lists every flag.
 *
 * - testrun: our suites vs Step CI, Portman+Newman, Dredd and Specmatic against one sandbox
 *            (databases reset between tools): wall time, tests, failures.
 * - zoo:     fault detection over the bug zoo (bench/zoo.ts), false positives on the correct platform.
 * - zoo-chains: the stateful bug zoo (bench/zoo-chains.ts): per variant the generated baselines
 *            alone and the generated chains alone, and the peers.
 * - gate:    our gate's wall time by stage and the per-request breakdown vs a plain fetch
 *            (bench/gate-bench.ts, the harness helper's, run as a child).
 * - floor:   the requests our suites send, captured by a recording proxy and replayed by a plain
 *            fetch loop (bench/floor.ts); our overhead per request as a ratio.
 * - gen:     generation time and memory vs openapi-typescript, orval, Portman (small and GitHub's spec).
 * - targets: the generation targets, paired: the compiled CLI on GitHub's spec from scratch and
 *            with nothing changed, against openapi-typescript alone (bench/generate-bench.ts).
 * - scale:   synthetic specs of 10, 100, 1,000 and 5,000 operations: generate, and the gate against a synthetic service.
 *
 * Full run: about 13 minutes on the idle 2-core machine, by estimate from each section measured
 * alone (README, "Budget"). `--quick`: a smoke run of every section in about five minutes.
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { BUGS } from './bug-zoo/bugs';
import { STATEFUL_BUGS } from './bug-zoo/stateful-bugs';
import { generationMarkdown, runGeneration, runScale, scaleMarkdown, GEN_TOOLS, type GenTool } from './generation';
import { floorMarkdown, runFloor } from './floor';
import { speedTargetsMarkdown, type SpeedInputs } from './speed-targets';
import { profileMarkdown, profileTestStage, type ProfileRun } from './profile';
import { generateTargetsMarkdown, runGenerateTargets } from './generate-bench';
import { BENCH, elapsed, loadNote, log, mdTable, median, REPO, RESULTS, resetDatabases, runOurSuites, stat, writeResult } from './lib';
import { installPeers, PEER_NOTES, runPeer, SERVICES, TEST_PEERS, type PeerId, type PeerRun } from './peers';
import { runZoo, withSandbox, zooMarkdown, type VariantResult, type ZooOptions } from './zoo';
import { runZooChains, zooChainsMarkdown, type ZooChainsOptions } from './zoo-chains';

/** Specmatic takes about a minute per service here: measured in fewer rounds (--slow-runs) to keep the full run under 15 minutes. */
const SLOW_PEERS: PeerId[] = ['specmatic'];

/**
 * Defaults sized so that the full run fits in 15 minutes on the idle 2-core machine (README,
 * "Budget"): on each bug-zoo variant the peers run beside our suites, and Step CI and Dredd (the
 * two that catch the most) fit in that time; Portman+Newman (whose catches Step CI also makes)
 * and Specmatic (8-13 s of JVM start and spec parsing per run, even filtered to one operation)
 * run against a subset, one bug per service.
 */
const DEFAULT_ZOO_PEERS: PeerId[] = ['stepci', 'dredd'];
const DEFAULT_SUBSET_PEERS: PeerId[] = ['portman-newman', 'specmatic'];
const DEFAULT_SUBSET_BUGS = ['validation-bypassed', '200-instead-of-201', 'missing-required-field', 'wrong-content-type']; // one per service: registry, risk, trading, query

const SECTIONS = ['gate', 'floor', 'testrun', 'zoo', 'zoo-chains', 'gen', 'targets', 'scale', 'profile'] as const;
type Section = (typeof SECTIONS)[number];
/**
 * Sections a plain `npm run bench` leaves out, to stay within its 15 minutes (README, "Budget"):
 * zoo-chains (about 4 minutes with every peer, README "Budget") runs with `--only` or `--exhaustive`.
 */
const OPT_IN: Section[] = ['zoo-chains'];

interface Options {
  quick?: boolean;
  exhaustive?: boolean;
  subsetPeers?: string;
  subsetBugs?: string;
  only?: string;
  profileBefore?: string;
  runs?: string;
  bugs?: string;
  chainBugs?: string;
  chainPeers?: string;
  zooPeers?: string;
  peers?: string;
  slowRuns?: string;
  suffix?: string;
  largeRuns?: string;
  loopRounds?: string;
  scaleRuns?: string;
  ours?: boolean;
  sandboxPerBug?: boolean;
  concurrentPeers?: boolean;
  refreshReadme?: boolean;
}

let START_LOAD = '';

function header(title: string, started: Date): string {
  return [
    `# ${title}`,
    '',
    `Measured ${started.toISOString().replace(/\.\d+Z$/, 'Z')} on ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; ${START_LOAD} at the start of the bench run, ${loadNote()} when this table was written.`,
    '',
  ].join('\n');
}

/** gate: bench/gate-bench.ts as a child; its JSON rendered as tables. */
function gateSection(runs: number, quick: boolean): { md: string; perRequest?: Record<string, number> } {
  const args = [join(BENCH, 'gate-bench.ts'), '--runs', String(runs), '--requests', quick ? '200' : '1000'];
  const file = join(RESULTS, 'gate-bench.json');
  // gate-bench.json is the harness helper's (committed): read this run's numbers, then put theirs back
  const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const res = spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  if (res.status !== 0 || !existsSync(file)) return { md: `## Gate\n\ngate-bench.ts failed (exit ${res.status}).\n` };
  const text = readFileSync(file, 'utf8');
  if (before !== undefined) writeFileSync(file, before);
  const r = JSON.parse(text) as {
    gateMedianMs?: Record<string, number>;
    gateRuns?: { passed: boolean; wallMs: number }[];
    perRequest?: Record<string, number>;
  };
  const out = ['## Our gate by stage, and the per-request breakdown', ''];
  if (r.gateMedianMs) {
    const walls = (r.gateRuns ?? []).map((g) => g.wallMs / 1000);
    out.push(
      `\`npm run gate\` (generate, sandbox, every suite, reports, teardown), ${r.gateRuns?.length ?? 0} run(s); stage medians from bench/gate-bench.ts. Wall: ${stat(walls, 2)} s; passed: ${(r.gateRuns ?? []).map((g) => (g.passed ? 'yes' : 'no')).join(', ')}.`,
      '',
      mdTable(['stage', 'median s'], Object.entries(r.gateMedianMs).map(([k, v]) => [k, (v / 1000).toFixed(2)])),
      '',
    );
  }
  if (r.perRequest) {
    const p = r.perRequest;
    const ratio = (x?: number) => (x && p.plainFetchUs ? (x / p.plainFetchUs).toFixed(2) : 'n/a');
    out.push(
      `Per request, the harness's own share (the breakdown behind the floor's ratio): the same GET against one local node:http server, so that the difference is the client, the recorder and the contract check alone (median of ${p.rounds} rounds of ${p.requests}):`,
      '',
      mdTable(
        ['loop', 'µs per request', 'ratio to plain fetch'],
        [
          ['plain fetch + res.json()', p.plainFetchUs ?? '', '1.00'],
          ...(p.clientUs !== undefined ? [['harness client alone (openapi-fetch over the undici dispatcher)', p.clientUs, ratio(p.clientUs)]] : []),
          ['harness client + recorder', p.clientRecorderUs ?? '', ratio(p.clientRecorderUs)],
          ['harness client + recorder + contract check', p.clientRecorderCheckUs ?? '', ratio(p.clientRecorderCheckUs)],
        ],
      ),
      '',
    );
  }
  return { md: out.join('\n'), ...(r.perRequest ? { perRequest: r.perRequest } : {}) };
}

interface TestRunRound {
  ours: { wallMs: number; total: number; failed: number; skipped: number; requests: number; httpMs: number };
  peers: PeerRun[];
}

/** testrun: every tool against one sandbox, databases reset before each; round 1 is also the zoo's clean baseline. */
/**
 * The test stage under the profiler: a checkout before the change when given, then this one
 * with an empty schema cache (a fresh clone's first run) and again with the cache it left (every
 * later run), all against one sandbox.
 */
async function profileSection(sb: Parameters<typeof profileTestStage>[0], before: string | undefined): Promise<string> {
  const runs: ProfileRun[] = [];
  if (before) runs.push(await profileTestStage(sb, 'before', resolve(before)));
  rmSync(join(REPO, 'node_modules', '.cache', 'contract-harness', 'schemas'), { recursive: true, force: true });
  runs.push(await profileTestStage(sb, 'now, empty schema cache', REPO));
  runs.push(await profileTestStage(sb, 'now, schema cache kept', REPO));
  return profileMarkdown(runs);
}

async function testRunSection(runs: number, peers: PeerId[], slowRuns: number): Promise<{ md: string; clean: VariantResult; rounds: TestRunRound[] }> {
  const rounds: TestRunRound[] = [];
  let clean: VariantResult | undefined;
  await withSandbox('testrun', undefined, async (sb) => {
    for (let r = 0; r < runs; r++) {
      await resetDatabases(sb);
      const ours = await runOurSuites(sb, `testrun-${r}`);
      log(`[testrun] ${r + 1}/${runs} ours: ${ours.total} tests, ${ours.failed} failed, ${(ours.wallMs / 1000).toFixed(1)} s`);
      const peerRuns: PeerRun[] = [];
      for (const peer of peers) {
        if (SLOW_PEERS.includes(peer) && r >= slowRuns) continue;
        for (const svc of SERVICES) {
          await resetDatabases(sb);
          const pr = await runPeer(peer, svc, sb.endpoints.services[svc]?.baseUrl ?? '', `testrun-${r}`);
          peerRuns.push(pr);
          log(`[testrun] ${r + 1}/${runs} ${peer} ${svc}: ${pr.tests} tests, ${pr.failed} failed, ${(pr.wallMs / 1000).toFixed(1)} s${pr.error ? ` ERROR ${pr.error}` : ''}`);
        }
      }
      rounds.push({ ours: { wallMs: ours.wallMs, total: ours.total, failed: ours.failed, skipped: ours.skipped, requests: ours.requests, httpMs: ours.httpMs }, peers: peerRuns });
      if (r === 0) clean = { bug: null, service: null, sandboxUpMs: sb.upMs, ours, peers: peerRuns };
    }
  });
  const rows: (string | number)[][] = [
    [
      'ours: the gate\'s test stage (Jest, generated + hand-written suites)',
      stat(rounds.map((r) => r.ours.wallMs / 1000), 1),
      median(rounds.map((r) => r.ours.total)),
      median(rounds.map((r) => r.ours.failed)),
      'nothing (generated from the specs; bindings from the config)',
    ],
  ];
  for (const peer of peers) {
    const per = rounds.map((r) => r.peers.filter((p) => p.peer === peer)).filter((ps) => ps.length > 0);
    const errors = per.flat().filter((p) => p.error).map((p) => `${p.service}: ${p.error}`);
    rows.push([
      peer,
      stat(per.map((ps) => ps.reduce((a, p) => a + p.wallMs, 0) / 1000), 1),
      median(per.map((ps) => ps.reduce((a, p) => a + p.tests, 0))),
      median(per.map((ps) => ps.reduce((a, p) => a + p.failed, 0))),
      PEER_NOTES[peer] + (errors.length ? ` Errors: ${errors.slice(0, 2).join('; ')}` : ''),
    ]);
  }
  const perService = SERVICES.map((svc) => [
    svc,
    ...peers.map((peer) => {
      const xs = rounds.map((r) => r.peers.find((p) => p.peer === peer && p.service === svc)).filter((p): p is PeerRun => !!p);
      return `${stat(xs.map((p) => p.wallMs / 1000), 1)} s, ${xs[0]?.failed ?? '?'}/${xs[0]?.tests ?? '?'} failed`;
    }),
  ]);
  const md = [
    '## Test run: our suites vs the peers, same sandbox, same specs',
    '',
    `One sandbox (the four reference services over a seeded and an empty database); before each tool (and each service for the peers) the databases are reset to their seeded state, so no tool sees another's writes. Wall time covers each tool's own generate step where it has one (Step CI generate, Portman) and all four services; ours is the Jest test stage of the gate (its full wall time, sandbox included, is in gate.md). ${runs} round(s) (${SLOW_PEERS.join(', ')}: ${Math.min(runs, slowRuns)}): median (min-max) seconds; tests and failures: median. Every failure here is on the correct platform, i.e. a false positive.`,
    '',
    mdTable(['tool', 'wall s', 'tests', 'failed', 'needed by hand'], rows),
    '',
    `Ours sent ${median(rounds.map((r) => r.ours.requests))} HTTP requests per round (recorded calls), ${stat(rounds.map((r) => r.ours.httpMs / 1000), 1)} s of summed request time (Jest runs two workers, so requests overlap), against ${stat(rounds.map((r) => r.ours.wallMs / 1000), 1)} s of wall time: the rest is Jest start-up, module loading and transforms. "tests" counts what each tool reports: Jest tests (ours), workflow steps (Step CI), assertions (Newman), transactions (Dredd), contract tests (Specmatic).`,
    '',
    'Per service (median wall, failed/tests of round 1):',
    '',
    mdTable(['service', ...peers], perService),
    '',
  ].join('\n');
  return { md, clean: clean as VariantResult, rounds };
}

/**
 * Copy each table written by this run into bench/README.md, between `<!-- bench:NAME -->` and
 * `<!-- /bench:NAME -->` (the one-line conclusions beside them are written by hand).
 */
function refreshReadme(names: string[]): void {
  const readme = join(BENCH, 'README.md');
  if (!existsSync(readme)) return;
  let text = readFileSync(readme, 'utf8');
  for (const name of names) {
    const file = join(RESULTS, `${name}.md`);
    if (!existsSync(file)) continue;
    // drop the page title and the section heading: the README has its own
    const body = readFileSync(file, 'utf8').split('\n').filter((l) => !/^#{1,2} /.test(l)).join('\n').trim();
    const open = `<!-- bench:${name} -->`;
    const close = `<!-- /bench:${name} -->`;
    const a = text.indexOf(open);
    const b = text.indexOf(close);
    if (a < 0 || b < a) continue;
    text = `${text.slice(0, a + open.length)}\n${body.replace(/^### /gm, '#### ')}\n${text.slice(b)}`;
  }
  writeFileSync(readme, text);
}

async function main(): Promise<void> {
  const opts = new Command('bench')
    .option('--quick', 'smoke run: one run each, three bugs, no large spec')
    .option('--exhaustive', 'everything: 3 runs of each (scale and the large spec too), Specmatic in every test-run round, 5 floor loops, every peer against every bug (about 23 minutes idle, by estimate)')
    .option('--profile-before <dir>', 'profile: also profile this checkout of the repository (e.g. a worktree of the commit before a change), first')
    .option('--only <sections>', `comma-separated: ${SECTIONS.join(',')} (default all but ${OPT_IN.join(', ')}; --exhaustive: all)`)
    .option('--runs <n>', 'runs per measurement: gate, test-run rounds, generation on the small spec (default 2, quick 1, exhaustive 3)')
    .option('--bugs <ids>', 'bug ids for the zoo (default all, quick 3)')
    .option('--peers <ids>', `peers for the test run (default ${TEST_PEERS.join(',')})`)
    .option('--slow-runs <n>', 'test-run rounds with the slow peer, Specmatic (default 1, exhaustive: --runs)')
    .option('--loop-rounds <n>', 'floor: rounds of the plain fetch loop (default 3, quick 1, exhaustive 5)')
    .option('--scale-runs <n>', 'scale: runs per size (default 1: the question there is growth, not noise; exhaustive: --runs)')
    .option('--large-runs <n>', 'runs on the large spec in the generation bench (default 1, exhaustive: --runs)')
    .option('--refresh-readme', 'only copy the tables in bench/results/ into bench/README.md')
    .option('--no-ours', 'zoo: peers only (a side run for a slow peer)')
    .option('--suffix <s>', 'write results/<name>-<s>.md and leave README.md alone (a side run)')
    .option('--sandbox-per-bug', 'zoo: a whole sandbox per variant (default: one sandbox, only the bug\'s service restarted with BUG set)')
    .option('--no-concurrent-peers', 'zoo: run the peers after our suites on each variant, not beside them on their own instance')
    .option('--chain-bugs <ids>', `stateful variants for zoo-chains (default all ${STATEFUL_BUGS.length}, quick 3)`)
    .option('--chain-peers <ids>', 'peers run against each stateful variant (default stepci,dredd; quick: none; exhaustive: all)')
    .option('--zoo-peers <ids>', `peers run against every bug variant (default ${DEFAULT_ZOO_PEERS.join(',')}; quick: dredd; exhaustive: all)`)
    .option('--subset-peers <ids>', `peers run against the --subset-bugs only (default ${DEFAULT_SUBSET_PEERS.join(',')}; quick and exhaustive: none)`)
    .option('--subset-bugs <ids>', `the variants the --subset-peers run against (default ${DEFAULT_SUBSET_BUGS.join(',')})`)
    .parse(process.argv)
    .opts<Options>();
  if (opts.refreshReadme) {
    refreshReadme(['gate', 'floor', 'test-run', 'bug-zoo', 'bug-zoo-specmatic', 'bug-zoo-chains', 'generation', 'generate-targets', 'scale']);
    return;
  }
  const quick = opts.quick === true;
  const exhaustive = opts.exhaustive === true && !quick;
  const only = new Set<Section>((opts.only?.split(',') ?? SECTIONS.filter((s) => exhaustive || !OPT_IN.includes(s))) as Section[]);
  const runs = Number(opts.runs ?? (quick ? 1 : exhaustive ? 3 : 2));
  const started = new Date();
  START_LOAD = loadNote();
  const t0 = performance.now();
  mkdirSync(RESULTS, { recursive: true });
  log(`[bench] ${quick ? 'quick' : exhaustive ? 'exhaustive' : 'full'} run of ${[...only].join(', ')}; ${loadNote()}`);

  const needPeers = only.has('testrun') || only.has('zoo') || only.has('zoo-chains') || only.has('gen');
  const peerStatus = needPeers ? installPeers() : {};
  const unavailable = Object.entries(peerStatus).filter(([, why]) => why);
  for (const [pkg, why] of unavailable) log(`[bench] ${pkg}: ${why}`);
  const available = (p: PeerId): boolean => {
    const pkg = { stepci: 'stepci', 'portman-newman': '@apideck/portman', dredd: 'dredd', specmatic: 'specmatic' }[p];
    return !peerStatus[pkg] && !(p === 'portman-newman' && peerStatus.newman);
  };
  const peers = ((opts.peers?.split(',') ?? TEST_PEERS) as PeerId[]).filter((p) => p && available(p));
  const zooPeers = ((opts.zooPeers?.split(',') ?? (quick ? ['dredd'] : exhaustive ? TEST_PEERS : DEFAULT_ZOO_PEERS)) as PeerId[]).filter((p) => p && available(p));
  const subsetPeers = ((opts.subsetPeers?.split(',') ?? (quick || exhaustive ? [] : DEFAULT_SUBSET_PEERS)) as PeerId[]).filter((p) => p && available(p) && !zooPeers.includes(p));
  const subsetBugs = opts.subsetBugs?.split(',') ?? DEFAULT_SUBSET_BUGS;
  const timings: Record<string, number> = {};
  const order = (['testrun', 'zoo', 'zoo-chains', 'gate', 'floor', 'profile', 'gen', 'targets', 'scale'] as const).filter((s) => only.has(s)); // the order they run in
  const time = async <T>(name: Section, fn: () => Promise<T> | T): Promise<T> => {
    const t = performance.now();
    log(`[bench] section ${order.indexOf(name) + 1}/${order.length}: ${name} ...`);
    try {
      return await fn();
    } finally {
      timings[name] = (performance.now() - t) / 1000;
      log(`[bench] section ${name} took ${timings[name]?.toFixed(0)} s (elapsed ${elapsed()}); ${loadNote()}`);
    }
  };

  const written: string[] = [];
  const result = (name: string, md: string, raw: unknown) => {
    writeResult(opts.suffix ? `${name}-${opts.suffix}` : name, md, raw);
    if (!opts.suffix) written.push(name);
  };
  let clean: VariantResult | undefined;
  let oursRounds: { wallMs: number; requests: number; failed: number }[] | undefined;
  if (only.has('testrun')) {
    const tr = await time('testrun', () => testRunSection(runs, peers, Number(opts.slowRuns ?? (exhaustive ? runs : 1))));
    oursRounds = tr.rounds.map((r) => ({ wallMs: r.ours.wallMs, requests: r.ours.requests, failed: r.ours.failed }));
    clean = tr.clean;
    result('test-run', header('Test run: ours vs peers', started) + tr.md, tr.rounds);
  }
  if (only.has('zoo')) {
    const ids = opts.bugs?.split(',') ?? (quick ? ['unknown-id-500', 'html-error-page', 'round-trip-ignores-field'] : BUGS.map((b) => b.id));
    const bugs = ids.map((id) => {
      const b = BUGS.find((x) => x.id === id);
      if (!b) throw new Error(`unknown bug ${id}`);
      return b;
    });
    // the clean baseline must include every zoo peer
    const zooOpts: ZooOptions = { bugs, peers: clean ? peers : [...zooPeers, ...subsetPeers], zooPeers, subsetPeers, subsetBugs, ours: opts.ours !== false, sandboxPerBug: opts.sandboxPerBug === true, concurrentPeers: opts.concurrentPeers !== false, ...(clean ? { clean } : {}) };
    zooOpts.onProgress = (partial) => writeResult(`bug-zoo${opts.suffix ? `-${opts.suffix}` : ''}`, header('Fault detection: the bug zoo', started) + zooMarkdown(partial, zooOpts), partial);
    const res = await time('zoo', () => runZoo(zooOpts));
    result('bug-zoo', header('Fault detection: the bug zoo', started) + zooMarkdown(res, zooOpts), res);
  }
  if (only.has('zoo-chains')) {
    const ids = opts.chainBugs?.split(',') ?? (quick ? ['delete-not-effective', 'list-never-shows-new', 'update-not-persisted'] : STATEFUL_BUGS.map((b) => b.id));
    const bugs = ids.map((id) => {
      const b = STATEFUL_BUGS.find((x) => x.id === id);
      if (!b) throw new Error(`unknown stateful bug ${id} (known: ${STATEFUL_BUGS.map((x) => x.id).join(', ')})`);
      return b;
    });
    const chainPeers = ((opts.chainPeers?.split(',') ?? (quick ? [] : exhaustive ? TEST_PEERS : DEFAULT_ZOO_PEERS)) as PeerId[]).filter((p) => p && available(p));
    const zcOpts: ZooChainsOptions = { bugs, peers: chainPeers };
    const title = header('The stateful bug zoo: baselines alone, chains alone', started);
    zcOpts.onProgress = (partial) => writeResult(`bug-zoo-chains${opts.suffix ? `-${opts.suffix}` : ''}`, title + zooChainsMarkdown(partial, zcOpts), partial);
    const res = await time('zoo-chains', () => runZooChains(zcOpts));
    result('bug-zoo-chains', header('The stateful bug zoo: baselines alone, chains alone', started) + zooChainsMarkdown(res, zcOpts), res);
  }
  const speed: SpeedInputs = {};
  if (only.has('gate')) {
    const { md, perRequest } = await time('gate', () => gateSection(runs, quick));
    if (perRequest) speed.perRequest = perRequest;
    result('gate', header('Our gate by stage, and the per-request breakdown', started) + md, {});
  }
  if (only.has('floor')) {
    const loopRounds = Number(opts.loopRounds ?? (quick ? 1 : exhaustive ? 5 : 3));
    // our test stage's rounds: the test run's when it ran (same sandbox set-up, databases reset before each), else its own
    const f = await time('floor', () => withSandbox('floor', undefined, (sb) => runFloor(sb, runs, loopRounds, log, oursRounds)));
    speed.floor = f;
    result('floor', header('The floor', started) + floorMarkdown(f), f);
  }
  if (only.has('profile')) {
    const md = await time('profile', () => withSandbox('profile', undefined, (sb) => profileSection(sb, opts.profileBefore)));
    result('profile', header('Where the test stage goes', started) + md, {});
  }
  if (only.has('gen')) {
    const tools: GenTool[] = GEN_TOOLS.filter((t) => t.startsWith('ours') || t === 'openapi-typescript' || !peerStatus[t]);
    const samples = await time('gen', () => runGeneration({ runs, large: !quick, largeRuns: Number(opts.largeRuns ?? (exhaustive ? runs : 1)), tools }));
    result('generation', header('Generation: ours vs openapi-typescript, orval, Portman', started) + generationMarkdown(samples), samples);
  }
  if (only.has('targets') && !quick) {
    // at least 3 paired runs: a target's verdict is on medians
    const r = await time('targets', () => runGenerateTargets(Math.max(3, runs)));
    speed.targets = r;
    result('generate-targets', header('Generation targets', started) + generateTargetsMarkdown(r), r);
  }
  if (only.has('scale')) {
    const samples = await time('scale', () => runScale({ sizes: quick ? [10, 100] : [10, 100, 1000, 5000], runs: Number(opts.scaleRuns ?? (quick ? 1 : exhaustive ? runs : 1)), gate: true }));
    speed.scale = samples;
    result('scale', header('Scale: synthetic specs', started) + scaleMarkdown(samples), samples);
  }
  if (speed.targets || speed.floor || speed.perRequest || speed.scale) result('speed-targets', header('Speed targets', started) + speedTargetsMarkdown(speed), speed);
  refreshReadme(written);
  const total = (performance.now() - t0) / 1000;
  log(`[bench] done in ${total.toFixed(0)} s (${Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(0)} s`).join(', ')}); ${loadNote()} at the end`);
  log(`[bench] tables in ${RESULTS}`);
}

main().catch((err: unknown) => {
  log(`[bench] ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
