import { join, resolve } from 'node:path';
import { loadConfig, type HarnessConfig, type ResolvedConfig, type ResolvedSandbox } from '../../harness/config';
import { loadDefaultExport } from '../../harness/load-module';

/** The reference platform's own config (the repository's `harness.config.ts`), whatever HARNESS_CONFIG says. */
export const PLATFORM_CONFIG_FILE = resolve(__dirname, '..', '..', 'harness.config.ts');
export const PLATFORM_ROOT = join(PLATFORM_CONFIG_FILE, '..');

export function platformConfig(): ResolvedConfig & { sandbox: ResolvedSandbox } {
  const config = loadConfig(PLATFORM_CONFIG_FILE);
  if (config.sandbox === false) throw new Error(`${PLATFORM_CONFIG_FILE}: the reference platform's config must describe its sandbox`);
  return config as ResolvedConfig & { sandbox: ResolvedSandbox };
}

/** The folder of the platform's SQL migrations, as its config names it. */
export function platformMigrationsDir(): string {
  const step = platformConfig().sandbox.migrations;
  if (step?.kind !== 'sql-dir') throw new Error(`${PLATFORM_CONFIG_FILE}: sandbox.migrations is not a folder of .sql files`);
  return step.path;
}


/**
 * The platform's config as JSON with every path absolute, limited to some services: for tests
 * that write a config file of their own elsewhere (another reports folder, two services only).
 */
export function platformConfigJson(services: string[], extra: Partial<HarnessConfig> = {}): HarnessConfig {
  const raw = loadDefaultExport(PLATFORM_CONFIG_FILE) as HarnessConfig;
  if (raw.sandbox === false) throw new Error(`${PLATFORM_CONFIG_FILE}: the reference platform's config must describe its sandbox`);
  const abs = (p: string) => resolve(PLATFORM_ROOT, p);
  const step = (s: string | { command: string | string[] } | undefined) => (typeof s === 'string' ? abs(s) : s);
  return {
    ...raw,
    sandbox: { ...raw.sandbox, ...(raw.sandbox.migrations ? { migrations: step(raw.sandbox.migrations) } : {}), ...(raw.sandbox.seed ? { seed: step(raw.sandbox.seed) } : {}) },
    services: raw.services
      .filter((s) => services.includes(s.name))
      .map((s) => ({ ...s, spec: abs(s.spec), ...(s.start ? { start: { ...s.start, cwd: abs(s.start.cwd ?? '.') } } : {}) })),
    ...extra,
  };
}
