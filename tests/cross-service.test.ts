/**
 * Cross-service: write through registry, risk or trading, read through query (company overview,
 * competitor view, portfolio); the risk evaluation of an order sees the registry's inactive
 * companies and the lockouts and approvals created in the test. The services share one database,
 * so a read is immediate today; reads go through `eventually` anyway, as the contract promises
 * consistency, not a delay (a projection may replace the join one day).
 *
 * Mutation tried (scratch copy of the service): services/risk/handlers/evaluations.ts with the
 * `!company.is_active` branch disabled -> caught by "an order for a company the registry marks
 * inactive is rejected (INACTIVE_SYMBOL)" (APPROVE) and "inactive in the registry and locked in
 * risk: both reasons, registry first"; reverted.
 */
import { query } from '../generated/query/client';
import { registry } from '../generated/registry/client';
import { risk } from '../generated/risk/client';
import { trading } from '../generated/trading/client';
import { eventually } from './support/eventually';
import { uniqueTicker, useFixtures } from './support/factories';
import { fails, ok } from './support/http';

const fx = useFixtures();

const overview = async (ticker: string) => ok(await query.seeded.GET('/companies/{ticker}/overview', { params: { path: { ticker } } }), 200);
const portfolio = async (userId: string) => ok(await query.seeded.GET('/portfolio/{userId}/summary', { params: { path: { userId } } }), 200);
const evaluate = async (ticker: string, quantity = 10, price = 100, side: 'BUY' | 'SELL' = 'BUY') =>
  ok(await risk.seeded.POST('/evaluations', { body: { ticker, side, quantity, price } }), 200);

describe('registry -> query', () => {
  test('a company created in the registry appears in the query overview, with empty parts', async () => {
    const c = await fx.company({ name: 'Cross Service Corp', sector: 'Energy', exchange: 'LSE' });
    const got = await eventually(() => overview(c.ticker));
    expect(got).toStrictEqual({
      company: c,
      aliases: [],
      sourceCounts: { NEWS: 0, FILING: 0, SOCIAL: 0, RSS: 0 },
      latestRecommendation: null,
      documentCount: 0,
      activeLockout: false,
      competitors: [],
    });
  });

  test('aliases, sources and competitors written in the registry show in the overview and the competitor view', async () => {
    const c = await fx.company();
    const strong = await fx.company();
    const weak = await fx.company();
    const path = { companyId: c.id };
    for (const alias of ['Zeta', 'Alpha']) ok(await registry.seeded.POST('/companies/{companyId}/aliases', { params: { path }, body: { alias } }), 201);
    for (const [kind, n] of [['NEWS', 1], ['FILING', 2]] as const) {
      ok(await registry.seeded.POST('/companies/{companyId}/sources', { params: { path }, body: { kind, url: `https://x.example.com/${c.ticker}/${kind}/${n}` } }), 201);
    }
    ok(await registry.seeded.POST('/companies/{companyId}/sources', { params: { path }, body: { kind: 'FILING', url: `https://x.example.com/${c.ticker}/second` } }), 201);
    ok(await registry.seeded.POST('/companies/{companyId}/competitors', { params: { path }, body: { competitorId: weak.id, strength: 0.2 } }), 201);
    ok(await registry.seeded.POST('/companies/{companyId}/competitors', { params: { path }, body: { competitorId: strong.id, strength: 0.9 } }), 201);

    await eventually(async () => {
      const got = await overview(c.ticker);
      expect(got.aliases).toEqual(['Alpha', 'Zeta']);
      expect(got.sourceCounts).toEqual({ NEWS: 1, FILING: 2, SOCIAL: 0, RSS: 0 });
      expect(got.competitors).toEqual([strong.ticker, weak.ticker]);
    });
    const view = ok(await query.seeded.GET('/companies/{ticker}/competitors', { params: { path: { ticker: c.ticker } } }), 200);
    expect(view).toStrictEqual([
      { companyId: strong.id, ticker: strong.ticker, name: strong.name, strength: 0.9, latestRecommendation: null },
      { companyId: weak.id, ticker: weak.ticker, name: weak.name, strength: 0.2, latestRecommendation: null },
    ]);
  });

  test('an update in the registry shows in the overview; a delete makes it a 404', async () => {
    const c = await fx.company();
    ok(await registry.seeded.PATCH('/companies/{companyId}', { params: { path: { companyId: c.id } }, body: { isActive: false, name: 'Renamed Cross' } }), 200);
    await eventually(async () => expect((await overview(c.ticker)).company).toStrictEqual({ ...c, isActive: false, name: 'Renamed Cross' }));
    ok(await registry.seeded.DELETE('/companies/{companyId}', { params: { path: { companyId: c.id } } }), 204);
    await eventually(async () => fails(await query.seeded.GET('/companies/{ticker}/overview', { params: { path: { ticker: c.ticker } } }), 404));
  });
});

