/**
 * The peers: installed by the bench into bench/peers/ (gitignored, never project dependencies)
 * with `npm install --prefix bench/peers`, and run against one service of a running sandbox,
 * each the way its documentation suggests. What each needed by hand is in PEER_NOTES (and
 * bench/README.md).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { log, PEERS, REPO, runTimed, SCRATCH } from './lib';

export type PeerId = 'stepci' | 'portman-newman' | 'dredd' | 'specmatic';
export const TEST_PEERS: PeerId[] = ['stepci', 'portman-newman', 'dredd', 'specmatic'];
export const SERVICES = ['registry', 'risk', 'trading', 'query'] as const;

/** npm packages, pinned so that a rerun measures the same thing. */
export const PEER_PACKAGES: Record<string, string> = {
  stepci: '2.8.2',
  '@apideck/portman': '1.33.0',
  newman: '6.2.2',
  dredd: '14.1.0',
  specmatic: '2.55.1',
  orval: '7.13.2',
  'openapi-typescript': '7.13.0',
  '@octokit/openapi': '23.0.2',
};

export const PEER_NOTES: Record<PeerId, string> = {
  stepci:
    '`stepci generate` crashes on our specs (path-level `parameters` and `$ref` parameters: its generator reads `param.schema` of unresolved refs), so it is fed a dereferenced copy with path-level parameters pushed into each operation; `--checkExamples false` (otherwise every response must equal the spec example: 22 of 23 registry steps fail on the correct platform); `config.http.baseURL` set to the sandbox; `STEPCI_DISABLE_ANALYTICS=1` (it phones home otherwise).',
  'portman-newman':
    '`portman -l <spec> -b <baseUrl>` with its default config (contract tests: 2xx status, content type, JSON body, schema), then `newman run` on the collection; nothing else by hand.',
  dredd: '`dredd <spec> <baseUrl>`, as is (OpenAPI 3.1 is parsed by its experimental OAS3 adapter, with warnings); no hooks written.',
  specmatic:
    '`java -jar node_modules/specmatic/specmatic.jar test <spec> --testBaseURL <url> --junitReportDir <dir>` (the npm wrapper exits 0 on failure, so the jar is run directly); no examples folder, no specmatic.yaml.',
};

const bin = (name: string) => join(PEERS, 'node_modules', '.bin', name);
export const SPECMATIC_JAR = join(PEERS, 'node_modules', 'specmatic', 'specmatic.jar');

/** Install whatever is missing; returns per package why it is unavailable, if it is. */
export function installPeers(): Record<string, string | undefined> {
  mkdirSync(PEERS, { recursive: true });
  if (!existsSync(join(PEERS, 'package.json'))) writeFileSync(join(PEERS, 'package.json'), '{ "name": "bench-peers", "private": true }\n');
  const installed = (pkg: string) => existsSync(join(PEERS, 'node_modules', pkg, 'package.json'));
  const missing = Object.entries(PEER_PACKAGES).filter(([pkg]) => !installed(pkg));
  const status: Record<string, string | undefined> = {};
  if (missing.length) {
    log(`[bench] installing peers into bench/peers: ${missing.map(([p, v]) => `${p}@${v}`).join(' ')}`);
    try {
      execFileSync('npm', ['install', '--prefix', PEERS, '--no-audit', '--no-fund', '--no-save', ...missing.map(([p, v]) => `${p}@${v}`)], { stdio: ['ignore', 'inherit', 'inherit'] });
    } catch (err) {
      log(`[bench] npm install failed: ${(err as Error).message}`);
    }
  }
  for (const pkg of Object.keys(PEER_PACKAGES)) status[pkg] = installed(pkg) ? undefined : 'not installed (npm install failed; see the log)';
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    status.specmatic ??= 'no java on PATH';
  }
  return status;
}

