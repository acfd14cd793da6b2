/**
 * The bug zoo: variants of the reference platform, each with exactly one contract bug.
 *
 * A bug is a wrapper over the real ServiceDefinition (services/<svc>/index.ts), never an edit of
 * the services: it wraps one handler (`handlers`), loosens the service's own copy of its spec so
 * that the runtime's request validation lets bad input through (`spec`), or rewrites a response
 * on its way out (`response`: status, headers, raw body), for bugs the runtime makes impossible
 * in a handler (an HTML page, a wrong content type). `bench/bug-zoo/main.ts <svc>` applies the one
 * named by env `BUG` when it targets that service, and runs the service unchanged otherwise.
 */
import { HttpError, mapPgError, type Handler, type HandlerRequest, type Reply } from '../../services/runtime';
import { COMPANY_MSFT } from '../../seed/ids/registry';
import { LIST_BUGS } from './list-bugs';

/** A response on its way out: what the runtime wrote, before it reaches the socket. */
export interface Exchange {
  method: string;
  pathname: string;
  status: number;
  headers: Record<string, string | number>;
  body: string | undefined;
}

export interface Bug {
  id: string;
  service: 'registry' | 'risk' | 'trading' | 'query';
  /** The operation the bug lives in. */
  operationId: string;
  /** The bug category, as in issue 7. */
  category: string;
  description: string;
  /**
   * What a test has to do to see it (the kind of test that can catch it): baseline = one request
   * checked against the contract; semantic = a hand-written test that knows the behaviour; chain =
   * a sequence of requests on one record (the generated chains; stateful-bugs.ts).
   */
  needs: 'baseline' | 'semantic' | 'chain';
  /** Other operations a sequence shows the bug through (a peer's failing test of one is a catch). */
  reveals?: string[];
  /** Wrap handlers by operationId. */
  handlers?: Record<string, (real: Handler, all: Record<string, Handler>) => Handler>;
  /** Edit the service's parsed spec (a private copy the runtime validates requests with). */
  spec?: (doc: Record<string, any>) => void;
  /** Rewrite a response; return undefined to leave it alone. */
  response?: (ex: Exchange) => Exchange | undefined;
}

/** Run a handler and turn what it throws into the reply the runtime would have sent. */
export async function settle(h: Handler, req: HandlerRequest, ctx: Parameters<Handler>[1]): Promise<Reply> {
  try {
    return await h(req, ctx);
  } catch (err) {
    const mapped = err instanceof HttpError ? err : mapPgError(err);
    if (!mapped) throw err;
    return { status: mapped.status, body: { detail: mapped.detail } };
  }
}

const json = (ex: Exchange, status: number, body: unknown, headers: Record<string, string | number> = {}): Exchange => {
  const text = JSON.stringify(body);
  return { ...ex, status, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }, body: text };
};

const on = (method: string, pattern: RegExp, ex: Exchange): boolean => ex.method === method && pattern.test(ex.pathname);

const STACK =
  "TypeError: Cannot read properties of undefined (reading 'toFixed')\n" +
  '    at placeOrder (/srv/services/trading/handlers/orders.ts:88:31)\n' +
  '    at handle (/srv/services/runtime/server.ts:131:15)\n' +
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)';

