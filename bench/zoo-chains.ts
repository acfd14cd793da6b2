/**
 * The stateful bug zoo (bench/bug-zoo/stateful-bugs.ts) against the generated suites split in
 * two: the baselines alone (every generated test whose name does not contain " chain ") and the
 * chains alone (every one whose name does), each run by itself under Jest on freshly reset
 * databases, and beside them the peers on an instance of their own.
 *
 * One sandbox for the whole run, as the zoo section (bench/zoo.ts): first the correct platform
 * (both halves over every service, each peer over the services the variants are in), then per
 * variant only the bug's service started again with BUG set. Caught = a test that passed on the
 * correct platform fails on the variant; a chain that the variant made skip (its setup made no
 * record) is not a catch. A variant belongs in the zoo only if the baselines alone pass on it.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Bug } from './bug-zoo/bugs';
import { log, mdTable, resetDatabases, resetPeerDatabase, runOurSuites, SCRATCH, type BenchSandbox, type SuiteRun } from './lib';
import { runPeer, SERVICES, type PeerId, type PeerRun } from './peers';
import { scoreDetection, withBugService, withSandbox, type VariantResult } from './zoo';

/**
 * Jest --testNamePattern for each half: generated chain tests are named "<svc> chain <resource>: ...",
 * the generated list checks (issue 16: several requests each, pages and filters) "<svc> list <METHOD> ...";
 * the baselines are the rest, one request each.
 */
export const HALVES = {
  baselines: '^(?!.* chain )(?!\\S+ list ).*$',
  chains: ' chain ',
} as const;
export type Half = keyof typeof HALVES;

export interface ZooChainsOptions {
  bugs: Bug[];
  peers: PeerId[];
  /** Called after each variant with the results so far. */
  onProgress?: (partial: ZooChainsResult) => void;
}

export interface ChainsRun {
  bug: string | null;
  service: string | null;
  baselines: SuiteRun;
  chains: SuiteRun;
  peers: PeerRun[];
}

export interface HalfVerdict {
  caught: boolean;
  /** Tests that passed on the correct platform and failed on the variant. */
  by: string[];
  /** Tests that ran on the correct platform and recorded a skip on the variant. */
  skipped: string[];
}

export interface ZooChainsResult {
  clean: ChainsRun;
  variants: ChainsRun[];
  verdicts: {
    bug: string;
    baselines: HalfVerdict;
    chains: HalfVerdict;
    /** discounted: new failures not counted (a test the correct platform never ran, a chance 404). */
    peers: { tool: string; caught: boolean | null; by: string[]; discounted: string[] }[];
  }[];
}

async function runHalf(sb: BenchSandbox, half: Half, label: string, dirs: string[]): Promise<SuiteRun> {
  await resetDatabases(sb);
  const run = await runOurSuites(sb, `${label}-${half}`, dirs, { testNamePattern: HALVES[half] });
  const ran = run.total - run.skipped;
  log(`[zoo-chains]   ${half} alone: ${ran} ran, ${run.failed} failed, ${run.recordedSkips?.length ?? 0} recorded skips (${(run.wallMs / 1000).toFixed(1)} s)`);
  return run;
}

function verdict(clean: SuiteRun, variant: SuiteRun): HalfVerdict {
  const cleanFailed = new Set(clean.failedNames);
  const cleanSkipped = new Set(clean.recordedSkips ?? []);
  const by = variant.failedNames.filter((n) => !cleanFailed.has(n));
  const skipped = (variant.recordedSkips ?? []).filter((n) => !cleanSkipped.has(n));
  return { caught: by.length > 0, by, skipped };
}