export interface PeerRun {
  peer: PeerId;
  service: string;
  wallMs: number;
  tests: number;
  failed: number;
  /** Names of failed tests (stable across runs, so a bug run can be compared with the clean run). */
  failedNames: string[];
  /**
   * Every test's name, where they vary between runs of the same spec (Specmatic generates a
   * different set of scenarios from one run to the next): a catch must be a test the correct
   * platform also ran.
   */
  names?: string[];
  /**
   * Failed tests that expected a 2xx and got a 404 for a path value the peer made up (Specmatic
   * sends a random value for every path parameter of every scenario): whether such a record
   * exists is chance, so the stateful zoo never counts one as a catch.
   */
  chance404?: string[];
  error?: string;
}

/** A dereferenced copy of a spec with path-level parameters pushed into each operation (Step CI needs it). */
export function flattenSpec(specFile: string, outFile: string): void {
  const doc = parse(readFileSync(specFile, 'utf8')) as Record<string, any>;
  const get = (ref: string) => ref.slice(2).split('/').reduce<any>((a, k) => a?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  const deref = (n: any, depth = 0): any => {
    if (Array.isArray(n)) return n.map((x) => deref(x, depth));
    if (!n || typeof n !== 'object') return n;
    if (typeof n.$ref === 'string' && n.$ref.startsWith('#/') && depth < 30) return deref(get(n.$ref), depth + 1);
    return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, deref(v, depth)]));
  };
  const out = deref(doc);
  for (const item of Object.values<any>(out.paths ?? {})) {
    const shared: any[] = item.parameters ?? [];
    delete item.parameters;
    for (const op of Object.values<any>(item)) {
      if (!op || typeof op !== 'object' || Array.isArray(op)) continue;
      const own: any[] = op.parameters ?? [];
      op.parameters = [...shared.filter((s) => !own.some((p) => p.name === s.name && p.in === s.in)), ...own];
    }
  }
  writeFileSync(outFile, JSON.stringify(out, null, 2));
}

const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const specOf = (service: string) => join(REPO, 'openapi', `${service}.yaml`);

async function runStepci(service: string, baseUrl: string, dir: string, cache?: string): Promise<PeerRun> {
  const env = { ...process.env, STEPCI_DISABLE_ANALYTICS: '1' };
  const flat = join(dir, `${service}.flat.json`);
  const workflow = join(dir, `${service}.workflow.yml`);
  const cached = cache ? join(cache, `${service}.workflow.yml`) : undefined;
  const started = performance.now();
  let gen = { stderr: '' };
  if (cached && existsSync(cached)) {
    copyFileSync(cached, workflow);
  } else {
    flattenSpec(specOf(service), flat);
    gen = await runTimed([bin('stepci'), 'generate', flat, workflow, '--checkExamples', 'false'], { cwd: dir, env, timeoutMs: 120_000 });
    if (cached && existsSync(workflow)) copyFileSync(workflow, cached);
  }
  if (!existsSync(workflow)) return { peer: 'stepci', service, wallMs: performance.now() - started, tests: 0, failed: 0, failedNames: [], error: `generate failed: ${gen.stderr.slice(-300)}` };
  writeFileSync(workflow, readFileSync(workflow, 'utf8').replace(/baseURL: .*/, `baseURL: ${baseUrl}`));
  const run = await runTimed([bin('stepci'), 'run', workflow], { cwd: dir, env, timeoutMs: 300_000 });
  const out = stripAnsi(run.stdout + run.stderr);
  writeFileSync(join(dir, `${service}.out.txt`), out);
  const steps = /Steps:\s+(\d+) failed, (\d+) skipped, (\d+) passed, (\d+) total/.exec(out);
  // a failed step is reported as "● <test> › <step name>" (the steps after it in that test: "⚠︎ ... skipped")
  const failedNames = [...new Set(out.split('\n').filter((l) => /^● .+ › /.test(l)).map((l) => l.slice(2).trim()))];
  return {
    peer: 'stepci',
    service,
    wallMs: performance.now() - started,
    tests: steps ? Number(steps[4]) : 0,
    failed: steps ? Number(steps[1]) : 0,
    failedNames,
    ...(steps ? {} : { error: `no summary (exit ${run.code}): ${out.slice(-300)}` }),
  };
}

