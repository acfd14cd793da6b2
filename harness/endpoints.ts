import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DeadPostgresEntry as DeadPostgres, DeadServiceEntry as DeadService } from '../infra/sandbox-state';
import type { ResolvedConfig } from './config-types';

/**
 * Where the services under test answer, and whether they are still alive.
 *
 * Contract 2 (sandbox endpoints and status files) and contract 3 (environment of the test
 * workers): `HARNESS_ENDPOINTS` names the endpoints file written by the sandbox; when it is
 * absent the config's `baseUrl`/`emptyBaseUrl` are used. `HARNESS_SANDBOX_STATUS` names the
 * status file (liveness); `HARNESS_CALLS_DIR` the folder for recorded calls.
 */

export interface ServiceEndpoints {
  baseUrl: string;
  emptyBaseUrl?: string;
}

export interface EndpointsFile {
  databaseUrl: string;
  services: Record<string, ServiceEndpoints>;
  /** Optional (a sandbox writes it): the server's admin URL, for a private platform's own database. */
  adminUrl?: string;
  /** Optional (a sandbox writes it): the template databases the run's databases were cloned from. */
  templates?: { migrated: string; seeded: string };
}

// status.json's entries, as the sandbox writes them (infra/sandbox-state.ts owns their shape)
export type { DeadServiceEntry as DeadService, DeadPostgresEntry as DeadPostgres } from '../infra/sandbox-state';

