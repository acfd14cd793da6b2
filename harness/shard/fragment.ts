import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { TestSummary } from '../jest/coverage-reporter';
import { parseManifest, readRecordedCalls, readRuntimeSkips } from '../report/read-inputs';
import type { Manifest, RecordedCall, RecordedSkip } from '../report/report-types';
import type { ServiceDigest } from './inputs-digest';

/**
 * A shard's fragment: what `gate --shard i/n` writes instead of the final reports, and the one
 * input of `merge`. One folder, `shard-<i>-of-<n>/`, self-contained so that a merge job needs
 * only the downloaded artifacts (no hidden names: upload-artifact leaves dotfiles out):
 *
 * - `fragment.json`: version, shard i/n, the inputs' digests, test counts, verdict, stage times;
 * - `calls/`: the recorded calls and run-time skips (contract 4), as the shard's workers wrote them;
 * - `manifests/<service>.json`: the manifests the shard ran (contract 5);
 * - `junit.xml`: jest-junit's, when Jest got to its reporters.
 */

export const FRAGMENT_FILE = 'fragment.json';

export interface ShardId {
  index: number;
  count: number;
}

export interface FragmentStage {
  name: string;
  ms: number;
  detail?: string;
}

export interface FragmentMeta {
  version: 1;
  shard: ShardId;
  inputs: ServiceDigest[];
  /** Jest's counts; null when Jest did not report (it crashed, or the gate stopped it). */
  tests: TestSummary | null;
  /** The shard's own verdict: its tests passed and nothing stopped the run. */
  passed: boolean;
  /** Why it did not pass beyond failed tests (a service died, Jest exited non-zero). */
  problems: string[];
  wallMs: number;
  stages: FragmentStage[];
}

/** A fragment as merge reads it. */
export interface Fragment {
  dir: string;
  meta: FragmentMeta;
  manifests: Manifest[];
  calls: RecordedCall[];
  malformedLines: number;
  skips: RecordedSkip[];
  junit?: string;
}

/** A fragment that cannot be read: the file and the JSON pointer, like a config error. Exit 2. */
export class FragmentError extends Error {
  constructor(file: string, pointer: string, message: string) {
    super(`${file}${pointer ? `#${pointer}` : ''}: ${message}`);
    this.name = 'FragmentError';
  }
}

/** `i/n` with 1 <= i <= n, as Jest's `--shard` takes it; else a message saying what it must be. */
export function parseShardId(value: string): ShardId {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new Error(`"${value}" is not a shard: give i/n with whole numbers 1 <= i <= n, e.g. 2/3`);
  }
  return { index, count };
}

export const formatShard = (s: ShardId): string => `${s.index}/${s.count}`;
export const fragmentDirName = (s: ShardId): string => `shard-${s.index}-of-${s.count}`;

export interface WriteFragmentOptions {
  dir: string;
  meta: FragmentMeta;
  callsDir: string;
  outDir: string;
  junitFile?: string;
}

/** Write the folder whole or not at all: built beside itself, then renamed into place. */
export function writeFragment(options: WriteFragmentOptions): void {
  const { dir, meta } = options;
  const building = join(dirname(dir), `${basename(dir)}.partial-${process.pid}`);
  rmSync(building, { recursive: true, force: true });
  mkdirSync(join(building, 'calls'), { recursive: true });
  mkdirSync(join(building, 'manifests'), { recursive: true });
  if (existsSync(options.callsDir)) {
    for (const name of readdirSync(options.callsDir)) {
      if (/^(calls|skips)-.*\.jsonl$/.test(name)) copyFileSync(join(options.callsDir, name), join(building, 'calls', name));
    }
  }
  for (const { service } of meta.inputs) {
    const manifest = join(options.outDir, service, 'manifest.json');
    if (existsSync(manifest)) copyFileSync(manifest, join(building, 'manifests', `${service}.json`));
  }
  if (options.junitFile && existsSync(options.junitFile)) copyFileSync(options.junitFile, join(building, 'junit.xml'));
  writeFileSync(join(building, FRAGMENT_FILE), `${JSON.stringify(meta, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseMeta(text: string, file: string): FragmentMeta {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new FragmentError(file, '', `not valid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(raw)) throw new FragmentError(file, '', 'expected an object');
  if (raw.version !== 1) throw new FragmentError(file, '/version', `expected 1, found ${JSON.stringify(raw.version)} (a fragment of another harness version)`);
  const shard = raw.shard;
  if (!isRecord(shard)) throw new FragmentError(file, '/shard', 'expected {"index", "count"}');
  try {
    parseShardId(`${String(shard.index)}/${String(shard.count)}`);
  } catch (err) {
    throw new FragmentError(file, '/shard', (err as Error).message);
  }
  if (!Array.isArray(raw.inputs)) throw new FragmentError(file, '/inputs', 'expected an array of {"service", "spec", "generated"}');
  raw.inputs.forEach((d: unknown, i) => {
    if (!isRecord(d) || typeof d.service !== 'string' || typeof d.spec !== 'string' || typeof d.generated !== 'string') {
      throw new FragmentError(file, `/inputs/${i}`, 'expected {"service", "spec", "generated"} strings');
    }
  });
  if (raw.tests !== null && !(isRecord(raw.tests) && ['passed', 'failed', 'skipped', 'total', 'failedFiles'].every((k) => typeof (raw.tests as Record<string, unknown>)[k] === 'number'))) {
    throw new FragmentError(file, '/tests', 'expected null or {"passed", "failed", "skipped", "total", "failedFiles"} numbers');
  }
  if (typeof raw.passed !== 'boolean') throw new FragmentError(file, '/passed', 'expected a boolean');
  const problems = Array.isArray(raw.problems) ? raw.problems.map(String) : [];
  const stages = Array.isArray(raw.stages) ? raw.stages.filter(isRecord).map((s) => ({ name: String(s.name), ms: Number(s.ms), ...(typeof s.detail === 'string' ? { detail: s.detail } : {}) })) : [];
  return { ...(raw as unknown as FragmentMeta), problems, stages, wallMs: Number(raw.wallMs) || 0 };
}

/** Read one fragment folder; a missing or malformed part is a FragmentError naming it. */
export function readFragment(dir: string): Fragment {
  const file = join(dir, FRAGMENT_FILE);
  if (!existsSync(file)) throw new FragmentError(file, '', `not found: ${dir} is not a shard's fragment (gate --shard i/n writes one)`);
  const meta = parseMeta(readFileSync(file, 'utf8'), file);
  const manifests = meta.inputs.map(({ service }, i) => {
    const path = join(dir, 'manifests', `${service}.json`);
    if (!existsSync(path)) throw new FragmentError(file, `/inputs/${i}`, `service "${service}" has no manifest in ${join(dir, 'manifests')} (it was not generated when the shard ran)`);
    try {
      return parseManifest(readFileSync(path, 'utf8'), path);
    } catch (err) {
      throw new FragmentError(path, '', (err as Error).message);
    }
  });
  const { calls, malformedLines } = readRecordedCalls(join(dir, 'calls'));
  const skips = readRuntimeSkips(join(dir, 'calls'));
  const junitFile = join(dir, 'junit.xml');
  return { dir, meta, manifests, calls, malformedLines, skips, ...(existsSync(junitFile) ? { junit: readFileSync(junitFile, 'utf8') } : {}) };
}
