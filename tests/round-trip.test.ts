/**
 * Round-trips: create then read back equal; replace then read; update then the list shows it;
 * delete then 404. Every record is one this file creates, except the engine config, a singleton:
 * this is the only file that replaces it, it checks the seeded config first, and it restores it
 * afterwards, updated_at included (SQL), so the database ends as seeded. Every order of every file
 * reads its max position (seed 003 RK-02), so on the shared instance the replacement keeps that
 * one field as seeded: replaced there, it made other files' orders at exactly the limit REJECTED
 * MAX_POSITION while it was in force (OR-04's boundary, 2 of 35 gates). The max position's own
 * round trip is services/trading/trading.contract.test.ts's, on a database of its own.
 *
 * Mutation tried (scratch copy of the service): services/registry/handlers/companies.ts
 * updateCompany ignoring `sector` (`COALESCE(NULL, c.sector)`) -> caught by "company: an update
 * shows in the read and in the filtered list" (sector still "Testing"); reverted.
 */
import { registry } from '../generated/registry/client';
import { risk } from '../generated/risk/client';
import { trading, type EngineConfig } from '../generated/trading/client';
import { count, sql } from './support/db';
import { fixtureRows } from './support/fixtures';
import { unique, uniqueTicker, useFixtures } from './support/factories';
import { allPages, fails, ok } from './support/http';

const fx = useFixtures();

describe('engine config (the one file that replaces it)', () => {
  const fixture = (() => {
    const row = fixtureRows('engine_config')[0]!;
    return {
      tradingEnabled: row.trading_enabled as boolean,
      maxPositionPct: row.max_position_pct as number,
      maxOrderNotional: row.max_order_notional as number,
      defaultInitialCash: row.default_initial_cash as number,
      tickIntervalSeconds: row.tick_interval_seconds as number,
      updatedAt: row.updated_at as string,
    } satisfies EngineConfig;
  })();

  const read = async () => ok(await trading.seeded.GET('/config'), 200);
  const storedRow = async () => (await sql<{ r: string }>('SELECT row_to_json(c)::text AS r FROM engine_config c'))[0]?.r;

  /** Put the seeded config back, its timestamp too, whatever a failed test left. */
  async function restore() {
    const { updatedAt, ...input } = fixture;
    ok(await trading.seeded.PUT('/config', { body: input }), 200);
    await sql('UPDATE engine_config SET updated_at = $1 WHERE id = 1', [updatedAt]);
  }
  afterAll(restore);

  test('the seeded config equals its fixture', async () => {
    expect(await read()).toStrictEqual(fixture);
  });

  test('replace, read back equal; a run started without initialCash gets the new default; restore reads as seeded', async () => {
    // the max position as seeded: other files' orders read it (the header says why)
    const replacement = { tradingEnabled: false, maxPositionPct: fixture.maxPositionPct, maxOrderNotional: 12_345.67, defaultInitialCash: 4_321.5, tickIntervalSeconds: 15 };
    const put = ok(await trading.seeded.PUT('/config', { body: replacement }), 200);
    expect(put).toStrictEqual({ ...replacement, updatedAt: put.updatedAt });
    expect(Date.parse(put.updatedAt)).toBeGreaterThan(Date.parse(fixture.updatedAt));
    expect(await read()).toStrictEqual(put);

    const trader = await fx.trader();
    const run = ok(await trading.seeded.POST('/runs', { body: { userId: trader.id, strategy: 'defaults' } }), 201);
    expect([run.initialCash, run.cash]).toEqual([4_321.5, 4_321.5]);

    await restore();
    expect(await read()).toStrictEqual(fixture);
  });

  test('an invalid replacement is a 422 and changes nothing', async () => {
    const before = await storedRow();
    const { updatedAt: _u, ...input } = fixture;
    fails(await trading.seeded.PUT('/config', { body: { ...input, maxPositionPct: 1.5 } }), 422);
    fails(await trading.seeded.PUT('/config', { body: { ...input, tickIntervalSeconds: 0 } }), 422);
    expect(await storedRow()).toBe(before);
  });

  test('the empty instance has no config yet: 404', async () => {
    fails(await trading.empty.GET('/config'), 404);
  });
});