describe('risk -> query', () => {
  test('a lockout created in risk flags the overview while in force; deleting it clears the flag', async () => {
    const c = await fx.company();
    const lockout = await fx.lockout({ ticker: c.ticker });
    await eventually(async () => expect((await overview(c.ticker)).activeLockout).toBe(true));
    ok(await risk.seeded.DELETE('/lockouts/{lockoutId}', { params: { path: { lockoutId: lockout.id } } }), 204);
    await eventually(async () => expect((await overview(c.ticker)).activeLockout).toBe(false));
  });

  test('lockouts that are not in force (ended, or not yet started) do not flag the overview', async () => {
    const c = await fx.company();
    await fx.lockout({ ticker: c.ticker, startsAt: '2025-01-01T00:00:00Z', endsAt: '2025-02-01T00:00:00Z' });
    await fx.lockout({ ticker: c.ticker, startsAt: '2098-01-01T00:00:00Z', endsAt: '2099-01-01T00:00:00Z' });
    expect((await overview(c.ticker)).activeLockout).toBe(false);
  });
});

describe('trading -> query', () => {
  test('a fill in trading shows in the portfolio: running runs, cash, positions at the last price, equity', async () => {
    const { ticker } = await fx.price(40);
    const run = await fx.run({ initialCash: 1_000 });
    ok(await trading.seeded.POST('/runs/{runId}/orders', { params: { path: { runId: run.id } }, body: { ticker, side: 'BUY', orderType: 'MARKET', quantity: 5 } }), 201);
    const want = {
      userId: run.userId,
      runningRuns: 1,
      cash: 800,
      marketValue: 200,
      equity: 1_000,
      positions: [{ runId: run.id, runStatus: 'RUNNING', ticker, quantity: 5, avgPrice: 40, lastPrice: 40, marketValue: 200 }],
    };
    await eventually(async () => expect(await portfolio(run.userId)).toStrictEqual(want));

    ok(await trading.seeded.PUT('/market-prices/{ticker}', { params: { path: { ticker } }, body: { price: 45.5 } }), 200);
    await eventually(async () =>
      expect(await portfolio(run.userId)).toStrictEqual({
        ...want,
        marketValue: 227.5,
        equity: 1_027.5,
        positions: [{ ...want.positions[0], lastPrice: 45.5, marketValue: 227.5 }],
      }),
    );
  });

  test('stopping the run in trading: its cash leaves the portfolio, its position stays with runStatus STOPPED', async () => {
    const { ticker } = await fx.price(10);
    const run = await fx.run({ initialCash: 500 });
    ok(await trading.seeded.POST('/runs/{runId}/orders', { params: { path: { runId: run.id } }, body: { ticker, side: 'BUY', orderType: 'MARKET', quantity: 3 } }), 201);
    ok(await trading.seeded.POST('/runs/{runId}/stop', { params: { path: { runId: run.id } } }), 200);
    await eventually(async () =>
      expect(await portfolio(run.userId)).toStrictEqual({
        userId: run.userId,
        runningRuns: 0,
        cash: 0,
        marketValue: 30,
        equity: 30,
        positions: [{ runId: run.id, runStatus: 'STOPPED', ticker, quantity: 3, avgPrice: 10, lastPrice: 10, marketValue: 30 }],
      }),
    );
  });

  test('a trader created in trading has an empty portfolio; an unknown trader is a 404', async () => {
    const t = await fx.trader();
    expect(await eventually(() => portfolio(t.id))).toStrictEqual({ userId: t.id, runningRuns: 0, cash: 0, marketValue: 0, equity: 0, positions: [] });
    fails(await query.seeded.GET('/portfolio/{userId}/summary', { params: { path: { userId: 'ffffffff-ffff-4fff-bfff-fffffffffff9' } } }), 404);
  });
});

