import { resolve } from 'node:path';
import type { ServiceDefinition } from '../runtime';
import { aliasHandlers } from './handlers/aliases';
import { companyHandlers } from './handlers/companies';
import { competitorHandlers } from './handlers/competitors';
import { memberHandlers } from './handlers/members';
import { sourceHandlers } from './handlers/sources';
import { watchlistHandlers } from './handlers/watchlists';

/**
 * The symbol registry (openapi/registry.yaml): companies, their aliases, sources and competitor
 * links, and watchlists with their members. `GET /health` is answered by the runtime.
 */
export const service: ServiceDefinition = {
  name: 'registry',
  specFile: resolve(__dirname, '..', '..', 'openapi', 'registry.yaml'),
  handlers: {
    ...companyHandlers,
    ...aliasHandlers,
    ...sourceHandlers,
    ...watchlistHandlers,
    ...memberHandlers,
    ...competitorHandlers,
  },
};
