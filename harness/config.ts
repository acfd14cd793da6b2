import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import type { default as Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { installedVersion, schemaCacheNear } from './schema-cache';
import type { CommandLineConfig, HarnessConfig, SandboxConfig, StartConfig } from './config-schema';
import type { ResolvedConfig, ResolvedSandbox, ResolvedStart, ResolvedStep } from './config-types';
import { loadDefaultExport } from './load-module';
import { PLACEHOLDERS, unknownPlaceholder } from './placeholders';

export { defineConfig } from './config-types';
export type {
  Expectation,
  HarnessConfig,
  ResolvedConfig,
  ResolvedSandbox,
  ResolvedServiceConfig,
  ResolvedStart,
  ResolvedStep,
  SandboxConfig,
  ServiceConfig,
  StartConfig,
} from './config-types';

/** A config problem: the file and the JSON pointer of what is wrong. CLIs exit 2 on it. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly pointer: string,
    message: string,
  ) {
    super(`${file}${pointer ? `#${pointer}` : ''}: ${message}`);
    this.name = 'ConfigError';
  }
}

const CONFIG_AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true } as const;
let configValidator: ValidateFunction<HarnessConfig> | undefined;

/** The config schema's validator, compiled on first use (every test file imports this module) or loaded from the schema cache. */
function validateConfig(value: unknown): value is HarnessConfig {
  if (!configValidator) {
    // TypeBox and ajv only to compile: the salt is the schema module's own text, so a worker
    // whose cache has the validator loads neither
    /* eslint-disable @typescript-eslint/no-require-imports */
    const schema = () => (require('./config-schema') as typeof import('./config-schema')).HarnessConfigSchema;
    const ajv = () => new (require('ajv') as typeof import('ajv')).default({ ...CONFIG_AJV_OPTIONS, code: { source: true } }) as Ajv;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const salt = `${JSON.stringify(CONFIG_AJV_OPTIONS)}\0${installedVersion('@sinclair/typebox')}\0${readFileSync(require.resolve('./config-schema').replace(/\?.*$/, ''), 'utf8')}`;
    const cache = schemaCacheNear(__dirname, salt);
    configValidator = (cache ? cache.compile('config', ajv, schema) : ajv().compile(schema())) as ValidateFunction<HarnessConfig>;
  }
  return configValidator(value);
}

/** The config file in force: `HARNESS_CONFIG` if set, else `harness.config.ts` in the working directory (`.json` if only that exists). */
export function configPath(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  if (env.HARNESS_CONFIG) return resolve(cwd, env.HARNESS_CONFIG);
  const ts = resolve(cwd, 'harness.config.ts');
  const json = resolve(cwd, 'harness.config.json');
  return !existsSync(ts) && existsSync(json) ? json : ts;
}

function readRawConfig(file: string): unknown {
  if (!existsSync(file)) throw new ConfigError(file, '', 'config file not found (run `contract-harness init`, or set HARNESS_CONFIG)');
  const ext = extname(file);
  if (ext === '.json') {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(file, '', `not valid JSON: ${(err as Error).message}`);
    }
  }
  if (['.ts', '.mts', '.cts', '.js', '.cjs', '.mjs'].includes(ext)) {
    try {
      return loadDefaultExport(file);
    } catch (err) {
      throw new ConfigError(file, '', `could not be loaded: ${(err as Error).message}`);
    }
  }
  throw new ConfigError(file, '', `unsupported config type "${ext}" (use .ts, .js or .json)`);
}

/** The one message for the first schema error: where, what, and what to write instead where we know. */
function describeSchemaError(raw: unknown, errors: ErrorObject[]): { pointer: string; message: string } {
  const sandbox = (raw as { sandbox?: unknown } | null)?.sandbox;
  if (sandbox === true) {
    return {
      pointer: '/sandbox',
      message:
        '"sandbox": true is gone: say how to build the databases and start each service, e.g. "sandbox": { "migrations": "db/migrations", "seed": "seed/seed.sql" } and per service "start": { "command": ["node", "main.js"], "env": { "DATABASE_URL": "{databaseUrl}", "PORT": "{port}" } }; or "sandbox": false with a baseUrl per service',
    };
  }
  // a union reports every branch; the most specific error is the deepest one
  const first = [...errors].sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length)[0];
  if (first?.keyword === 'required' && first.instancePath === '' && first.params.missingProperty === 'sandbox') {
    return { pointer: '/sandbox', message: 'required: false (the services already run; a baseUrl per service) or an object (the harness runs them: migrations, seed, and a start command per service)' };
  }
  const extra = first?.keyword === 'additionalProperties' ? ` (${String(first.params.additionalProperty)})` : '';
  return { pointer: first?.instancePath || '/', message: `${first?.message ?? 'invalid'}${extra}` };
}

const splitCommand = (command: CommandLineConfig): string[] => (typeof command === 'string' ? command.trim().split(/\s+/) : command);

const KNOWN_PLACEHOLDERS = PLACEHOLDERS.map((p) => `{${p}}`).join(' ');

/**
 * Refuse a `{name}` that is no placeholder, at the pointer of the string that holds it;
 * `services`: the configured names a `{baseUrl.<service>}` may name (none in migration and seed commands).
 */
