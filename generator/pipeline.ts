import { basename, join, relative, sep, posix } from 'node:path';
import type { ResolvedConfig } from '../harness/config';
import { emitServiceFiles, type EmittedFile } from './emit/emit-service';
import { generateTypes, hashTypesInput, reuseTypes, typesInputDocument } from './emit/generate-types';
import { buildServiceIr } from './ir/build-ir';
import { loadSpec, type LoadedSpec } from './load/load-spec';
import { planService, type Manifest } from './plan/plan-service';
import { describeChanges, type OperationChange } from './write/describe-changes';
import { diffAgainstDisk, readIfExists, writeChanged } from './write/write-files';

export interface GenerateOptions {
  config: ResolvedConfig;
  /** Compare with disk only; write nothing. */
  check?: boolean;
  /** Produce the files in memory only (golden tests). */
  dryRun?: boolean;
  log?: (line: string) => void;
}

export interface GenerateResult {
  files: EmittedFile[];
  /** Paths (relative to outDir) that differ from disk: written, or stale under `check`. */
  changed: string[];
  orphans: string[];
  changes: OperationChange[];
  warnings: string[];
  /** Services whose types.ts was reused because the input hash matched. */
  typesReused: string[];
  /** Every file the specs were read from, for the input stamp. */
  inputs: string[];
  /** One line per service: its operations and test files. */
  summary: string[];
  timings: Record<string, number>;
}

/** The generator: load -> IR -> plan -> emit -> write, each stage timed. Throws SpecError on a bad spec, before anything is written. */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const { config } = options;
  const log = options.log ?? (() => undefined);
  const timings: Record<string, number> = {};
  const timed = async <T>(stage: string, fn: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    const out = await fn();
    timings[stage] = (timings[stage] ?? 0) + (performance.now() - start);
    return out;
  };

  // Load every spec first: one bad document stops the run before a single file is written.
  const loaded: LoadedSpec[] = [];
  for (const svc of config.services) loaded.push(await timed('load', () => loadSpec(svc.spec)));
  log(`loaded ${loaded.length} spec(s) in ${Math.round(timings.load ?? 0)} ms`);

  const files: EmittedFile[] = [];
  const warnings: string[] = [];
  const typesReused: string[] = [];
  const summary: string[] = [];
  for (const [i, svc] of config.services.entries()) {
    const spec = loaded[i]!;
    const specLabel = relative(config.rootDir, svc.spec).split(sep).join(posix.sep);
    const ir = await timed('ir', () => buildServiceIr(svc.name, spec));
    const plan = await timed('plan', () =>
      planService(ir, {
        service: svc.name,
        bindings: svc.bindings,
        hasEmptyInstance: config.sandbox !== false || svc.emptyBaseUrl !== undefined,
        specLabel,
        ...(svc.expect ? { expectations: { entries: svc.expect, origin: `${basename(config.file)} services[${i}].expect` } } : {}),
      }),
    );
    warnings.push(...(spec.warnings ?? []).map((w) => `${svc.name}: ${specLabel}#${w}`));
    warnings.push(...plan.warnings.map((w) => `${svc.name}: ${w}`));
    files.push(...(await timed('emit', () => emitServiceFiles(plan))));
    const typesDocument = typesInputDocument(spec.document, ir.operations);
    const inputHash = await timed('hash', () => hashTypesInput(typesDocument));
    const previous = readIfExists(join(config.outDir, svc.name, 'types.ts'));
    let types = reuseTypes(previous, inputHash);
    if (types) typesReused.push(svc.name);
    else types = await timed('types', () => generateTypes(typesDocument, specLabel, inputHash, svc.spec));
    files.push({ path: `${svc.name}/types.ts`, content: types });
    summary.push(`${svc.name}: ${ir.operations.length} operations, ${plan.testEntries.length} test file(s) of ${plan.testFiles.length} case module(s)`);
    log(`${summary.at(-1)}${typesReused.includes(svc.name) ? ', types unchanged (openapi-typescript not loaded)' : ''}`);
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const serviceDirs = config.services.map((s) => s.name);
  const diff = options.dryRun ? { changed: [], orphans: [] } : await timed('compare', () => diffAgainstDisk(config.outDir, files, serviceDirs));
  const changes: OperationChange[] = [];
  if (!options.dryRun) {
    for (const svc of config.services) {
      const before = {
        manifest: parseJson<Manifest>(readIfExists(join(config.outDir, svc.name, 'manifest.json'))),
        contract: parseJson<unknown>(readIfExists(join(config.outDir, svc.name, 'contract.json'))),
      };
      const after = {
        manifest: parseJson<Manifest>(files.find((f) => f.path === `${svc.name}/manifest.json`)?.content),
        contract: parseJson<unknown>(files.find((f) => f.path === `${svc.name}/contract.json`)?.content),
      };
      changes.push(...describeChanges(svc.name, before, after));
    }
  }
  if (!options.check && !options.dryRun) await timed('write', () => writeChanged(config.outDir, files, diff));
  return { files, changed: diff.changed, orphans: diff.orphans, changes, warnings, typesReused, inputs: loaded.flatMap((spec) => spec.files), summary, timings };
}


function parseJson<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
