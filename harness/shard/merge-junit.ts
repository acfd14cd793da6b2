import { FragmentError } from './fragment';

/**
 * One junit.xml from the shards' own: jest-junit writes `<testsuites tests failures errors time>`
 * around one `<testsuite>` per test file, and `<testsuite>` elements never nest, so the merged
 * file is every shard's suites, in shard order, under one root whose counts are the sums (time:
 * the shards' times added, the work done, not the wall time of parallel jobs). The gate's own
 * junit of a stopped run (abortedJunit) has the same shape.
 */

export interface JunitInput {
  /** Where it came from, for errors. */
  file: string;
  xml: string;
}

const COUNTS = ['tests', 'failures', 'errors'] as const;

function rootAttributes(xml: string, file: string): Record<(typeof COUNTS)[number] | 'time', number> {
  const root = /<testsuites\b([^>]*?)\/?>/.exec(xml);
  if (!root) throw new FragmentError(file, '', 'no <testsuites> element (not a jest-junit report)');
  const attrs = root[1] ?? '';
  const read = (name: string): number => Number(new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1] ?? 0) || 0;
  return { tests: read('tests'), failures: read('failures'), errors: read('errors'), time: read('time') };
}

function suites(xml: string): string[] {
  // an empty suite may be self-closing; otherwise up to its own closing tag (attribute values hold no raw '>' in XML from jest-junit)
  return [...xml.matchAll(/[ \t]*<testsuite\b(?:[^>]*\/>|[^>]*>[\s\S]*?<\/testsuite>)/g)].map((m) => m[0]);
}

export function mergeJunit(inputs: readonly JunitInput[]): string {
  const total = { tests: 0, failures: 0, errors: 0, time: 0 };
  const body: string[] = [];
  for (const input of inputs) {
    const attrs = rootAttributes(input.xml, input.file);
    for (const k of [...COUNTS, 'time'] as const) total[k] += attrs[k];
    body.push(...suites(input.xml));
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="jest tests" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" time="${Number(total.time.toFixed(3))}">`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}