describe('registry', () => {
  test('company: create, then read back equal and find it by its ticker', async () => {
    const c = await fx.company({ name: 'Round Trip Holdings', sector: 'Utilities', exchange: 'TSX', isActive: true });
    expect(c).toMatchObject({ name: 'Round Trip Holdings', sector: 'Utilities', exchange: 'TSX', isActive: true });
    expect(ok(await registry.seeded.GET('/companies/{companyId}', { params: { path: { companyId: c.id } } }), 200)).toStrictEqual(c);
    expect(ok(await registry.seeded.GET('/companies', { params: { query: { q: c.ticker } } }), 200)).toStrictEqual([c]);
  });

  test('company: an update shows in the read and in the filtered list', async () => {
    const c = await fx.company();
    const sector = unique('Sector');
    const patched = ok(
      await registry.seeded.PATCH('/companies/{companyId}', { params: { path: { companyId: c.id } }, body: { sector, isActive: false, name: 'Renamed Co' } }),
      200,
    );
    expect(patched).toStrictEqual({ ...c, sector, isActive: false, name: 'Renamed Co' });
    expect(ok(await registry.seeded.GET('/companies/{companyId}', { params: { path: { companyId: c.id } } }), 200)).toStrictEqual(patched);
    expect(ok(await registry.seeded.GET('/companies', { params: { query: { sector } } }), 200)).toStrictEqual([patched]);
    expect(ok(await registry.seeded.GET('/companies', { params: { query: { sector, isActive: true } } }), 200)).toStrictEqual([]);
  });

  test('company: delete, then 404, its children gone, a second delete 404', async () => {
    const c = await fx.company();
    ok(await registry.seeded.POST('/companies/{companyId}/aliases', { params: { path: { companyId: c.id } }, body: { alias: 'Gone Soon' } }), 201);
    ok(await registry.seeded.DELETE('/companies/{companyId}', { params: { path: { companyId: c.id } } }), 204);
    fails(await registry.seeded.GET('/companies/{companyId}', { params: { path: { companyId: c.id } } }), 404);
    fails(await registry.seeded.GET('/companies/{companyId}/aliases', { params: { path: { companyId: c.id } } }), 404);
    expect(await count('company_aliases', 'company_id = $1', [c.id])).toBe(0);
    fails(await registry.seeded.DELETE('/companies/{companyId}', { params: { path: { companyId: c.id } } }), 404);
  });

  test('company: a duplicate ticker is a 409 and leaves one row', async () => {
    const c = await fx.company();
    fails(await registry.seeded.POST('/companies', { body: { ticker: c.ticker, name: 'Copy', sector: 'X', exchange: 'NYSE', isActive: true } }), 409);
    expect(await count('companies', 'ticker = $1', [c.ticker])).toBe(1);
  });

  test('alias: create, list shows it, duplicate 409, delete, list lacks it, delete again 404', async () => {
    const c = await fx.company();
    const path = { companyId: c.id };
    const alias = ok(await registry.seeded.POST('/companies/{companyId}/aliases', { params: { path }, body: { alias: 'Round Trip' } }), 201);
    expect(alias).toMatchObject({ companyId: c.id, alias: 'Round Trip' });
    expect(ok(await registry.seeded.GET('/companies/{companyId}/aliases', { params: { path } }), 200)).toStrictEqual([alias]);
    fails(await registry.seeded.POST('/companies/{companyId}/aliases', { params: { path }, body: { alias: 'Round Trip' } }), 409);
    expect(await count('company_aliases', 'company_id = $1', [c.id])).toBe(1);
    ok(await registry.seeded.DELETE('/companies/{companyId}/aliases/{aliasId}', { params: { path: { ...path, aliasId: alias.id } } }), 204);
    expect(ok(await registry.seeded.GET('/companies/{companyId}/aliases', { params: { path } }), 200)).toStrictEqual([]);
    fails(await registry.seeded.DELETE('/companies/{companyId}/aliases/{aliasId}', { params: { path: { ...path, aliasId: alias.id } } }), 404);
  });

  test('source: create, the kind filter shows it, duplicate url 409, delete', async () => {
    const c = await fx.company();
    const path = { companyId: c.id };
    const url = `https://feeds.example.com/${c.ticker.toLowerCase()}.rss`;
    const src = ok(await registry.seeded.POST('/companies/{companyId}/sources', { params: { path }, body: { kind: 'RSS', url } }), 201);
    expect(ok(await registry.seeded.GET('/companies/{companyId}/sources', { params: { path, query: { kind: 'RSS' } } }), 200)).toStrictEqual([src]);
    expect(ok(await registry.seeded.GET('/companies/{companyId}/sources', { params: { path, query: { kind: 'NEWS' } } }), 200)).toStrictEqual([]);
    fails(await registry.seeded.POST('/companies/{companyId}/sources', { params: { path }, body: { kind: 'NEWS', url } }), 409);
    ok(await registry.seeded.DELETE('/companies/{companyId}/sources/{sourceId}', { params: { path: { ...path, sourceId: src.id } } }), 204);
    expect(await count('sources', 'company_id = $1', [c.id])).toBe(0);
  });

  test('competitor link: create with the competitor joined, duplicate 409, self 400, unknown 404, delete', async () => {
    const a = await fx.company();
    const b = await fx.company();
    const path = { companyId: a.id };
    const link = ok(await registry.seeded.POST('/companies/{companyId}/competitors', { params: { path }, body: { competitorId: b.id, strength: 0.65 } }), 201);
    expect(link).toMatchObject({ companyId: a.id, competitorId: b.id, competitorTicker: b.ticker, competitorName: b.name, strength: 0.65 });
    expect(ok(await registry.seeded.GET('/companies/{companyId}/competitors', { params: { path } }), 200)).toStrictEqual([link]);
    fails(await registry.seeded.POST('/companies/{companyId}/competitors', { params: { path }, body: { competitorId: b.id, strength: 0.5 } }), 409);
    fails(await registry.seeded.POST('/companies/{companyId}/competitors', { params: { path }, body: { competitorId: a.id, strength: 0.5 } }), 400);
    fails(await registry.seeded.POST('/companies/{companyId}/competitors', { params: { path }, body: { competitorId: 'ffffffff-ffff-4fff-bfff-fffffffffffb', strength: 0.5 } }), 404);
    expect(await count('competitor_links', 'company_id = $1', [a.id])).toBe(1);
    ok(await registry.seeded.DELETE('/companies/{companyId}/competitors/{linkId}', { params: { path: { ...path, linkId: link.id } } }), 204);
    expect(ok(await registry.seeded.GET('/companies/{companyId}/competitors', { params: { path } }), 200)).toStrictEqual([]);
  });

  test('watchlist: create, replace, read back equal, the list shows the new name, a taken name 409 (replace and create), delete then 404', async () => {
    const wl = await fx.watchlist('first description');
    const path = { watchlistId: wl.id };
    expect(ok(await registry.seeded.GET('/watchlists/{watchlistId}', { params: { path } }), 200)).toStrictEqual(wl);
    const name = unique('renamed');
    const replaced = ok(await registry.seeded.PUT('/watchlists/{watchlistId}', { params: { path }, body: { name, description: null } }), 200);
    expect(replaced).toStrictEqual({ ...wl, name, description: null });
    expect(ok(await registry.seeded.GET('/watchlists/{watchlistId}', { params: { path } }), 200)).toStrictEqual(replaced);
    const all = await allPages(async (limit, offset) => ok(await registry.seeded.GET('/watchlists', { params: { query: { limit, offset } } }), 200));
    expect(all.filter((w) => w.id === wl.id)).toStrictEqual([replaced]);
    const other = await fx.watchlist();
    fails(await registry.seeded.PUT('/watchlists/{watchlistId}', { params: { path: { watchlistId: other.id } }, body: { name } }), 409);
    fails(await registry.seeded.POST('/watchlists', { body: { name } }), 409);
    expect(await count('watchlists', 'name = $1', [name])).toBe(1);
    ok(await registry.seeded.DELETE('/watchlists/{watchlistId}', { params: { path } }), 204);
    fails(await registry.seeded.GET('/watchlists/{watchlistId}', { params: { path } }), 404);
  });

  test('watchlist member: add (201), add again (200, one row), listed with its company, remove, remove again 404', async () => {
    const wl = await fx.watchlist();
    const c = await fx.company();
    const path = { watchlistId: wl.id, companyId: c.id };
    const added = ok(await registry.seeded.PUT('/watchlists/{watchlistId}/members/{companyId}', { params: { path } }), 201);
    expect(added).toMatchObject({ watchlistId: wl.id, company: c });
    expect(ok(await registry.seeded.PUT('/watchlists/{watchlistId}/members/{companyId}', { params: { path } }), 200)).toStrictEqual(added);
    expect(await count('watchlist_members', 'watchlist_id = $1', [wl.id])).toBe(1);
    expect(ok(await registry.seeded.GET('/watchlists/{watchlistId}/members', { params: { path: { watchlistId: wl.id } } }), 200)).toStrictEqual([added]);
    expect(ok(await registry.seeded.GET('/watchlists/{watchlistId}', { params: { path: { watchlistId: wl.id } } }), 200).memberCount).toBe(1);
    ok(await registry.seeded.DELETE('/watchlists/{watchlistId}/members/{companyId}', { params: { path } }), 204);
    expect(ok(await registry.seeded.GET('/watchlists/{watchlistId}/members', { params: { path: { watchlistId: wl.id } } }), 200)).toStrictEqual([]);
    fails(await registry.seeded.DELETE('/watchlists/{watchlistId}/members/{companyId}', { params: { path } }), 404);
  });
});

