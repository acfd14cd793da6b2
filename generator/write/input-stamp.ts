import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ResolvedConfig } from '../../harness/config';
import { projectCacheDir } from '../../harness/cache-dir';

/**
 * The input stamp: what the last complete generate read (the resolved config, every spec file it
 * bundled, the generator's own code) and wrote (every output file), as hashes. When all of them
 * still hash the same, nothing can have changed, and `generate` says so without loading a spec,
 * openapi-typescript or anything else of the pipeline. A cache, not an output: it lives in
 * `node_modules/.cache/contract-harness/` (the convention of Babel, ESLint and others), never in
 * the generated folder, so changing the generator's code does not make committed files stale.
 */
const STAMP_VERSION = 1;

export interface InputStamp {
  v: number;
  config: string;
  generator: string;
  inputs: Record<string, string>;
  /** Output path (relative to outDir) -> sha256, for every file the pipeline emitted. */
  outputs: Record<string, string>;
  /** The other .ts/.json files in the services' folders, which that run judged not to be its orphans. */
  foreign: Record<string, string>;
  /** What the full run printed per service and warned, so the quick path says the same. */
  summary: string[];
  warnings: string[];
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hashFile(file: string): string | undefined {
  try {
    return sha256(readFileSync(file));
  } catch {
    return undefined;
  }
}

/** The resolved config as it drives generation (functions and paths included, key order fixed by the resolver). */
function configHash(config: ResolvedConfig): string {
  return sha256(JSON.stringify(config));
}

const GENERATOR_ROOT = resolve(__dirname, '..');
const NOT_CODE = /^(test|corpus|fixtures|golden)$/;
let generatorHash: string | undefined;

/** Every file of the generator's own code and templates (source in the repository, dist/ installed), and the openapi-typescript it drives. */
function hashGenerator(): string {
  if (generatorHash) return generatorHash;
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (!NOT_CODE.test(name)) walk(path);
      } else if (/\.(ts|js|hbs|json)$/.test(name) && !/\.test\.|\.d\.ts$|\.map$/.test(name)) hash.update(`${path.slice(GENERATOR_ROOT.length)}\0`).update(readFileSync(path));
    }
  };
  walk(GENERATOR_ROOT);
  hash.update(hashFile(join(require.resolve('openapi-typescript'), '..', '..', 'package.json')) ?? 'no openapi-typescript');
  generatorHash = hash.digest('hex');
  return generatorHash;
}

/** Where the stamp of one config (and this copy of the generator) lives: the nearest node_modules/.cache above the config, else the system's temporary folder. */
export function stampFile(config: ResolvedConfig): string {
  const cache = projectCacheDir(config.rootDir) ?? join(tmpdir(), 'contract-harness-cache');
  // one stamp per config and per generator copy: the compiled CLI and the sources under tsx each keep their own
  return join(cache, `generate-${sha256(`${config.file}\0${GENERATOR_ROOT}`).slice(0, 16)}.json`);
}

/** The .ts/.json files in the services' folders (where the pipeline looks for orphans), relative to outDir. */
function serviceFolderFiles(config: ResolvedConfig): string[] | undefined {
  const files: string[] = [];
  for (const svc of config.services) {
    try {
      for (const name of readdirSync(join(config.outDir, svc.name)).sort()) if (/\.(ts|json)$/.test(name)) files.push(`${svc.name}/${name}`);
    } catch {
      return undefined;
    }
  }
  return files;
}

/** The outputs as they are on disk: every emitted file's hash, and no file in the services' folders the last run did not see. */
function outputsMatch(config: ResolvedConfig, stamp: InputStamp): boolean {
  const present = serviceFolderFiles(config);
  if (!present) return false;
  const known = { ...stamp.foreign, ...stamp.outputs };
  if (present.length !== Object.keys(known).length) return false;
  return present.every((path) => known[path] !== undefined && hashFile(join(config.outDir, path)) === known[path]);
}

/** The last run's stamp when every input and output still hashes the same; otherwise undefined (run the pipeline). */
export function freshStamp(config: ResolvedConfig): InputStamp | undefined {
  let stamp: InputStamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile(config), 'utf8')) as InputStamp;
  } catch {
    return undefined;
  }
  if (stamp.v !== STAMP_VERSION || stamp.config !== configHash(config) || stamp.generator !== hashGenerator()) return undefined;
  for (const [file, hash] of Object.entries(stamp.inputs)) if (hashFile(file) !== hash) return undefined;
  return outputsMatch(config, stamp) ? stamp : undefined;
}

/** After a run whose outputs are on disk as emitted: remember its inputs and outputs. A cache: failing to write it changes nothing. */
export function writeStamp(config: ResolvedConfig, run: { inputs: string[]; files: { path: string; content: string }[]; summary: string[]; warnings: string[] }): void {
  const inputs: Record<string, string> = {};
  for (const file of [...run.inputs].sort()) {
    const hash = hashFile(file);
    if (hash === undefined) return;
    inputs[file] = hash;
  }
  const outputs = Object.fromEntries(run.files.map((f) => [f.path, sha256(f.content)]));
  const foreign: Record<string, string> = {};
  for (const path of serviceFolderFiles(config) ?? []) {
    if (outputs[path] !== undefined) continue;
    const hash = hashFile(join(config.outDir, path));
    if (hash !== undefined) foreign[path] = hash;
  }
  const stamp: InputStamp = {
    v: STAMP_VERSION,
    config: configHash(config),
    generator: hashGenerator(),
    inputs,
    outputs,
    foreign,
    summary: run.summary,
    warnings: run.warnings,
  };
  const target = stampFile(config);
  try {
    mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(stamp));
    renameSync(tmp, target);
  } catch {
    /* a read-only cache folder: the next run takes the full path */
  }
}
