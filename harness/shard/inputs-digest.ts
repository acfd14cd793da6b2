import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ResolvedConfig } from '../config-types';

/**
 * What a shard's results were made from, per service: the spec file and the generated folder
 * (manifest, cases, client, types), each as a SHA-256. Shards of one run generate the same
 * files from the same specs (generation is byte-deterministic), so fragments whose digests differ
 * come from different commits or a stale `generated/`, and joining them would count one run's
 * calls against another run's manifests.
 */

export interface ServiceDigest {
  service: string;
  /** SHA-256 of the spec file as the config names it. */
  spec: string;
  /** SHA-256 over every file of `<outDir>/<service>/`: relative path and bytes, in path order. */
  generated: string;
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(full);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** The digest of one generated folder: a missing folder digests as empty, which no generated one matches. */
export function digestFolder(dir: string): string {
  const hash = createHash('sha256');
  for (const file of listFiles(dir)) {
    const rel = relative(dir, file).split(sep).join('/');
    hash.update(`${rel}\u0000${sha256(readFileSync(file))}\n`);
  }
  return hash.digest('hex');
}

export function digestInputs(config: Pick<ResolvedConfig, 'outDir' | 'services'>): ServiceDigest[] {
  return config.services.map((s) => ({
    service: s.name,
    spec: existsSync(s.spec) ? sha256(readFileSync(s.spec)) : 'missing',
    generated: digestFolder(join(config.outDir, s.name)),
  }));
}