describe('risk', () => {
  test('lockout: create, read back equal, listed by ticker, delete then 404', async () => {
    const l = await fx.lockout({ reason: 'round trip' });
    expect(l).toMatchObject({ reason: 'round trip', active: true });
    const lockoutId = l.id;
    expect(ok(await risk.seeded.GET('/lockouts/{lockoutId}', { params: { path: { lockoutId } } }), 200)).toStrictEqual(l);
    expect(ok(await risk.seeded.GET('/lockouts', { params: { query: { ticker: l.ticker } } }), 200)).toStrictEqual([l]);
    ok(await risk.seeded.DELETE('/lockouts/{lockoutId}', { params: { path: { lockoutId } } }), 204);
    fails(await risk.seeded.GET('/lockouts/{lockoutId}', { params: { path: { lockoutId } } }), 404);
    fails(await risk.seeded.DELETE('/lockouts/{lockoutId}', { params: { path: { lockoutId } } }), 404);
  });

  test('lockout: a window that ends before it starts is a 400 and leaves no row', async () => {
    const ticker = uniqueTicker();
    fails(await risk.seeded.POST('/lockouts', { body: { ticker, reason: 'backwards', startsAt: '2030-01-02T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' } }), 400);
    expect(await count('symbol_lockouts', 'ticker = $1', [ticker])).toBe(0);
  });
});

