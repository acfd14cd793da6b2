/**
 * `tsx bench/list-zoo.ts [--bugs id,id]`: the list bugs (bench/bug-zoo/list-bugs.ts) through the
 * zoo machinery (bench/zoo.ts: one sandbox, the bug's service restarted with BUG set), our suites
 * only (no peer checks what a list's parameters mean). Per variant it splits the tests that fail
 * there and pass on the correct platform into the generated list checks and everything else (the
 * baseline cases, the chains, the hand-written suites of tests/): a bug is "caught by the list
 * checks alone" when the first are not empty and the second are. Writes
 * bench/results/bug-zoo-lists.md and its raw JSON.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIST_BUGS } from './bug-zoo/list-bugs';
import { log, mdTable, RESULTS } from './lib';
import { runZoo, type ZooResult } from './zoo';

/** A generated list check's test name: `<service> list GET <path>: ...` (generator/plan/plan-list-checks.ts). */
const LIST_CHECK = / :: \S+ list GET \//;

function render(res: ZooResult, started: string, wallS: number): string {
  const clean = res.clean.ours;
  const rows = res.detection.map((d) => {
    const bug = LIST_BUGS.find((b) => b.id === d.bug)!;
    const lists = d.by.filter((n) => LIST_CHECK.test(n));
    const others = d.by.filter((n) => !LIST_CHECK.test(n));
    const generated = others.filter((n) => n.startsWith('generated/')).length;
    const verdict = lists.length > 0 && others.length === 0 ? 'caught by the list checks alone' : lists.length > 0 ? 'caught (also by today\'s tests)' : others.length > 0 ? '**missed by the list checks**' : '**missed**';
    return [d.bug, `${bug.service} ${bug.operationId}`, bug.category, String(generated), String(others.length - generated), String(lists.length), verdict];
  });
  const alone = res.detection.filter((d) => d.by.some((n) => LIST_CHECK.test(n)) && !d.by.some((n) => !LIST_CHECK.test(n))).length;
  const which = res.detection.flatMap((d) => [`- \`${d.bug}\`: ${d.by.length ? d.by.map((n) => `\`${n.split(' :: ')[1]}\``).join(', ') : 'nothing failed'}`]);
  return [
    '# List bugs: what only the list checks see',
    '',
    `Run ${started}, ${Math.round(wallS)} s, by \`tsx bench/list-zoo.ts\` (bench/list-zoo.ts), one sandbox, the bug's service restarted with BUG set per variant; our suites only: the generated ones of the bug's service and every hand-written suite of tests/.`,
    '',
    `Correct platform (BUG unset), every suite: ${clean.total} tests, ${clean.failed} failed${clean.failedNames.length ? ` (${clean.failedNames.slice(0, 3).join('; ')})` : ''}.`,
    '',
    `**${alone}/${res.detection.length}** list bugs caught by the list checks alone. Each column counts the tests that fail on the variant and pass on the correct platform: the generated baseline cases and chains of the bug's service, the hand-written suites of tests/, and the generated list checks.`,
    '',
    mdTable(['bug', 'operation', 'category', 'baselines + chains failing', 'tests/ failing', 'list checks failing', 'verdict'], rows),
    '',
    '### Which tests failed on each variant',
    '',
    ...which,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const only = process.argv.includes('--bugs') ? process.argv[process.argv.indexOf('--bugs') + 1]?.split(',') : undefined;
  const bugs = only ? LIST_BUGS.filter((b) => only.includes(b.id)) : LIST_BUGS;
  const started = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const t0 = performance.now();
  const res = await runZoo({ bugs, peers: [], zooPeers: [], concurrentPeers: false });
  const md = render(res, started, (performance.now() - t0) / 1000);
  writeFileSync(join(RESULTS, 'bug-zoo-lists.md'), md);
  writeFileSync(join(RESULTS, 'bug-zoo-lists.raw.json'), `${JSON.stringify(res, null, 2)}\n`);
  log(`[list-zoo] wrote bench/results/bug-zoo-lists.md`);
  process.stdout.write(md);
}

main().catch((err: unknown) => {
  console.error((err as Error).stack ?? String(err));
  process.exit(1);
});