async function runPortman(service: string, baseUrl: string, dir: string, cache?: string): Promise<PeerRun> {
  const collection = join(dir, `${service}.postman.json`);
  const cached = cache ? join(cache, `${service}.postman.json`) : undefined;
  const report = join(dir, `${service}.newman.json`);
  rmSync(report, { force: true });
  const started = performance.now();
  let gen = { stdout: '' };
  if (cached && existsSync(cached)) {
    copyFileSync(cached, collection);
  } else {
    gen = await runTimed([bin('portman'), '-l', specOf(service), '-b', baseUrl, '-o', collection], { cwd: dir, timeoutMs: 180_000 });
    if (cached && existsSync(collection)) copyFileSync(collection, cached);
  }
  if (!existsSync(collection)) return { peer: 'portman-newman', service, wallMs: performance.now() - started, tests: 0, failed: 0, failedNames: [], error: `portman failed: ${gen.stdout.slice(-300)}` };
  const run = await runTimed([bin('newman'), 'run', collection, '--env-var', `baseUrl=${baseUrl}`, '-r', 'json', '--reporter-json-export', report, '--timeout-request', '10000'], { cwd: dir, timeoutMs: 300_000 });
  writeFileSync(join(dir, `${service}.out.txt`), stripAnsi(run.stdout + run.stderr));
  if (!existsSync(report)) return { peer: 'portman-newman', service, wallMs: performance.now() - started, tests: 0, failed: 0, failedNames: [], error: `newman wrote no report (exit ${run.code})` };
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    run: { stats: { assertions: { total: number; failed: number } }; failures: { source?: { name?: string }; error?: { test?: string; message?: string } }[] };
  };
  const failedNames = [...new Set(json.run.failures.map((f) => `${f.source?.name ?? '?'} - ${f.error?.test ?? f.error?.message ?? '?'}`))];
  return { peer: 'portman-newman', service, wallMs: performance.now() - started, tests: json.run.stats.assertions.total, failed: json.run.stats.assertions.failed, failedNames };
}

async function runDredd(service: string, baseUrl: string, dir: string): Promise<PeerRun> {
  const started = performance.now();
  const run = await runTimed([bin('dredd'), specOf(service), baseUrl, '--color', 'false', '--loglevel', 'warning'], { cwd: dir, timeoutMs: 300_000 });
  const out = stripAnsi(run.stdout + run.stderr);
  writeFileSync(join(dir, `${service}.out.txt`), out);
  const m = /complete: (\d+) passing, (\d+) failing, (\d+) errors?, (\d+) skipped, (\d+) total/.exec(out);
  const transactions = (verdict: string) =>
    new Set(
      out
        .split('\n')
        .map((l) => new RegExp(`^(?:${verdict}): ((?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \\(\\d+\\) \\S+)`).exec(l.trim())?.[1])
        .filter((x): x is string => !!x),
    );
  const failedNames = [...transactions('fail|error')];
  // Dredd now and then exits before its last lines reach the pipe ("complete: ..." lost, exit 1)
  // though every transaction ran and was printed: then count the transactions it printed
  const passed = m ? 0 : transactions('pass').size;
  const counted = !m && passed + failedNames.length > 0;
  return {
    peer: 'dredd',
    service,
    wallMs: performance.now() - started,
    tests: m ? Number(m[5]) : passed + failedNames.length,
    failed: m ? Number(m[2]) + Number(m[3]) : failedNames.length,
    failedNames,
    ...(m || counted ? {} : { error: `no summary (exit ${run.code}): ${out.slice(-300)}` }),
  };
}

/**
 * Specmatic's `--filter` for some operations: `METHOD='GET' && PATH='/a,/b'` (its filter syntax:
 * comma-separated values, `&&`), or `PATH='/a,/b'` when the methods differ. Each bug-zoo run then
 * generates only the tests of the bug's operation(s): the JVM start and the spec parse remain.
 */
