import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RenderedRun } from './render-run';

/** The YAML of one file: a header, then one document per manifest, as kubectl reads them. */
export function fileYaml(runId: string, manifests: { toJSON(): unknown }[]): string {
  const docs = manifests.map((m) => stringify(m.toJSON(), { lineWidth: 0 }));
  return `# contract-harness k8s render, run ${runId}: generated, do not edit\n${docs.map((d) => `---\n${d}`).join('')}`;
}

/** Every file of the run by name, run.env last. */
export function runFiles(run: RenderedRun, runId: string): [string, string][] {
  return [...run.files.map((f): [string, string] => [f.name, fileYaml(runId, f.manifests)]), ['run.env', run.runEnv]];
}

/** Write the files into `dir`, each whole or not at all (a temporary file renamed over it). */
export function writeRunFiles(dir: string, files: [string, string][]): void {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  try {
    for (const [name, text] of files) {
      const tmp = join(dir, `.${name}.${process.pid}.tmp`);
      writeFileSync(tmp, text);
      written.push(tmp);
    }
    files.forEach(([name], i) => renameSync(written[i] as string, join(dir, name)));
  } finally {
    for (const tmp of written) rmSync(tmp, { force: true });
  }
}