export async function runZooChains(opts: ZooChainsOptions): Promise<ZooChainsResult> {
  const services = SERVICES.filter((svc) => opts.bugs.some((b) => b.service === svc));
  const variants: ChainsRun[] = [];
  const verdicts: ZooChainsResult['verdicts'] = [];
  let clean: ChainsRun | undefined;
  rmSync(join(SCRATCH, 'peers', 'generated-cache'), { recursive: true, force: true });
  await withSandbox('zoo-chains', undefined, async (sb) => {
    log(`[zoo-chains] correct platform: baselines alone, chains alone (generated/), then ${opts.peers.join(', ') || 'no peers'} on ${services.join(', ')}`);
    const baselines = await runHalf(sb, 'baselines', 'zoo-chains-clean', ['generated']);
    const chains = await runHalf(sb, 'chains', 'zoo-chains-clean', ['generated']);
    const peers: PeerRun[] = [];
    for (const peer of opts.peers) {
      for (const svc of services) {
        await resetDatabases(sb);
        const r = await runPeer(peer, svc, sb.endpoints.services[svc]?.baseUrl ?? '', 'zoo-chains-clean');
        log(`[zoo-chains]   ${peer} ${svc}: ${r.tests} tests, ${r.failed} failed (${(r.wallMs / 1000).toFixed(1)} s)${r.error ? ` ERROR ${r.error}` : ''}`);
        peers.push(r);
      }
    }
    clean = { bug: null, service: null, baselines, chains, peers };

    for (const bug of opts.bugs) {
      log(`[zoo-chains] BUG=${bug.id} (${bug.service} ${bug.operationId}) ${variants.length + 1}/${opts.bugs.length}`);
      const v = await withBugService(sb, bug, opts.peers.length > 0, async (vsb, peerUrl) => {
        const ours = (async () => {
          const b = await runHalf(vsb, 'baselines', `zoo-chains-${bug.id}`, [`generated/${bug.service}`]);
          const c = await runHalf(vsb, 'chains', `zoo-chains-${bug.id}`, [`generated/${bug.service}`]);
          return [b, c] as const;
        })();
        const theirs = (async () => {
          const out: PeerRun[] = [];
          for (const peer of opts.peers) {
            await resetPeerDatabase(vsb);
            // never filtered to the bug's operations (as the zoo does for Specmatic): a filtered run
            // generates scenarios the correct platform's unfiltered run never had, and their random
            // ids 404 on any platform, so a "new" failure there would be no catch
            const r = await runPeer(peer, bug.service, peerUrl ?? '', `zoo-chains-${bug.id}`, true);
            log(`[zoo-chains]   ${peer}: ${r.tests} tests, ${r.failed} failed (${(r.wallMs / 1000).toFixed(1)} s)${r.error ? ` ERROR ${r.error}` : ''}`);
            out.push(r);
          }
          return out;
        })();
        const [[b, c], p] = await Promise.all([ours, theirs]);
        return { bug: bug.id, service: bug.service, baselines: b, chains: c, peers: p };
      });
      variants.push(v);
      const base = clean as ChainsRun;
      const asVariant = (r: ChainsRun): VariantResult => ({ bug: r.bug, service: r.service, sandboxUpMs: 0, ours: r.baselines, peers: r.peers });
      const peerVerdicts = scoreDetection([bug], asVariant(base), [asVariant(v)], false).map((d) => {
        // where a peer's tests vary between runs, a catch is a test the correct platform ran too
        // and a 404 for a path value the peer made up is chance, not the bug (PeerRun.chance404)
        const ranOnClean = base.peers.find((r) => r.peer === d.tool && r.service === bug.service)?.names;
        const chance = new Set(v.peers.find((r) => r.peer === d.tool)?.chance404 ?? []);
        const by = d.by.filter((n) => (!ranOnClean || ranOnClean.includes(n)) && !chance.has(n));
        const discounted = d.by.filter((n) => !by.includes(n));
        return { tool: d.tool, caught: d.caught === null ? null : by.length > 0, by, discounted };
      });
      const one = { bug: bug.id, baselines: verdict(base.baselines, v.baselines), chains: verdict(base.chains, v.chains), peers: peerVerdicts };
      verdicts.push(one);
      log(
        `[zoo-chains]   baselines: ${one.baselines.caught ? `CAUGHT by ${one.baselines.by.length}` : 'passed'}; chains: ${one.chains.caught ? `CAUGHT by ${one.chains.by.length}, e.g. ${one.chains.by[0]}` : 'missed'}; ` +
          peerVerdicts.map((p) => `${p.tool} ${p.caught === null ? 'error' : p.caught ? 'caught' : 'missed'}`).join(', '),
      );
      opts.onProgress?.({ clean: base, variants, verdicts });
    }
  });
  return { clean: clean as ChainsRun, variants, verdicts };
}

/** The oracle names in a chain's failure (its first line: "<svc> chain <kind> on <resource>: oracle, check"). */
export function oraclesOf(message: string | undefined): string[] {
  const m = /chain [a-z-]+ on \S+: ([a-z0-9-]+(?:, [a-z0-9-]+)*)/.exec(message ?? '');
  return m ? (m[1] as string).split(', ') : [];
}

const testTitle = (name: string): string => name.split(' :: ').slice(1).join(' :: ');

