/**
 * Fresh records for one test file, created through the API (the generated typed clients), and
 * their teardown. `useFixtures()` at the top of a file registers an afterAll that deletes what the
 * file created (newest first) and closes the database pool, so files never see each other's
 * records and the seeded ones stay as seeded.
 *
 * Traders: created with POST /traders (openapi/trading.yaml has it); there is no DELETE, so they
 * are removed with SQL, which cascades to their runs, orders, trades, positions, decisions and
 * notifications. `insertTrader` (SQL, fresh uuid) exists for a database-level test that must not
 * depend on the API. Approvals and market prices have no DELETE either: SQL again.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { registry, type Company, type CompanyCreate } from '../../generated/registry/client';
import { risk, type Approval, type ApprovalCreate, type Lockout, type LockoutCreate } from '../../generated/risk/client';
import { trading, type MarketPrice, type Run, type Trader } from '../../generated/trading/client';
import { closeDb, sql } from './db';
import { ok } from './http';

let counter = 0;

/** A string no other file, worker or run produces: prefix, pid, counter, random. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid.toString(36)}-${counter.toString(36)}-${randomBytes(3).toString('hex')}`;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** A ticker (^[A-Z][A-Z0-9.]{0,9}$) that no fixture uses: `Z` and nine random characters. */
export function uniqueTicker(): string {
  const bytes = randomBytes(9);
  return `Z${[...bytes].map((b) => ALNUM[b % ALNUM.length]).join('')}`;
}

/** A logical time of its own per call (ticks dedupe on it per run, so tests never need two alike by accident). */
export function logicalTime(minutesAfter: number, base = '2030-01-01T00:00:00.000Z'): string {
  return new Date(Date.parse(base) + minutesAfter * 60_000).toISOString();
}

export class Fixtures {
  private readonly undo: { what: string; run: () => Promise<void> }[] = [];

  /** Register a teardown step (run newest first). */
  onCleanup(what: string, run: () => Promise<void>): void {
    this.undo.push({ what, run });
  }

  async cleanup(): Promise<void> {
    const errors: string[] = [];
    while (this.undo.length) {
      const step = this.undo.pop()!;
      try {
        await step.run();
      } catch (err) {
        errors.push(`${step.what}: ${(err as Error).message}`);
      }
    }
    if (errors.length) throw new Error(`teardown left records behind:\n${errors.join('\n')}`);
  }

  async company(overrides: Partial<CompanyCreate> = {}): Promise<Company> {
    const body: CompanyCreate = { ticker: uniqueTicker(), name: unique('Test Co'), sector: 'Testing', exchange: 'NYSE', isActive: true, ...overrides };
    const company = ok(await registry.seeded.POST('/companies', { body }), 201);
    this.onCleanup(`company ${company.ticker}`, async () => {
      const res = await registry.seeded.DELETE('/companies/{companyId}', { params: { path: { companyId: company.id } } });
      if (res.response.status !== 204 && res.response.status !== 404) throw new Error(`DELETE company answered ${res.response.status}`);
    });
    return company;
  }

  async trader(name = unique('trader')): Promise<Trader> {
    const trader = ok(await trading.seeded.POST('/traders', { body: { name } }), 201);
    this.forgetTrader(trader.id);
    return trader;
  }

  /** A trader inserted with SQL (fresh uuid), for tests below the API. */
  async insertTrader(name = unique('trader')): Promise<string> {
    const id = randomUUID();
    await sql('INSERT INTO traders (id, name) VALUES ($1, $2)', [id, name]);
    this.forgetTrader(id);
    return id;
  }

  private forgetTrader(id: string): void {
    this.onCleanup(`trader ${id}`, async () => {
      await sql('DELETE FROM traders WHERE id = $1', [id]);
    });
  }

  /** A RUNNING run of a fresh trader (or of `userId`). */
  async run(options: { userId?: string; initialCash?: number; strategy?: string } = {}): Promise<Run> {
    const userId = options.userId ?? (await this.trader()).id;
    const body = { userId, strategy: options.strategy ?? 'momentum', initialCash: options.initialCash ?? 100_000 };
    return ok(await trading.seeded.POST('/runs', { body }), 201);
  }

  /** A market price for a fresh ticker (or the given one). */
  async price(price: number, ticker = uniqueTicker()): Promise<MarketPrice> {
    const created = ok(await trading.seeded.POST('/market-prices', { body: { ticker, price } }), 201);
    this.onCleanup(`market price ${ticker}`, async () => {
      await sql('DELETE FROM market_prices WHERE ticker = $1', [ticker]);
    });
    return created;
  }

  async approval(overrides: Partial<ApprovalCreate> = {}): Promise<Approval> {
    const body: ApprovalCreate = {
      ticker: uniqueTicker(),
      side: 'BUY',
      quantity: 1000,
      requestedBy: unique('requester'),
      expiresAt: '2099-06-30T12:00:00.000Z',
      ...overrides,
    };
    const approval = ok(await risk.seeded.POST('/approvals', { body }), 201);
    this.onCleanup(`approval ${approval.id}`, async () => {
      await sql('DELETE FROM operator_approvals WHERE id = $1', [approval.id]);
    });
    return approval;
  }

  async lockout(overrides: Partial<LockoutCreate> = {}): Promise<Lockout> {
    const body: LockoutCreate = {
      ticker: uniqueTicker(),
      reason: unique('lockout'),
      startsAt: '2026-01-01T00:00:00.000Z',
      endsAt: '2099-01-01T00:00:00.000Z',
      ...overrides,
    };
    const lockout = ok(await risk.seeded.POST('/lockouts', { body }), 201);
    this.onCleanup(`lockout ${lockout.id}`, async () => {
      const res = await risk.seeded.DELETE('/lockouts/{lockoutId}', { params: { path: { lockoutId: lockout.id } } });
      if (res.response.status !== 204 && res.response.status !== 404) throw new Error(`DELETE lockout answered ${res.response.status}`);
    });
    return lockout;
  }

  async watchlist(description: string | null = null) {
    const wl = ok(await registry.seeded.POST('/watchlists', { body: { name: unique('watchlist'), description } }), 201);
    this.onCleanup(`watchlist ${wl.id}`, async () => {
      const res = await registry.seeded.DELETE('/watchlists/{watchlistId}', { params: { path: { watchlistId: wl.id } } });
      if (res.response.status !== 204 && res.response.status !== 404) throw new Error(`DELETE watchlist answered ${res.response.status}`);
    });
    return wl;
  }
}

/** Call at the top of a test file: fresh-record factories plus their teardown and the pool's. */
export function useFixtures(): Fixtures {
  const fx = new Fixtures();
  afterAll(async () => {
    try {
      await fx.cleanup();
    } finally {
      await closeDb();
    }
  });
  return fx;
}