export const BUGS: Bug[] = [
  {
    id: 'unknown-id-200',
    service: 'registry',
    operationId: 'getCompany',
    category: 'wrong status for an unknown id (200)',
    description: 'GET /companies/{id} of an unknown id answers 200 with the error body instead of 404',
    needs: 'baseline',
    handlers: {
      getCompany: (real) => async (req, ctx) => {
        const reply = await settle(real, req, ctx);
        return reply.status === 404 ? { status: 200, body: reply.body } : reply;
      },
    },
  },
  {
    id: 'unknown-id-500',
    service: 'risk',
    operationId: 'getApproval',
    category: 'wrong status for an unknown id (500)',
    description: 'GET /approvals/{id} of an unknown id answers 500 instead of 404',
    needs: 'baseline',
    handlers: {
      getApproval: (real) => async (req, ctx) => {
        const reply = await settle(real, req, ctx);
        return reply.status === 404 ? { status: 500, body: { detail: 'internal server error' } } : reply;
      },
    },
  },
  {
    id: 'empty-list-404',
    service: 'registry',
    operationId: 'listWatchlists',
    category: '404 on an empty list',
    description: 'GET /watchlists answers 404 when there are none instead of 200 []',
    needs: 'baseline',
    handlers: {
      listWatchlists: (real) => async (req, ctx) => {
        const reply = await settle(real, req, ctx);
        return Array.isArray(reply.body) && reply.body.length === 0 ? { status: 404, body: { detail: 'no watchlists found' } } : reply;
      },
    },
  },
  {
    id: 'missing-required-field',
    service: 'trading',
    operationId: 'getRun',
    category: 'a missing required field',
    description: 'GET /runs/{id} omits stoppedAt (required, nullable) when it is null, as a serializer that drops nulls',
    needs: 'baseline',
    handlers: {
      getRun: (real) => async (req, ctx) => {
        const reply = await settle(real, req, ctx);
        const body = reply.body as Record<string, unknown> | undefined;
        if (reply.status === 200 && body && body.stoppedAt === null) {
          const { stoppedAt: _dropped, ...rest } = body;
          return { status: 200, body: rest };
        }
        return reply;
      },
    },
  },
  {
    id: 'wrong-type',
    service: 'trading',
    operationId: 'getMarketPrice',
    category: 'a wrong type',
    description: 'GET /market-prices/{ticker} returns price as a string ("187.5000", a NUMERIC passed through) instead of a number',
    needs: 'baseline',
    handlers: {
      getMarketPrice: (real) => async (req, ctx) => {
        const reply = await settle(real, req, ctx);
        const body = reply.body as Record<string, unknown> | undefined;
        if (reply.status === 200 && body && typeof body.price === 'number') return { status: 200, body: { ...body, price: body.price.toFixed(4) } };
        return reply;
      },
    },
  },
  {
    id: 'validation-bypassed',
    service: 'registry',
    operationId: 'createWatchlist',
    category: 'invalid input accepted (validation bypassed)',
    description: 'POST /watchlists does not validate its body: a wrong-typed name is stored as text and answered 201',
    needs: 'baseline',
    spec: (doc) => {
      doc.paths['/watchlists'].post.requestBody.content['application/json'].schema = { type: 'object' };
    },
  },
  {
    id: '400-instead-of-422',
    service: 'trading',
    operationId: 'createTrader',
    category: '400 instead of 422',
    description: 'POST /traders answers a validation failure with 400 (undocumented there) instead of 422',
    needs: 'baseline',
    response: (ex) => (on('POST', /^\/traders$/, ex) && ex.status === 422 ? { ...ex, status: 400 } : undefined),
  },
  {
    id: 'html-error-page',
    service: 'registry',
    operationId: 'getWatchlist',
    category: 'an HTML error page',
    description: 'GET /watchlists/{id} of an unknown id answers 404 with an HTML page (a proxy default page) instead of JSON',
    needs: 'baseline',
    response: (ex) => {
      if (!on('GET', /^\/watchlists\/[^/]+$/, ex) || ex.status !== 404) return undefined;
      const html = '<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><hr><address>nginx</address></body></html>\n';
      return { ...ex, headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) }, body: html };
    },
  },
  {
    id: 'malformed-id-500',
    service: 'risk',
    operationId: 'getLockout',
    category: 'a 500 on a malformed id',
    description: 'GET /lockouts/not-a-uuid answers 500 (the id reached the database) instead of 422',
    needs: 'baseline',
    response: (ex) => (on('GET', /^\/lockouts\/[^/]+$/, ex) && ex.status === 422 ? json(ex, 500, { detail: 'internal server error' }) : undefined),
  },
  {
    id: 'enum-out-of-contract',
    service: 'trading',
    operationId: 'getOrder',
    category: 'an enum value outside the contract',
    description: 'GET /orders/{id} reports a filled order with status "DONE", not one of the documented OrderStatus values',
    needs: 'baseline',
    handlers: {
      getOrder: (real) => async (req, ctx) => {
        const reply = await settle(real, req, ctx);
        const body = reply.body as Record<string, unknown> | undefined;
        if (reply.status === 200 && body && body.status === 'FILLED') return { status: 200, body: { ...body, status: 'DONE' } };
        return reply;
      },
    },
  },
  {
    id: 'round-trip-ignores-field',
    service: 'trading',
    operationId: 'replaceEngineConfig',
    category: 'a broken round-trip (write ignores a field)',
    description: 'PUT /config keeps the stored tickIntervalSeconds but echoes the requested one; a later GET shows the old value',
    needs: 'semantic',
    handlers: {
      replaceEngineConfig: (real, all) => async (req, ctx) => {
        const getConfig = all.getEngineConfig;
        const current = getConfig ? ((await settle(getConfig, req, ctx)).body as Record<string, unknown> | undefined) : undefined;
        const body = req.body as Record<string, unknown> | undefined;
        if (!body || !current || current.tickIntervalSeconds === undefined) return real(req, ctx);
        const reply = await settle(real, { ...req, body: { ...body, tickIntervalSeconds: current.tickIntervalSeconds } }, ctx);
        if (reply.status === 200 && reply.body && typeof reply.body === 'object') {
          return { status: 200, body: { ...(reply.body as object), tickIntervalSeconds: body.tickIntervalSeconds } };
        }
        return reply;
      },
    },
  },
  {
    id: 'illegal-transition',
    service: 'trading',
    operationId: 'stopRun',
    category: 'an illegal lifecycle transition allowed',
    description: 'POST /runs/{id}/stop on a run already STOPPED or ERROR answers 200 instead of 409',
    needs: 'semantic',
    handlers: {
      stopRun: (real, all) => async (req, ctx) => {
        const reply = await settle(real, req, ctx);
        const getRun = all.getRun;
        if (reply.status !== 409 || !getRun) return reply;
        const run = await settle(getRun, req, ctx);
        return run.status === 200 ? run : reply;
      },
    },
  },
  {
    id: 'seeded-data-drift',
    service: 'registry',
    operationId: 'getCompany',
    category: 'seeded data that differs from its fixture',
    description: "MSFT's sector reads 'Software' through the API while its fixture says 'Technology' (get and list)",
    needs: 'semantic',
    handlers: Object.fromEntries(
      ['getCompany', 'listCompanies'].map((op) => [
        op,
        (real: Handler): Handler =>
          async (req, ctx) => {
            const reply = await settle(real, req, ctx);
            const fix = (c: unknown) => (c && typeof c === 'object' && (c as { id?: unknown }).id === COMPANY_MSFT ? { ...c, sector: 'Software' } : c);
            return reply.status === 200 ? { status: 200, body: Array.isArray(reply.body) ? reply.body.map(fix) : fix(reply.body) } : reply;
          },
      ]),
    ),
  },
  {
    id: '200-instead-of-201',
    service: 'risk',
    operationId: 'createLockout',
    category: 'a 200 where 201 is documented',
    description: 'POST /lockouts answers 200 instead of 201 on a create',
    needs: 'baseline',
    handlers: {
      createLockout: (real) => async (req, ctx) => {
        const reply = await settle(real, req, ctx);
        return reply.status === 201 ? { status: 200, body: reply.body } : reply;
      },
    },
  },
  {
    id: 'wrong-content-type',
    service: 'query',
    operationId: 'getDocument',
    category: 'a wrong content type',
    description: 'GET /documents/{id} sends its JSON body as text/plain',
    needs: 'baseline',
    response: (ex) =>
      on('GET', /^\/documents\/[^/]+$/, ex) && ex.status === 200 ? { ...ex, headers: { ...ex.headers, 'content-type': 'text/plain; charset=utf-8' } } : undefined,
  },
  {
    id: 'undocumented-status',
    service: 'risk',
    operationId: 'deleteLockout',
    category: 'an undocumented status',
    description: 'DELETE /lockouts/{id} answers 200 {"deleted":true}; only 204, 404 and 422 are documented',
    needs: 'baseline',
    handlers: {
      deleteLockout: (real) => async (req, ctx) => {
        const reply = await settle(real, req, ctx);
        return reply.status === 204 ? { status: 200, body: { deleted: true } } : reply;
      },
    },
  },
  {
    id: 'stack-trace-500',
    service: 'trading',
    operationId: 'placeOrder',
    category: 'a stack trace in a 500 body',
    description: 'POST /runs/{id}/orders with a wrong-typed or incomplete body crashes: 500 with the stack trace in the body, instead of 422',
    needs: 'baseline',
    response: (ex) =>
      on('POST', /^\/runs\/[^/]+\/orders$/, ex) && ex.status === 422 ? json(ex, 500, { detail: STACK }) : undefined,
  },
  {
    id: 'duplicate-accepted',
    service: 'registry',
    operationId: 'createCompany',
    category: 'a duplicate accepted (201 instead of 409)',
    description: 'POST /companies with a taken ticker answers 201 echoing the existing company instead of 409',
    needs: 'semantic',
    handlers: {
      createCompany: (real, all) => async (req, ctx) => {
        const reply = await settle(real, req, ctx);
        const list = all.listCompanies;
        const ticker = (req.body as { ticker?: unknown } | undefined)?.ticker;
        if (reply.status !== 409 || !list || typeof ticker !== 'string') return reply;
        const found = await settle(list, { ...req, query: { q: ticker, limit: 100, offset: 0 } }, ctx);
        const same = Array.isArray(found.body) ? found.body.find((c: { ticker?: string }) => c.ticker === ticker) : undefined;
        return same ? { status: 201, body: same } : reply;
      },
    },
  },
  {
    id: 'filter-ignored',
    service: 'query',
    operationId: 'listDocuments',
    category: 'a query filter ignored',
    description: 'GET /documents?ticker=X ignores the ticker filter and returns every company\'s documents',
    needs: 'semantic',
    handlers: {
      listDocuments: (real) => async (req, ctx) => {
        const { ticker: _ignored, ...query } = req.query;
        return real({ ...req, query }, ctx);
      },
    },
  },
  ...LIST_BUGS,
];

export function findBug(id: string): Bug | undefined {
  return BUGS.find((b) => b.id === id);
}
