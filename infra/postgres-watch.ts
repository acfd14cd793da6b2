import pg from 'pg';
import type { PostgresInstance } from './postgres';
import { readLogTail } from './processes';
import type { DeadPostgresEntry } from './sandbox-state';

/**
 * Is the sandbox's Postgres still there? Once the sandbox is ready, one of these watches it and
 * calls `onDeath` once when it is gone, so the run fails within seconds naming Postgres instead
 * of every test failing on connection errors (status.json's `deadPostgres`, contract 2).
 *
 * - Embedded: the postmaster's exit (`PostgresInstance.exited`), with its signal, and the tail
 *   of the log the sandbox gave it.
 * - An existing server (`DATABASE_URL`): there is no process of ours to watch, so a fresh
 *   connection and `SELECT 1` every `intervalMs`, each with a `timeoutMs` deadline; it is dead
 *   after `failuresInARow` checks in a row failed: refused, reset, cut, or the server saying it
 *   shuts down (SQLSTATE class 57P). A check that only timed out proves nothing either way (a
 *   loaded machine answers late): it neither counts nor resets the count, so load alone never
 *   declares a death; a server that hangs is the per-request timeouts' to report. Any other
 *   error the server itself sent (too many connections, say) proves it is alive.
 */

export interface PostgresWatch {
  /** Stop watching (before the sandbox stops Postgres itself). Idempotent. */
  stop(): void;
}

const LOG_TAIL_LINES = 30;

export function watchEmbeddedPostgres(instance: PostgresInstance, onDeath: (entry: DeadPostgresEntry) => void): PostgresWatch {
  let watching = true;
  void instance.exited.then(({ exitCode, signal }) => {
    if (!watching) return;
    watching = false;
    onDeath({
      kind: 'embedded',
      where: instance.dataDir,
      pid: instance.pid,
      exitCode,
      signal,
      reason: `exited (${signal ? `killed by ${signal}` : exitCode === null ? 'its pid is gone' : `exit code ${exitCode}`})`,
      logFile: instance.logFile ?? null,
      logTail: instance.logFile ? readLogTail(instance.logFile, LOG_TAIL_LINES) : '',
    });
  });
  return { stop: () => void (watching = false) };
}

export interface ServerWatchOptions {
  /** Between the end of one check and the start of the next. Default 1 s. */
  intervalMs?: number;
  /** Connect and answer within this. Default 3 s. */
  timeoutMs?: number;
  /** Default 3. */
  failuresInARow?: number;
}

/** The server's URL without its password, for messages and status.json. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/** An error the server sent (it has a SQLSTATE) shows it is up, unless it says it is going down or not up yet. */
function answeredByServer(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('57P');
}

/** pg's own deadlines: `connectionTimeoutMillis` ("timeout expired", "...due to connection timeout") and `query_timeout` ("Query read timeout"). */
function timedOut(err: unknown): boolean {
  return /timeout/i.test((err as Error).message ?? '');
}

export function watchPostgresServer(adminUrl: string, onDeath: (entry: DeadPostgresEntry) => void, options: ServerWatchOptions = {}): PostgresWatch {
  const intervalMs = options.intervalMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 3_000;
  const failuresInARow = options.failuresInARow ?? 3;
  let watching = true;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  const check = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, application_name: 'contract-harness sandbox watch' });
    client.on('error', () => undefined); // a connection cut under us: the check's own rejection says it
    let lastError = '';
    try {
      await client.connect();
      await client.query('SELECT 1');
      failures = 0;
    } catch (err) {
      if (answeredByServer(err)) failures = 0;
      else if (timedOut(err)) {
        /* inconclusive: see the header */
      } else {
        failures += 1;
        lastError = (err as Error).message || String((err as { code?: unknown }).code ?? err);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
    if (!watching) return;
    if (failures >= failuresInARow) {
      watching = false;
      onDeath({
        kind: 'external',
        where: redactedUrl(adminUrl),
        pid: null,
        exitCode: null,
        signal: null,
        reason: `${failures} checks in a row (connect and SELECT 1 within ${timeoutMs} ms) failed; the last: ${lastError}`,
        logFile: null,
        logTail: '',
      });
      return;
    }
    timer = setTimeout(() => void check(), intervalMs);
    timer.unref();
  };
  timer = setTimeout(() => void check(), intervalMs);
  timer.unref();
  return {
    stop() {
      watching = false;
      clearTimeout(timer);
    },
  };
}