export function specmaticFilter(ops: { method: string; path: string }[]): string {
  const methods = [...new Set(ops.map((o) => o.method.toUpperCase()))];
  const paths = `PATH='${[...new Set(ops.map((o) => o.path))].join(',')}'`;
  return methods.length === 1 ? `METHOD='${methods[0]}' && ${paths}` : paths;
}

async function runSpecmatic(service: string, baseUrl: string, dir: string, filter?: string): Promise<PeerRun> {
  const junit = join(dir, `${service}.specmatic-junit`);
  rmSync(junit, { recursive: true, force: true });
  const started = performance.now();
  const args = ['java', '-jar', SPECMATIC_JAR, 'test', specOf(service), `--testBaseURL=${baseUrl}`, `--junitReportDir=${junit}`, ...(filter ? [`--filter=${filter}`] : [])];
  const run = await runTimed(args, { cwd: dir, timeoutMs: 600_000 });
  const out = stripAnsi(run.stdout + run.stderr);
  writeFileSync(join(dir, `${service}.out.txt`), out);
  const m = /Tests run: (\d+), Successes: (\d+), Failures: (\d+), WIP: (\d+), Errors: (\d+)/.exec(out);
  const failedNames = new Set<string>();
  const names = new Set<string>();
  const chance404 = new Set<string>();
  if (existsSync(junit)) {
    for (const f of readdirSync(junit).filter((n) => n.endsWith('.xml'))) {
      const xml = readFileSync(join(junit, f), 'utf8');
      for (const tc of xml.matchAll(/<testcase\b[^>]*\bname="([^"]*)"[^>]*>([\s\S]*?)<\/testcase>/g)) {
        const name = (tc[1] ?? '').replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
        names.add(name);
        if (/<(failure|error)\b/.test(tc[2] ?? '')) failedNames.add(name);
        if (/expected status 2\d\d but response contained status 404/.test(tc[2] ?? '')) chance404.add(name);
      }
    }
  }
  return {
    peer: 'specmatic',
    service,
    wallMs: performance.now() - started,
    tests: m ? Number(m[1]) : 0,
    failed: m ? Number(m[3]) + Number(m[5]) : 0,
    failedNames: [...failedNames],
    names: [...names],
    chance404: [...chance404],
    ...(m ? {} : { error: `no summary (exit ${run.code}): ${out.slice(-300)}` }),
  };
}

/**
 * One peer against one service of a running sandbox (its seeded instance). With `reuseGenerated`,
 * Step CI's workflow and Portman's collection are generated once per service and reused (the
 * base URL patched in), as a user would between runs: the bug zoo does this; the test-run
 * bench does not (their generate step is part of their run there). `only`: Specmatic runs just
 * the tests of these operations (its `--filter`); the other peers ignore it (they are fast).
 */
export async function runPeer(peer: PeerId, service: string, baseUrl: string, label: string, reuseGenerated = false, only?: { method: string; path: string }[]): Promise<PeerRun> {
  const dir = join(SCRATCH, 'peers', label, peer);
  mkdirSync(dir, { recursive: true });
  const cache = reuseGenerated ? join(SCRATCH, 'peers', 'generated-cache', peer) : undefined;
  if (cache) mkdirSync(cache, { recursive: true });
  try {
    switch (peer) {
      case 'stepci':
        return await runStepci(service, baseUrl, dir, cache);
      case 'portman-newman':
        return await runPortman(service, baseUrl, dir, cache);
      case 'dredd':
        return await runDredd(service, baseUrl, dir);
      case 'specmatic':
        return await runSpecmatic(service, baseUrl, dir, only?.length ? specmaticFilter(only) : undefined);
    }
  } catch (err) {
    return { peer, service, wallMs: 0, tests: 0, failed: 0, failedNames: [], error: (err as Error).message };
  }
}