describe('trading', () => {
  test('trader: create, read back equal, listed; a taken name 409', async () => {
    const t = await fx.trader();
    expect(ok(await trading.seeded.GET('/traders/{traderId}', { params: { path: { traderId: t.id } } }), 200)).toStrictEqual(t);
    const all = await allPages(async (limit, offset) => ok(await trading.seeded.GET('/traders', { params: { query: { limit, offset } } }), 200));
    expect(all.filter((x) => x.id === t.id)).toStrictEqual([t]);
    fails(await trading.seeded.POST('/traders', { body: { name: t.name } }), 409);
    expect(await count('traders', 'name = $1', [t.name])).toBe(1);
  });

  test('market price: create, read, update, read the update; duplicate 409; unknown ticker 404', async () => {
    const p = await fx.price(42.5);
    const path = { ticker: p.ticker };
    expect(ok(await trading.seeded.GET('/market-prices/{ticker}', { params: { path } }), 200)).toStrictEqual(p);
    const asOf = '2030-02-03T04:05:06.000Z';
    const updated = ok(await trading.seeded.PUT('/market-prices/{ticker}', { params: { path }, body: { price: 43.25, asOf } }), 200);
    expect(updated).toStrictEqual({ ticker: p.ticker, price: 43.25, asOf });
    expect(ok(await trading.seeded.GET('/market-prices/{ticker}', { params: { path } }), 200)).toStrictEqual(updated);
    fails(await trading.seeded.POST('/market-prices', { body: { ticker: p.ticker, price: 1 } }), 409);
    fails(await trading.seeded.PUT('/market-prices/{ticker}', { params: { path: { ticker: uniqueTicker() } }, body: { price: 1 } }), 404);
  });

  test('notification: create, read back equal, the user filter shows exactly it; unknown user 404', async () => {
    const t = await fx.trader();
    const n = ok(await trading.seeded.POST('/notifications', { body: { userId: t.id, channel: 'SLACK', message: 'round trip' } }), 201);
    expect(n).toMatchObject({ userId: t.id, channel: 'SLACK', message: 'round trip', status: 'PENDING', deliveredAt: null });
    expect(ok(await trading.seeded.GET('/notifications/{notificationId}', { params: { path: { notificationId: n.id } } }), 200)).toStrictEqual(n);
    expect(ok(await trading.seeded.GET('/notifications', { params: { query: { userId: t.id } } }), 200)).toStrictEqual([n]);
    const unknown = 'ffffffff-ffff-4fff-bfff-fffffffffffa';
    fails(await trading.seeded.POST('/notifications', { body: { userId: unknown, channel: 'EMAIL', message: 'nobody' } }), 404);
    expect(await count('notifications', 'user_id = $1', [unknown])).toBe(0);
  });

  test('run: create, read back equal, the user filter shows exactly it', async () => {
    const run = await fx.run({ initialCash: 777 });
    expect(ok(await trading.seeded.GET('/runs/{runId}', { params: { path: { runId: run.id } } }), 200)).toStrictEqual(run);
    expect(ok(await trading.seeded.GET('/runs', { params: { query: { userId: run.userId } } }), 200)).toStrictEqual([run]);
  });
});
