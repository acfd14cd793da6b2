import type { HarnessConfig } from './harness/config-types';

/** The reference platform: four services brought up by the sandbox (see infra/). */
const config: HarnessConfig = {
  outDir: 'generated',
  reportsDir: 'reports',
  sandbox: true,
  services: [
    { name: 'query', spec: 'openapi/query.yaml' },
    { name: 'registry', spec: 'openapi/registry.yaml' },
    { name: 'risk', spec: 'openapi/risk.yaml' },
    { name: 'trading', spec: 'openapi/trading.yaml' },
  ],
};

export default config;
