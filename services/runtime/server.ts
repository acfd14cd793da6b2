import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { HttpError, isConnectionFailure, mapPgError, unprocessable, type ValidationIssue } from './errors';
import { compileRoutes, toIssues, type Route } from './spec-routes';
import { missingDependencyEnv, type HandlerContext, type ServiceDefinition } from './types';

const MAX_BODY_BYTES = 1024 * 1024;

// Numbers as numbers (the contracts say number), dates as the plain 'YYYY-MM-DD' they are.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

function sendJson(res: ServerResponse, status: number, body?: unknown, extraHeaders: Record<string, string> = {}): void {
  if (body === undefined || status === 204) {
    res.writeHead(status, extraHeaders).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extraHeaders });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseQuery(url: URL, route: Route): Record<string, unknown> {
  const query: Record<string, unknown> = Object.create(null);
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = route.arrayQueryParams.has(key) ? values : values[values.length - 1];
  }
  return query;
}

async function parseJsonBody(req: IncomingMessage, route: Route): Promise<unknown> {
  const raw = await readBody(req);
  if (raw.length === 0) {
    if (route.validators.bodyRequired) throw unprocessable([{ loc: ['body'], msg: 'request body is required', type: 'missing' }]);
    return undefined;
  }
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw unprocessable([{ loc: ['body'], msg: 'content-type must be application/json', type: 'content_type' }]);
  }
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw unprocessable([{ loc: ['body'], msg: `invalid JSON: ${(err as Error).message}`, type: 'json_invalid' }]);
  }
}

function findRoute(routes: Route[], method: string, pathname: string): { route?: Route; match?: RegExpExecArray; allowed: string[] } {
  const allowed: string[] = [];
  for (const route of routes) {
    const match = route.regex.exec(pathname);
    if (!match) continue;
    if (route.method === method) return { route, match, allowed };
    allowed.push(route.method);
  }
  return { allowed };
}

/**
 * A pooled client with a transaction open. An idle client whose session the server ended
 * (pg_terminate_backend, a restart) can be handed out before the pool has seen its 'error' event:
 * its BEGIN fails, nothing was written, so that client is destroyed and BEGIN is tried again. The
 * pool holds at most `max` such clients, each destroyed by its failure, so by attempt max + 1 the
 * connection is a fresh one: a cut alone is never a 503 (a database that is down fails the fresh
 * connect with the real reason: that is the 503).
 */
async function begin(db: pg.Pool): Promise<pg.PoolClient> {
  const attempts = (db.options.max ?? 10) + 1;
  for (let attempt = 1; ; attempt++) {
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      return client;
    } catch (err) {
      client.release(err as Error);
      if (attempt >= attempts || !isConnectionFailure(err)) throw err;
    }
  }
}

