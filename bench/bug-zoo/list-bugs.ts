/**
 * List bugs (issue 16): variants of the reference platform whose lists answer every single
 * request with a schema-valid array, so the baseline cases, the chains and the hand-written
 * suites pass, while a filter, the page size, the offset or the parent means nothing or the wrong
 * thing. Only the generated list checks (harness/runtime/list-checks.ts) see them; each is a
 * wrapper over the real handler, as every zoo bug is (bugs.ts), and bugs.ts spreads them into BUGS.
 */
import type { Handler } from '../../services/runtime';
import type { Bug } from './bugs';

/** The request pages (a limit or an offset given): the code path a bug below lives in, which a plain list never takes. */
const paged = (query: Record<string, unknown>) => query.limit !== undefined || query.offset !== undefined;

const asNumber = (v: unknown, fallback: number) => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : fallback);

export const LIST_BUGS: Bug[] = [
  {
    id: 'list-filter-ignored',
    service: 'query',
    operationId: 'listRecommendations',
    category: 'a list filter ignored',
    description: 'GET /recommendations?rating=BUY&limit=N ignores the rating filter: the paged query path drops it (unpaged, it filters)',
    needs: 'semantic',
    handlers: {
      listRecommendations: (real) => async (req, ctx) => {
        if (!paged(req.query)) return real(req, ctx);
        const { rating: _ignored, ...query } = req.query;
        return real({ ...req, query }, ctx);
      },
    },
  },
  {
    id: 'nested-filter-ignored',
    service: 'trading',
    operationId: 'listRunOrders',
    category: 'a nested list filter ignored',
    description: "GET /runs/{runId}/orders?status=FILLED&limit=N ignores the status filter and lists the run's every order when paged",
    needs: 'semantic',
    handlers: {
      listRunOrders: (real) => async (req, ctx) => {
        if (!paged(req.query)) return real(req, ctx);
        const { status: _ignored, ...query } = req.query;
        return real({ ...req, query }, ctx);
      },
    },
  },
  {
    id: 'page-size-ignored',
    service: 'query',
    operationId: 'listIngestionRuns',
    category: 'a page size ignored',
    description: 'GET /ingestion/runs?limit=N answers its largest page (100) whatever N is',
    needs: 'semantic',
    handlers: {
      listIngestionRuns: (real) => async (req, ctx) => real({ ...req, query: { ...req.query, limit: 100 } }, ctx),
    },
  },
  {
    id: 'page-size-off-by-one',
    service: 'risk',
    operationId: 'listSnapshots',
    category: 'a page size off by one',
    description: 'GET /snapshots?limit=N answers N + 1 snapshots (a `<=` where `<` was meant)',
    needs: 'semantic',
    handlers: {
      listSnapshots: (real) => async (req, ctx) => (req.query.limit === undefined ? real(req, ctx) : real({ ...req, query: { ...req.query, limit: asNumber(req.query.limit, 50) + 1 } }, ctx)),
    },
  },
  {
    id: 'offset-ignored',
    service: 'trading',
    operationId: 'listMarketPrices',
    category: 'an offset ignored',
    description: 'GET /market-prices?offset=N answers the first page whatever N is',
    needs: 'semantic',
    handlers: {
      listMarketPrices: (real) => async (req, ctx) => real({ ...req, query: { ...req.query, offset: 0 } }, ctx),
    },
  },
  {
    id: 'offset-off-by-one',
    service: 'query',
    operationId: 'listDocuments',
    category: 'an offset off by one',
    description: 'GET /documents?offset=N (N > 0) starts at record N + 2, skipping one (pages counted from 1 and from 0 mixed up)',
    needs: 'semantic',
    handlers: {
      listDocuments: (real) => async (req, ctx) => {
        const offset = asNumber(req.query.offset, 0);
        return real(offset > 0 ? { ...req, query: { ...req.query, offset: offset + 1 } } : req, ctx);
      },
    },
  },
  {
    id: 'nested-list-leak',
    service: 'trading',
    operationId: 'listRunTrades',
    category: "a nested list leaking other parents' children",
    description: "GET /runs/{runId}/trades?limit=N lists every run's trades, each with its own runId: the paged query path lost its WHERE run_id",
    needs: 'semantic',
    handlers: {
      listRunTrades: (real, all) => async (req, ctx) => {
        const own = await real(req, ctx);
        if (!paged(req.query) || !Array.isArray(own.body)) return own;
        const runs = await (all.listRuns as Handler)({ ...req, operationId: 'listRuns', params: {}, query: { limit: 100, offset: 0 } }, ctx);
        const others: unknown[] = [];
        for (const run of Array.isArray(runs.body) ? (runs.body as { id: string }[]) : []) {
          if (run.id === req.params.runId) continue;
          const trades = await real({ ...req, params: { ...req.params, runId: run.id } }, ctx);
          if (Array.isArray(trades.body)) others.push(...trades.body);
        }
        return { ...own, body: [...own.body, ...others].slice(0, asNumber(req.query.limit, 50)) };
      },
    },
  },
];
