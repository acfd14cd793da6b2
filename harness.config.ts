// In this repository the reference config imports the harness from source: Jest's globalSetup
// requires it with Node's own resolution, where `contract-harness` means the built dist/, which a
// clean clone does not have. A user's config imports from 'contract-harness' (see `init`).
import { defineConfig } from './harness/config-types';

/** Where a service finds those it calls: trading asks risk before every order (its instance of the same phase). */
const DEPENDENCIES: Record<string, Record<string, string>> = { trading: { RISK_BASE_URL: '{baseUrl.risk}' } };

/**
 * The reference platform: four services after the seeds' trading platform, brought up by the
 * sandbox from these keys alone, as any user's platform is.
 */
const service = (name: string) => ({
  name,
  spec: `openapi/${name}.yaml`,
  start: {
    // node with tsx's CommonJS hook: one process each, half the start-up CPU of `--import tsx`
    command: ['node', '--require', 'tsx/cjs', `services/${name}/main.ts`],
    env: { DATABASE_URL: '{databaseUrl}', PORT: '{port}', HOST: '{host}', PG_POOL_MAX: '{poolMax}', SERVICE_NAME: name, ...DEPENDENCIES[name] },
    health: '/health',
  },
});

export default defineConfig({
  outDir: 'generated',
  reportsDir: 'reports',
  sandbox: {
    migrations: 'infra/migrations',
    seed: 'seed/seed.ts',
    readyTimeoutMs: 60_000,
  },
  services: ['query', 'registry', 'risk', 'trading'].map(service),
});