/** The request pipeline: route, validate against the spec, run the handler, map errors. */
export function createServiceServer(
  service: ServiceDefinition,
  db: pg.Pool,
  log: (line: string) => void,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Server {
  const unset = missingDependencyEnv(service, env);
  if (unset) throw new Error(`${service.name}: ${unset} is not set (the base URL of the ${service.dependencies?.[unset]} service it calls)`);
  const routes = compileRoutes(service.specFile);
  const missing = routes.filter((r) => !service.handlers[r.operationId] && r.pathTemplate !== '/health');
  if (missing.length) throw new Error(`${service.name}: no handler for ${missing.map((r) => r.operationId).join(', ')}`);
  const known = new Set(routes.map((r) => r.operationId));
  const extra = Object.keys(service.handlers).filter((id) => !known.has(id));
  if (extra.length) throw new Error(`${service.name}: handlers for operations not in the spec: ${extra.join(', ')}`);

  const ctx: HandlerContext = {
    db,
    env,
    async transaction(fn) {
      const client = await begin(db);
      let broken: Error | undefined;
      try {
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        // A connection the server dropped is destroyed, not handed to the next request.
        if (isConnectionFailure(err)) broken = err as Error;
        else await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release(broken);
      }
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const { route, match, allowed } = findRoute(routes, method, url.pathname);
    if (!route || !match) {
      if (allowed.length) {
        sendJson(res, 405, { detail: `method ${method} not allowed` }, { allow: allowed.join(', ') });
        return 405;
      }
      sendJson(res, 404, { detail: `no route for ${method} ${url.pathname}` });
      return 404;
    }
    try {
      const params: Record<string, unknown> = Object.create(null);
      const pathIssues: ValidationIssue[] = [];
      route.paramNames.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(match[i + 1] ?? '');
        } catch {
          // A malformed percent-encoding (`%E0%A4%A`) is bad input: 422, not a URIError 500.
          pathIssues.push({ loc: ['path', name], msg: 'malformed percent-encoding', type: 'value_error' });
        }
      });
      if (pathIssues.length) throw unprocessable(pathIssues);
      const query = parseQuery(url, route);
      const issues = [
        ...(route.validators.params(params) ? [] : toIssues('path', route.validators.params.errors)),
        ...(route.validators.query(query) ? [] : toIssues('query', route.validators.query.errors)),
      ];
      const body = route.validators.body || route.validators.bodyRequired ? await parseJsonBody(req, route) : undefined;
      if (body !== undefined && route.validators.body && !route.validators.body(body)) {
        issues.push(...toIssues('body', route.validators.body.errors));
      }
      if (issues.length) throw unprocessable(issues);
      const handler = service.handlers[route.operationId];
      const reply = handler
        ? await handler({ operationId: route.operationId, params, query, headers: req.headers, body }, ctx)
        : await db.query('SELECT 1').then(() => ({ status: 200, body: { status: 'ok', service: service.name } }));
      sendJson(res, reply.status, reply.body);
      return reply.status;
    } catch (err) {
      const mapped = err instanceof HttpError ? err : mapPgError(err);
      if (mapped) {
        sendJson(res, mapped.status, { detail: mapped.detail });
        return mapped.status;
      }
      log(`ERROR ${method} ${url.pathname}: ${(err as Error)?.stack ?? String(err)}`);
      sendJson(res, 500, { detail: 'internal server error' });
      return 500;
    }
  }

  return createServer((req, res) => {
    const started = performance.now();
    handle(req, res).then(
      (status) => log(`${req.method} ${req.url} ${status} ${(performance.now() - started).toFixed(1)}ms`),
      (err) => {
        log(`ERROR writing response: ${String(err)}`);
        if (!res.headersSent) sendJson(res, 500, { detail: 'internal server error' });
      },
    );
  });
}

export interface RunningService {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The service's pool. An idle client whose connection the server terminated (pg_terminate_backend,
 * a restart) emits 'error' on the pool: without a listener that kills the process. The pool drops
 * that client; the next request connects anew or, while the database is down, gets a 503.
 */
export function createPool(databaseUrl: string, max: number, connectTimeoutMs: number, log: (line: string) => void): pg.Pool {
  const db = new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: connectTimeoutMs });
  db.on('error', (err) => log(`pool error (idle client dropped): ${err.message}`));
  return db;
}

/** Start a service in this process (tests) or as the process's whole job (main.ts). */
export async function startService(
  service: ServiceDefinition,
  opts: {
    databaseUrl: string;
    port?: number;
    host?: string;
    poolMax?: number;
    /** How long a request waits for a database connection before it is a 503 (ms). */
    connectTimeoutMs?: number;
    log?: (line: string) => void;
    env?: Readonly<Record<string, string | undefined>>;
  },
): Promise<RunningService> {
  const log = opts.log ?? (() => undefined);
  const db = createPool(opts.databaseUrl, opts.poolMax ?? 5, opts.connectTimeoutMs ?? 5_000, log);
  let server: Server;
  try {
    server = createServiceServer(service, db, log, opts.env ?? process.env);
  } catch (err) {
    await db.end();
    throw err;
  }
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolvePromise());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await db.end();
    },
  };
}

/** Entry point of `services/<name>/main.ts`: env PORT, DATABASE_URL, HOST; stops on SIGTERM/SIGINT. */
export function runServiceMain(service: ServiceDefinition): void {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error(`${service.name}: DATABASE_URL is not set`);
    process.exit(2);
  }
  const unset = missingDependencyEnv(service, process.env);
  if (unset) {
    console.error(`${service.name}: ${unset} is not set (the base URL of the ${service.dependencies?.[unset]} service it calls)`);
    process.exit(2);
  }
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${service.name} ${line}\n`);
  startService(service, {
    databaseUrl,
    port: Number(process.env.PORT ?? 0),
    host: process.env.HOST ?? '127.0.0.1',
    poolMax: Number(process.env.PG_POOL_MAX ?? 5),
    connectTimeoutMs: Number(process.env.PG_CONNECT_TIMEOUT_MS ?? 5_000),
    log,
  }).then(
    (running) => {
      log(`listening on ${running.url}`);
      const stop = () => {
        log('stopping');
        running.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (err) => {
      console.error(`${service.name}: failed to start: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