function checkPlaceholders(file: string, pointer: string, value: string, services: readonly string[] = []): void {
  const unknown = unknownPlaceholder(value, services);
  if (unknown) {
    const why = unknown.startsWith('{baseUrl.') ? `names no configured service (${services.join(', ') || 'none here'})` : `(known: ${KNOWN_PLACEHOLDERS})`;
    throw new ConfigError(file, pointer, `unknown placeholder ${unknown} ${why}`);
  }
}

function checkCommandPlaceholders(file: string, pointer: string, command: CommandLineConfig, services: readonly string[] = []): void {
  if (typeof command === 'string') checkPlaceholders(file, pointer, command, services);
  else command.forEach((arg, i) => checkPlaceholders(file, `${pointer}/${i}`, arg, services));
}

function resolveStep(file: string, rootDir: string, step: string | { command: CommandLineConfig }, pointer: string, kind: 'migrations' | 'seed'): ResolvedStep {
  if (typeof step === 'object') {
    checkCommandPlaceholders(file, `${pointer}/command`, step.command);
    return { kind: 'command', argv: splitCommand(step.command), pointer: `${pointer}/command` };
  }
  const path = resolve(rootDir, step);
  if (!existsSync(path)) throw new ConfigError(file, pointer, `${kind === 'migrations' ? 'migrations folder' : 'seed file'} not found: ${path}`);
  if (kind === 'migrations') {
    if (!statSync(path).isDirectory()) throw new ConfigError(file, pointer, `not a folder of .sql files: ${path} (or write { "command": "..." })`);
    return { kind: 'sql-dir', path, pointer };
  }
  if (/\.sql$/i.test(path)) return { kind: 'sql-file', path, pointer };
  if (/\.[cm]?[jt]s$/.test(path)) return { kind: 'module', path, pointer };
  throw new ConfigError(file, pointer, `a seed is a .sql file, a .ts/.js module or { "command": "..." }: ${path}`);
}

function resolveSandbox(file: string, rootDir: string, sandbox: SandboxConfig): ResolvedSandbox {
  return {
    ...(sandbox.migrations !== undefined ? { migrations: resolveStep(file, rootDir, sandbox.migrations, '/sandbox/migrations', 'migrations') } : {}),
    ...(sandbox.seed !== undefined ? { seed: resolveStep(file, rootDir, sandbox.seed, '/sandbox/seed', 'seed') } : {}),
    readyTimeoutMs: sandbox.readyTimeoutMs ?? 60_000,
  };
}

function resolveStart(file: string, rootDir: string, start: StartConfig, pointer: string, services: readonly string[]): ResolvedStart {
  const command = splitCommand(start.command);
  if (command.length === 0 || command[0] === '') throw new ConfigError(file, `${pointer}/command`, 'empty command');
  checkCommandPlaceholders(file, `${pointer}/command`, start.command, services);
  const env = start.env ?? {};
  for (const [key, value] of Object.entries(env)) checkPlaceholders(file, `${pointer}/env/${escapePointer(key)}`, value, services);
  const cwd = resolve(rootDir, start.cwd ?? '.');
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) throw new ConfigError(file, `${pointer}/cwd`, `no such folder: ${cwd}`);
  return { command, cwd, env, health: start.health ?? '/health', pointer };
}

/** One key as a JSON pointer token (RFC 6901: ~ as ~0, / as ~1). */
export const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Load, validate and resolve the config. Throws ConfigError naming the file and the JSON pointer. */
export function loadConfig(file: string = configPath()): ResolvedConfig {
  const raw = readRawConfig(file);
  if (!validateConfig(raw)) {
    const { pointer, message } = describeSchemaError(raw, configValidator?.errors ?? []);
    throw new ConfigError(file, pointer, message);
  }
  const rootDir = dirname(file);
  const seen = new Set<string>();
  raw.services.forEach((svc, i) => {
    if (seen.has(svc.name)) throw new ConfigError(file, `/services/${i}/name`, `duplicate service name "${svc.name}"`);
    seen.add(svc.name);
    if (raw.sandbox === false && !svc.baseUrl) throw new ConfigError(file, `/services/${i}/baseUrl`, 'required when "sandbox" is false');
    if (raw.sandbox !== false && !svc.start) {
      throw new ConfigError(file, `/services/${i}/start`, 'required when the sandbox runs the services: { "command": [...], "env": { "PORT": "{port}", "DATABASE_URL": "{databaseUrl}" } }');
    }
  });
  return {
    file,
    rootDir,
    outDir: resolve(rootDir, raw.outDir ?? 'generated'),
    reportsDir: resolve(rootDir, raw.reportsDir ?? 'reports'),
    sandbox: raw.sandbox === false ? false : resolveSandbox(file, rootDir, raw.sandbox),
    services: raw.services.map(({ start, ...svc }, i) => ({
      ...svc,
      spec: resolve(rootDir, svc.spec),
      headers: svc.headers ?? {},
      bindings: svc.bindings ?? {},
      ...(start && raw.sandbox !== false ? { start: resolveStart(file, rootDir, start, `/services/${i}/start`, raw.services.map((s) => s.name)) } : {}),
    })),
  };
}

/**
 * Expand `${NAME}` from the environment, at run time only. A missing variable is an error that
 * names it, never an empty string sent silently.
 */
export function expandEnv(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) throw new Error(`environment variable ${name} is not set (needed by a header in the harness config)`);
    return v;
  });
}

/** Names of the environment variables a header template uses: their values are secrets to mask. */
export function envNamesIn(value: string): string[] {
  return [...value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] as string);
}
