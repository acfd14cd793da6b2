import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import Ajv from 'ajv';
import type { HarnessConfig, ResolvedConfig } from './config-types';

export type { Expectation, HarnessConfig, ResolvedConfig, ResolvedServiceConfig, ServiceConfig } from './config-types';

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

const REPO_ROOT = resolve(__dirname, '..');

const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['services'],
  properties: {
    $schema: { type: 'string' },
    outDir: { type: 'string', minLength: 1 },
    reportsDir: { type: 'string', minLength: 1 },
    sandbox: { type: 'boolean' },
    services: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'spec'],
        properties: {
          name: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' },
          spec: { type: 'string', minLength: 1 },
          baseUrl: { type: 'string', pattern: '^https?://' },
          emptyBaseUrl: { type: 'string', pattern: '^https?://' },
          headers: { type: 'object', additionalProperties: { type: 'string' } },
          bindings: {
            type: 'object',
            additionalProperties: { type: ['string', 'number', 'boolean'] },
          },
          expect: {
            type: 'object',
            propertyNames: { pattern: '^(\\*|[A-Za-z]+ /.*|[^ ]+)$' },
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              minProperties: 1,
              properties: {
                skip: { type: 'string', minLength: 1 },
                // a 5xx is never an expectation: the harness always fails it
                ok: { type: 'string', pattern: '^[1-4](\\d\\d|XX)$' },
                'not-found': { type: 'string', pattern: '^[1-4](\\d\\d|XX)$' },
                invalid: { type: 'string', pattern: '^[1-4](\\d\\d|XX)$' },
                ignore: { type: 'array', items: { type: 'string', pattern: '^/' } },
                reason: { type: 'string', minLength: 1 },
              },
            },
          },
        },
      },
    },
  },
} as const;

const validateConfig = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile<HarnessConfig>(configSchema);

/** The config file in force: `HARNESS_CONFIG` if set (relative to the working directory), else the root `harness.config.ts`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.HARNESS_CONFIG ? resolve(process.cwd(), env.HARNESS_CONFIG) : resolve(REPO_ROOT, 'harness.config.ts');
}

function readRawConfig(file: string): unknown {
  if (!existsSync(file)) throw new ConfigError(file, '', 'config file not found');
  const ext = extname(file);
  if (ext === '.json') {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(file, '', `not valid JSON: ${(err as Error).message}`);
    }
  }
  if (ext === '.ts' || ext === '.js' || ext === '.cjs') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as { default?: unknown };
    return mod.default ?? mod;
  }
  throw new ConfigError(file, '', `unsupported config type "${ext}" (use .ts or .json)`);
}

/** Load, validate and resolve the config. Throws ConfigError naming the file and the JSON pointer. */
export function loadConfig(file: string = configPath()): ResolvedConfig {
  const raw = readRawConfig(file);
  if (!validateConfig(raw)) {
    const first = validateConfig.errors?.[0];
    const pointer = first?.instancePath ?? '';
    const extra =
      first?.keyword === 'additionalProperties' ? ` (${String(first.params.additionalProperty)})` : '';
    throw new ConfigError(file, pointer || '/', `${first?.message ?? 'invalid'}${extra}`);
  }
  const rootDir = dirname(file);
  const seen = new Set<string>();
  raw.services.forEach((svc, i) => {
    if (seen.has(svc.name)) throw new ConfigError(file, `/services/${i}/name`, `duplicate service name "${svc.name}"`);
    seen.add(svc.name);
  });
  const sandbox = raw.sandbox ?? true;
  raw.services.forEach((svc, i) => {
    if (!sandbox && !svc.baseUrl) throw new ConfigError(file, `/services/${i}/baseUrl`, 'required when "sandbox" is false');
  });
  return {
    file,
    rootDir,
    outDir: resolve(rootDir, raw.outDir ?? 'generated'),
    reportsDir: resolve(rootDir, raw.reportsDir ?? 'reports'),
    sandbox,
    services: raw.services.map((svc) => ({
      ...svc,
      spec: resolve(rootDir, svc.spec),
      headers: svc.headers ?? {},
      bindings: svc.bindings ?? {},
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
