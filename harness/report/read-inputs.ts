import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ListOverride, Manifest, ManifestCase, ManifestChain, ManifestListCheck, ManifestOperation, RecordedCall, RecordedSkip } from './report-types';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface RecordedCalls {
  calls: RecordedCall[];
  /** Lines that are not a version-1 call (a worker killed mid-write leaves half a line). */
  malformedLines: number;
}

function parseCall(line: string): RecordedCall | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(raw) || raw.v !== 1) return undefined;
  const { service, operationId, method, path, status, durationMs } = raw;
  if (typeof service !== 'string' || typeof operationId !== 'string' || typeof method !== 'string' || typeof path !== 'string') return undefined;
  if (typeof status !== 'number' || typeof durationMs !== 'number') return undefined;
  const call: RecordedCall = {
    v: 1,
    service,
    operationId,
    method: method.toUpperCase(),
    path,
    status,
    durationMs,
    testFile: typeof raw.testFile === 'string' ? raw.testFile : '',
    testName: typeof raw.testName === 'string' ? raw.testName : '',
    phase: raw.phase === 'empty' ? 'empty' : 'seeded',
  };
  if (typeof raw.fault === 'string' && raw.fault !== '') call.fault = raw.fault;
  if (raw.instance === 'private') call.instance = 'private';
  return call;
}

/** The non-empty lines of every `<prefix>-*.jsonl` in the folder, in file-name order. A missing folder has none. */
function jsonLines(callsDir: string, prefix: string): string[] {
  if (!existsSync(callsDir)) return [];
  const files = readdirSync(callsDir).filter((n) => n.startsWith(`${prefix}-`) && n.endsWith('.jsonl')).sort();
  return files.flatMap((file) => readFileSync(join(callsDir, file), 'utf8').split('\n').filter((line) => line.trim()));
}

/** Every `calls-*.jsonl` in the folder (contract 4), in file-name order. A missing folder is no calls. */
export function readRecordedCalls(callsDir: string): RecordedCalls {
  const calls: RecordedCall[] = [];
  let malformedLines = 0;
  for (const line of jsonLines(callsDir, 'calls')) {
    const call = parseCall(line);
    if (call) calls.push(call);
    else malformedLines += 1;
  }
  return { calls, malformedLines };
}

function parseOverride(raw: unknown): Pick<ManifestCase, 'override'> {
  if (!isRecord(raw) || typeof raw.by !== 'string') return {};
  return { override: { by: raw.by, ...(typeof raw.reason === 'string' ? { reason: raw.reason } : {}) } };
}

/** Every `skips-*.jsonl` in the folder: generated cases declared skipped at run time, with the reason. */
export function readRuntimeSkips(callsDir: string): RecordedSkip[] {
  const skips: RecordedSkip[] = [];
  for (const line of jsonLines(callsDir, 'skips')) {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      continue; // a half-written line
    }
    if (isRecord(raw) && raw.v === 1 && typeof raw.service === 'string' && typeof raw.testName === 'string' && typeof raw.reason === 'string') {
      skips.push({ v: 1, service: raw.service, testFile: typeof raw.testFile === 'string' ? raw.testFile : '', testName: raw.testName, reason: raw.reason });
    }
  }
  return skips;
}

/** Parse and check one manifest (contract 5). Errors name the file and the field. */
export function parseManifest(text: string, file: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`manifest ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(raw) || typeof raw.service !== 'string' || !Array.isArray(raw.operations)) {
    throw new Error(`manifest ${file}: expected {"service": string, "operations": [...]}`);
  }
  const operations = raw.operations.map((op: unknown, i): ManifestOperation => {
    const at = `manifest ${file}: /operations/${i}`;
    if (!isRecord(op) || typeof op.operationId !== 'string' || typeof op.method !== 'string' || typeof op.path !== 'string') {
      throw new Error(`${at}: operationId, method and path must be strings`);
    }
    if (!Array.isArray(op.statuses) || !op.statuses.every((s) => typeof s === 'string')) throw new Error(`${at}/statuses: must be an array of strings`);
    const cases = Array.isArray(op.cases) ? op.cases.filter(isRecord) : [];
    return {
      operationId: op.operationId,
      method: op.method.toUpperCase(),
      path: op.path,
      statuses: op.statuses as string[],
      cases: cases.map((c) => ({
        kind: String(c.kind ?? ''),
        status: String(c.status ?? ''),
        name: String(c.name ?? ''),
        ...(typeof c.skipped === 'string' ? { skipped: c.skipped } : {}),
        ...parseOverride(c.override),
      })),
    };
  });
  const resources = Array.isArray(raw.resources) ? raw.resources.filter(isRecord).map((r) => ({ collection: String(r.collection ?? '') })) : undefined;
  const chains = Array.isArray(raw.chains) ? raw.chains.filter(isRecord).map(parseChain) : undefined;
  const lists = Array.isArray(raw.lists) ? raw.lists.filter(isRecord).map(parseListCheck) : undefined;
  const listOverrides = Array.isArray(raw.listOverrides) ? raw.listOverrides.filter(isRecord).map(parseListOverride) : undefined;
  return { service: raw.service, operations, ...(resources ? { resources } : {}), ...(chains ? { chains } : {}), ...(lists ? { lists } : {}), ...(listOverrides ? { listOverrides } : {}) };
}

function parseListCheck(c: Record<string, unknown>): ManifestListCheck {
  return {
    name: String(c.name ?? ''),
    kind: String(c.kind ?? ''),
    check: String(c.check ?? ''),
    operationId: String(c.operationId ?? ''),
    param: String(c.param ?? ''),
    ...(typeof c.skipped === 'string' ? { skipped: c.skipped } : {}),
  };
}

function parseListOverride(o: Record<string, unknown>): ListOverride {
  return {
    operationId: String(o.operationId ?? ''),
    param: String(o.param ?? ''),
    ...(typeof o.of === 'string' ? { of: o.of } : {}),
    ...(typeof o.meaning === 'string' ? { meaning: o.meaning } : {}),
    by: String(o.by ?? ''),
    reason: String(o.reason ?? ''),
  };
}

function parseChain(c: Record<string, unknown>): ManifestChain {
  const ignored = Array.isArray(c.ignored) ? c.ignored.filter(isRecord).map((i) => ({ pointer: String(i.pointer ?? ''), by: String(i.by ?? '') })) : [];
  return {
    name: String(c.name ?? ''),
    kind: String(c.kind ?? ''),
    oracle: String(c.oracle ?? ''),
    resource: String(c.resource ?? ''),
    operations: Array.isArray(c.operations) ? c.operations.map(String) : [],
    ...(typeof c.skipped === 'string' ? { skipped: c.skipped } : {}),
    ...(ignored.length ? { ignored } : {}),
  };
}

export interface LoadedManifests {
  manifests: Manifest[];
  /** Services named by the config whose manifest does not exist (not generated yet). */
  missing: string[];
}

/** `<outDir>/<service>/manifest.json` for each service, in the given order. */
export function readManifests(outDir: string, services: string[]): LoadedManifests {
  const manifests: Manifest[] = [];
  const missing: string[] = [];
  for (const name of services) {
    const file = join(outDir, name, 'manifest.json');
    if (!existsSync(file)) {
      missing.push(name);
      continue;
    }
    manifests.push(parseManifest(readFileSync(file, 'utf8'), file));
  }
  return { manifests, missing };
}
