import { resolve } from 'node:path';
import type { ServiceDefinition } from '../runtime';
import { getCompanyOverview, listCompanyCompetitors } from './handlers/companies';
import { getDocument, listDocuments } from './handlers/documents';
import { getIngestionRun, getIngestionSummary, listIngestionRuns } from './handlers/ingestion';
import { getPortfolioSummary } from './handlers/portfolio';
import { getRecommendation, listRecommendations } from './handlers/recommendations';

/**
 * The query service: read-only views across the platform (openapi/query.yaml). It owns
 * documents, recommendations and ingestion_runs, and reads the registry, risk and trading tables.
 * `GET /health` is answered by the runtime.
 */
export const service: ServiceDefinition = {
  name: 'query',
  specFile: resolve(__dirname, '..', '..', 'openapi', 'query.yaml'),
  handlers: {
    getCompanyOverview,
    listCompanyCompetitors,
    listDocuments,
    getDocument,
    listRecommendations,
    getRecommendation,
    getPortfolioSummary,
    getIngestionSummary,
    listIngestionRuns,
    getIngestionRun,
  },
};
