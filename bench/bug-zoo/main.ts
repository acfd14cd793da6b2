/**
 * `tsx bench/bug-zoo/main.ts <svc>` with env `BUG=<id>` (bugs.ts): the reference service with
 * that one bug, or unchanged when BUG is unset or targets another service. Same process
 * contract as services/<svc>/main.ts (contract 7): PORT, DATABASE_URL, HOST, PG_POOL_MAX;
 * GET /health; SIGTERM closes the server, ends the pool, exits 0.
 *
 * The sandbox launches it with `--service-command '["tsx","bench/bug-zoo/main.ts","{name}"]'`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parse } from 'yaml';
import type { Handler, ServiceDefinition } from '../../services/runtime';
import { createServiceServer } from '../../services/runtime/server';
import { service as query } from '../../services/query/index';
import { service as registry } from '../../services/registry/index';
import { service as risk } from '../../services/risk/index';
import { service as trading } from '../../services/trading/index';
import { BUGS, findBug, type Bug, type Exchange } from './bugs';
import { STATEFUL_BUGS } from './stateful-bugs';

function loadService(name: string): ServiceDefinition {
  const all: Record<string, ServiceDefinition> = { registry, risk, trading, query };
  const found = all[name];
  if (!found) throw new Error(`unknown service "${name}" (registry, risk, trading, query)`);
  return found;
}

/** The service with the bug's handler wrappers and spec edits applied (a new object; the real one is untouched). */
export function withBug(real: ServiceDefinition, bug: Bug, scratchDir: string): ServiceDefinition {
  const handlers: Record<string, Handler> = { ...real.handlers };
  for (const [op, wrap] of Object.entries(bug.handlers ?? {})) {
    const h = real.handlers[op];
    if (!h) throw new Error(`bug ${bug.id}: ${real.name} has no handler ${op}`);
    handlers[op] = wrap(h, real.handlers);
  }
  let specFile = real.specFile;
  if (bug.spec) {
    const doc = parse(readFileSync(real.specFile, 'utf8')) as Record<string, any>;
    bug.spec(doc);
    specFile = join(scratchDir, `${real.name}.json`);
    writeFileSync(specFile, JSON.stringify(doc));
  }
  return { ...real, specFile, handlers };
}

/** Buffer what the runtime writes (it always calls writeHead(...).end(text)) and let the bug rewrite it. */
function interceptResponse(req: IncomingMessage, res: ServerResponse, rewrite: (ex: Exchange) => Exchange | undefined): void {
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, string | number>) => ServerResponse;
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  let captured: { status: number; headers: Record<string, string | number> } | undefined;
  (res as unknown as { writeHead: unknown }).writeHead = (status: number, headers?: Record<string, string | number>) => {
    captured = { status, headers: { ...(headers ?? {}) } };
    return res;
  };
  (res as unknown as { end: unknown }).end = (chunk?: unknown) => {
    const body = chunk === undefined ? undefined : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
    const ex: Exchange = {
      method: req.method ?? 'GET',
      pathname: new URL(req.url ?? '/', 'http://localhost').pathname,
      status: captured?.status ?? res.statusCode,
      headers: captured?.headers ?? {},
      body,
    };
    const out = rewrite(ex) ?? ex;
    writeHead(out.status, out.headers);
    return end(out.body);
  };
}

async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  const bugId = process.env.BUG;
  const bug = bugId ? (findBug(bugId) ?? STATEFUL_BUGS.find((b) => b.id === bugId)) : undefined;
  if (bugId && !bug) {
    console.error(`bug-zoo: unknown BUG "${bugId}"; known: ${[...BUGS, ...STATEFUL_BUGS].map((b) => b.id).join(', ')}`);
    process.exit(2);
  }
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error(`bug-zoo ${name}: DATABASE_URL is not set`);
    process.exit(2);
  }
  const real = loadService(name);
  const scratch = mkdtempSync(join(tmpdir(), `bug-zoo-${name}-`));
  const active = bug && bug.service === name ? bug : undefined;
  const service = active ? withBug(real, active, scratch) : real;
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${name}${active ? ` [BUG ${active.id}]` : ''} ${line}\n`);

  const db = new pg.Pool({ connectionString: databaseUrl, max: Number(process.env.PG_POOL_MAX ?? 5) });
  db.on('error', (err) => log(`pool error: ${err.message}`));
  const server = createServiceServer(service, db, log);
  const rewrite = active?.response;
  if (rewrite) {
    const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      interceptResponse(req, res, rewrite);
      for (const l of listeners) l(req, res);
    });
  }
  const host = process.env.HOST ?? '127.0.0.1';
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(Number(process.env.PORT ?? 0), host, () => done());
  });
  log(`listening on http://${host}:${(server.address() as AddressInfo).port}`);
  const stop = () => {
    log('stopping');
    server.closeAllConnections();
    server.close(() => {
      rmSync(scratch, { recursive: true, force: true });
      db.end().then(() => process.exit(0), () => process.exit(1));
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

// imported (bench/bug-zoo/bugs.test.ts reads withBug), it starts nothing
if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`bug-zoo: failed to start: ${(err as Error)?.stack ?? String(err)}`);
    process.exit(1);
  });
}