describe('risk evaluation sees registry and risk state', () => {
  test('an order for an active registry company with no lockout is approved', async () => {
    const c = await fx.company();
    expect(await evaluate(c.ticker)).toStrictEqual({ ticker: c.ticker, side: 'BUY', quantity: 10, price: 100, notional: 1000, decision: 'APPROVE', approvalId: null, reasons: [] });
  });

  test('an order for a company the registry marks inactive is rejected (INACTIVE_SYMBOL)', async () => {
    const c = await fx.company();
    ok(await registry.seeded.PATCH('/companies/{companyId}', { params: { path: { companyId: c.id } }, body: { isActive: false } }), 200);
    const got = await eventually(async () => {
      const e = await evaluate(c.ticker);
      expect(e.decision).toBe('REJECT');
      return e;
    });
    expect(got.reasons.map((r) => r.code)).toEqual(['INACTIVE_SYMBOL']);
    const seeded = await evaluate('DLST'); // COMPANY_DELISTED, read only
    expect([seeded.decision, seeded.reasons.map((r) => r.code)]).toEqual(['REJECT', ['INACTIVE_SYMBOL']]);
  });

  test('a ticker the registry does not know is rejected (UNKNOWN_SYMBOL)', async () => {
    const got = await evaluate(uniqueTicker());
    expect([got.decision, got.reasons.map((r) => r.code)]).toEqual(['REJECT', ['UNKNOWN_SYMBOL']]);
  });

  test('a lockout created in risk rejects the order (SYMBOL_LOCKED) until it is deleted', async () => {
    const c = await fx.company();
    const lockout = await fx.lockout({ ticker: c.ticker, reason: 'cross-service blackout' });
    const locked = await evaluate(c.ticker);
    expect(locked.decision).toBe('REJECT');
    expect(locked.reasons).toEqual([{ code: 'SYMBOL_LOCKED', message: expect.stringContaining('cross-service blackout') }]);
    ok(await risk.seeded.DELETE('/lockouts/{lockoutId}', { params: { path: { lockoutId: lockout.id } } }), 204);
    expect((await evaluate(c.ticker)).decision).toBe('APPROVE');
    const seeded = await evaluate('TSLA'); // LOCKOUT_ACTIVE, read only
    expect(seeded.reasons.map((r) => r.code)).toEqual(['SYMBOL_LOCKED']);
  });

  test('inactive in the registry and locked in risk: both reasons, registry first', async () => {
    const c = await fx.company({ isActive: false });
    await fx.lockout({ ticker: c.ticker });
    const got = await evaluate(c.ticker);
    expect([got.decision, got.reasons.map((r) => r.code)]).toEqual(['REJECT', ['INACTIVE_SYMBOL', 'SYMBOL_LOCKED']]);
  });

  test('above the notional limit: REQUIRES_APPROVAL until an approval created and approved in risk covers it, and again once it expires', async () => {
    const c = await fx.company();
    const big = () => evaluate(c.ticker, 3_000, 100); // 300,000 > 250,000
    expect((await big()).decision).toBe('REQUIRES_APPROVAL');
    const approval = await fx.approval({ ticker: c.ticker, side: 'BUY', quantity: 3_000 });
    expect((await big()).decision).toBe('REQUIRES_APPROVAL'); // PENDING does not count
    ok(await risk.seeded.POST('/approvals/{approvalId}/approve', { params: { path: { approvalId: approval.id } }, body: { decidedBy: 'desk-head' } }), 200);
    const covered = await big();
    expect([covered.decision, covered.approvalId, covered.reasons.map((r) => r.code)]).toEqual(['APPROVE', approval.id, ['APPROVAL_ON_FILE']]);
    expect((await evaluate(c.ticker, 3_000, 100, 'SELL')).decision).toBe('REQUIRES_APPROVAL'); // the approval is for BUY
    ok(await risk.seeded.POST('/approvals/{approvalId}/expire', { params: { path: { approvalId: approval.id } } }), 200);
    expect((await big()).decision).toBe('REQUIRES_APPROVAL');
  });
});