export interface SandboxStatus {
  pid: number;
  state: 'starting' | 'ready' | 'stopping' | 'failed';
  /** Service instances that died (never Postgres: that is `deadPostgres`). */
  dead: DeadService[];
  deadPostgres?: DeadPostgres;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${what} ${file} cannot be read: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${what} ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Read and check the sandbox endpoints file (contract 2). Errors name the file and the field. */
export function readEndpointsFile(file: string): EndpointsFile {
  const raw = readJson(file, 'endpoints file');
  if (!isRecord(raw) || !isRecord(raw.services)) throw new Error(`endpoints file ${file}: "services" must be an object`);
  const services: Record<string, ServiceEndpoints> = {};
  for (const [name, value] of Object.entries(raw.services)) {
    if (!isRecord(value) || typeof value.baseUrl !== 'string') {
      throw new Error(`endpoints file ${file}: services.${name}.baseUrl must be a string`);
    }
    const entry: ServiceEndpoints = { baseUrl: value.baseUrl };
    if (typeof value.emptyBaseUrl === 'string') entry.emptyBaseUrl = value.emptyBaseUrl;
    services[name] = entry;
  }
  const out: EndpointsFile = { databaseUrl: typeof raw.databaseUrl === 'string' ? raw.databaseUrl : '', services };
  if (raw.adminUrl !== undefined) {
    if (typeof raw.adminUrl !== 'string') throw new Error(`endpoints file ${file}: adminUrl must be a string`);
    out.adminUrl = raw.adminUrl;
  }
  if (raw.templates !== undefined) {
    const t = raw.templates;
    if (!isRecord(t) || typeof t.seeded !== 'string' || typeof t.migrated !== 'string') throw new Error(`endpoints file ${file}: templates must be {"migrated", "seeded"}, two database names`);
    out.templates = { migrated: t.migrated, seeded: t.seeded };
  }
  return out;
}

/**
 * The endpoints of every configured service: from `HARNESS_ENDPOINTS` when set (a service
 * missing there falls back to its config entry), else from the config. Throws naming the first
 * service that has no base URL at all.
 */
export function resolveEndpoints(config: ResolvedConfig, env: NodeJS.ProcessEnv = process.env): Record<string, ServiceEndpoints> {
  // a sandbox whose Postgres died has stopped and removed its endpoints: say why, not ENOENT
  if (env.HARNESS_ENDPOINTS) assertPostgresAlive(env.HARNESS_SANDBOX_STATUS);
  const fromFile = env.HARNESS_ENDPOINTS ? readEndpointsFile(env.HARNESS_ENDPOINTS).services : {};
  const result: Record<string, ServiceEndpoints> = {};
  for (const svc of config.services) {
    const found = fromFile[svc.name];
    const baseUrl = found?.baseUrl ?? svc.baseUrl;
    if (!baseUrl) {
      const where = env.HARNESS_ENDPOINTS ? `neither ${env.HARNESS_ENDPOINTS} nor ${config.file}` : config.file;
      throw new Error(`service "${svc.name}" has no base URL: ${where} names one`);
    }
    const emptyBaseUrl = found ? found.emptyBaseUrl : svc.emptyBaseUrl;
    result[svc.name] = emptyBaseUrl ? { baseUrl, emptyBaseUrl } : { baseUrl };
  }
  return result;
}

/** The sandbox status (contract 2), or undefined when there is no status file to read (yet). */
export function readSandboxStatus(file: string | undefined = process.env.HARNESS_SANDBOX_STATUS): SandboxStatus | undefined {
  if (!file || !existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // written atomically, so this is a file being replaced under us: no info
  }
  if (!isRecord(raw)) return undefined;
  const dead = Array.isArray(raw.dead) ? (raw.dead.filter(isRecord) as unknown as DeadService[]) : [];
  const state = typeof raw.state === 'string' ? (raw.state as SandboxStatus['state']) : 'starting';
  const status: SandboxStatus = { pid: typeof raw.pid === 'number' ? raw.pid : 0, state, dead };
  if (isRecord(raw.deadPostgres)) status.deadPostgres = raw.deadPostgres as unknown as DeadPostgres;
  return status;
}

/** Folder of recorded calls (contract 3/4): `HARNESS_CALLS_DIR`, else `<reportsDir>/.calls`. */
export function resolveCallsDir(config: Pick<ResolvedConfig, 'reportsDir'>, env: NodeJS.ProcessEnv = process.env): string {
  return env.HARNESS_CALLS_DIR ? resolve(env.HARNESS_CALLS_DIR) : resolve(config.reportsDir, '.calls');
}

/** One message naming each dead service instance with the last lines of its log. */
export function describeDeadServices(dead: readonly DeadService[]): string {
  return dead
    .map((d) => {
      const how = d.signal ? `killed by ${d.signal}` : `exit code ${d.exitCode}`;
      return `service "${d.service}" (${d.phase} instance) died (${how}); last log lines:\n${d.logTail}`;
    })
    .join('\n\n');
}

/** One message naming the dead Postgres (its data folder or URL, pid, how it went) with the last lines of its log. */
export function describeDeadPostgres(d: DeadPostgres): string {
  const what = d.kind === 'embedded' ? `the sandbox's Postgres (embedded, data dir ${d.where}${d.pid ? `, pid ${d.pid}` : ''})` : `Postgres at ${d.where} (the existing server the sandbox uses)`;
  const log = d.logFile ? `; last lines of its log ${d.logFile}:\n${d.logTail}` : '; its log is the server\'s own';
  return `${what} died: ${d.reason}; every service that uses it is stopped${log}`;
}

/** Everything that died in the sandbox, Postgres first (it explains the rest); '' when nothing did. */
export function describeSandboxDeaths(status: SandboxStatus | undefined): string {
  if (!status) return '';
  return [status.deadPostgres ? describeDeadPostgres(status.deadPostgres) : '', describeDeadServices(status.dead)].filter(Boolean).join('\n\n');
}

/**
 * Throw when the sandbox reports Postgres dead, or a dead service instance (optionally only the
 * given service): a test then fails at once naming it, instead of waiting for a timeout.
 */
export function assertSandboxAlive(service?: string, file: string | undefined = process.env.HARNESS_SANDBOX_STATUS): void {
  const status = readSandboxStatusIfChanged(file);
  if (!status) return;
  if (status.deadPostgres) throw new Error(describeDeadPostgres(status.deadPostgres));
  const dead = status.dead.filter((d) => service === undefined || d.service === service);
  if (dead.length > 0) throw new Error(describeDeadServices(dead));
}

/** Throw when the sandbox reports Postgres dead: then nothing of the sandbox works any more (its databases, its services, its endpoints file). */
export function assertPostgresAlive(file: string | undefined = process.env.HARNESS_SANDBOX_STATUS): void {
  const dead = readSandboxStatusIfChanged(file)?.deadPostgres;
  if (dead) throw new Error(describeDeadPostgres(dead));
}

let lastStatus: { file: string; ino: number; mtimeMs: number; size: number; status: SandboxStatus | undefined } | undefined;

/**
 * readSandboxStatus, parsed again only when the file is another one: it is written by rename (a
 * new inode), so one stat per call replaces a read and a parse per request (~25 µs of each
 * recorded request went to them).
 */
function readSandboxStatusIfChanged(file: string | undefined): SandboxStatus | undefined {
  if (!file) return undefined;
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) return undefined;
  const same = lastStatus && lastStatus.file === file && lastStatus.ino === st.ino && lastStatus.mtimeMs === st.mtimeMs && lastStatus.size === st.size;
  if (!same) lastStatus = { file, ino: st.ino, mtimeMs: st.mtimeMs, size: st.size, status: readSandboxStatus(file) };
  return lastStatus!.status;
}