function chainsCell(v: HalfVerdict, run: SuiteRun | undefined): string {
  if (!v.caught) return v.skipped.length ? `**missed** (${v.skipped.length} chain(s) skipped at run time)` : '**missed**';
  const oracles = [...new Set(v.by.flatMap((n) => oraclesOf(run?.messages[n])))];
  return `caught by ${v.by.length}: ${oracles.map((o) => `\`${o}\``).join(', ') || 'see below'}`;
}

function baselinesCell(v: HalfVerdict, run: SuiteRun | undefined): string {
  const ran = run ? run.total - run.skipped : 0;
  return v.caught ? `**caught** (${v.by.length} of ${ran} failed)` : `pass (${run?.passed ?? 0}/${ran})`;
}

export function zooChainsMarkdown(res: ZooChainsResult, opts: ZooChainsOptions): string {
  const done = new Set(res.verdicts.map((v) => v.bug));
  const bugs = opts.bugs.filter((b) => done.has(b.id));
  const peerCell = (bug: string, tool: string): string => {
    const d = res.verdicts.find((v) => v.bug === bug)?.peers.find((p) => p.tool === tool);
    if (!d) return '–';
    const note = d.discounted.length ? ` (${d.discounted.length} new failure(s) not counted)` : '';
    return d.caught === null ? 'error' : d.caught ? `caught (${d.by.length})${note}` : `**missed**${note}`;
  };
  const rows = bugs.map((b) => {
    const v = res.verdicts.find((x) => x.bug === b.id)!;
    const run = res.variants.find((x) => x.bug === b.id);
    return [b.id, b.service, b.operationId, b.category, baselinesCell(v.baselines, run?.baselines), chainsCell(v.chains, run?.chains), ...opts.peers.map((p) => peerCell(b.id, p))];
  });
  const tally = (pick: (v: ZooChainsResult['verdicts'][number]) => boolean | null) => `${res.verdicts.filter((v) => pick(v) === true).length}/${res.verdicts.length}`;
  rows.push([
    '**caught**', '', '', '',
    tally((v) => v.baselines.caught), tally((v) => v.chains.caught),
    ...opts.peers.map((p) => `${res.verdicts.filter((v) => v.peers.find((x) => x.tool === p)?.caught === true).length}/${res.verdicts.filter((v) => v.peers.some((x) => x.tool === p)).length}`),
  ]);
  const c = res.clean;
  const ran = (r: SuiteRun) => r.total - r.skipped;
  const clean = [
    ['ours: generated baselines alone', ran(c.baselines), c.baselines.failed, ''],
    ['ours: generated chains alone', ran(c.chains), c.chains.failed, `${c.chains.recordedSkips?.length ?? 0} skipped at run time (setup made no record); chains the plan skips (POST /runs, see coverage.md) are not run`],
    ...opts.peers.map((p) => {
      const rs = c.peers.filter((r) => r.peer === p);
      return [`${p} (${rs.map((r) => r.service).join(', ')})`, rs.reduce((a, r) => a + r.tests, 0), rs.reduce((a, r) => a + r.failed, 0), rs.filter((r) => r.error).map((r) => `${r.service}: ${r.error}`).join('; ')];
    }),
  ];
  const byLines = res.verdicts.map((v) => {
    const run = res.variants.find((x) => x.bug === v.bug);
    const chainTests = v.chains.by.map((n) => {
      const message = run?.chains.messages[n] ?? '';
      const first = message.split(' | ').slice(1).join(' | ').trim();
      return `\`${testTitle(n)}\` (${oraclesOf(message).join(', ') || '?'}${first ? `: ${first}` : ''})`;
    });
    const peers = v.peers.filter((p) => p.caught).map((p) => `${p.tool}: ${p.by.slice(0, 2).map((n) => `\`${n}\``).join(', ')}`);
    return `- \`${v.bug}\`: ${chainTests.length ? chainTests.join('; ') : 'no chain failed'}${v.chains.skipped.length ? `; skipped at run time: ${v.chains.skipped.map((n) => `\`${testTitle(n)}\``).join(', ')}` : ''}${peers.length ? `. Peers: ${peers.join('; ')}` : ''}`;
  });
  return [
    '## The stateful bug zoo: baselines alone, chains alone',
    '',
    `${bugs.length} variants${bugs.length < opts.bugs.length ? ` (of ${opts.bugs.length}: a partial run)` : ''} (bench/bug-zoo/stateful-bugs.ts), one stateful bug each: every single response is one the contract documents, the bug shows only in a sequence. Per variant, on databases reset to their seeded state, the bug's service's generated tests run twice: **baselines alone** (\`--testNamePattern '${HALVES.baselines}'\`: every generated test whose name has no " chain " and that is no list check, "<svc> list ...", which sends several requests; "pass" = none failed, the bug is invisible to them) and **chains alone** (\`--testNamePattern '${HALVES.chains}'\`). Caught = a test that passed on the correct platform fails on the variant (a chain that the variant made skip, its setup having made no record, is not a catch). Peers: against the bug's service only, on an instance of their own, unfiltered; a catch is a failure, new against the correct platform, of a test the correct platform also ran, of an operation the bug is in or shows through (\`reveals\`); a 404 where a 2xx was expected for a path value the peer made up (Specmatic sends a random one in every scenario) is chance, shown as "not counted"; \`error\`: the peer ended without a summary (Dredd, now and then), counted neither way. The query service has no variant: its document has no create, so no resource and no chain is generated for it.`,
    '',
    mdTable(['variant', 'service', 'operation', 'bug kind', 'baselines alone', 'chains alone', ...opts.peers], rows),
    '',
    '### The correct platform (BUG unset), every service',
    '',
    mdTable(['run', 'tests run', 'failed', 'notes'], clean),
    '',
    '"tests run" leaves out the tests the name pattern selects out (Jest counts them skipped) and those declared skipped.',
    '',
    '### Which chain caught each variant (oracle), and the peers that did',
    '',
    ...byLines,
    '',
  ].join('\n');
}
