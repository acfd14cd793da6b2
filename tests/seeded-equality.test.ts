/**
 * Seeded-equality: every seeded entity read through the API equals its fixture exactly, field by
 * field, types included (toStrictEqual over the API form of tests/support/fixtures.ts, the one
 * place snake_case rows become API fields); deterministic filters return exactly the seeded ids.
 *
 * Read-only: nothing here writes. Lists that other suites add to while we read (companies, runs,
 * approvals...) are compared on their seeded records (fixture ids have the seeded id form; created
 * records have random uuids); the query service's own tables (documents, recommendations,
 * ingestion runs) and risk snapshots have no write path, so their filters are compared whole.
 * The engine config's equality lives in round-trip.test.ts, the one file that replaces it.
 *
 * ALICE's active run: the generated baseline `POST /runs/{runId}/orders returns 201` places a
 * MARKET BUY 1 AAPL on this seeded run (generated/trading/orders.cases.ts). Its cash and AAPL
 * position are therefore checked as fixture + the fills that are not fixtures (read from the
 * trades table while the run's row is held, so no fill lands between that read and the API's:
 * `readWithItsFills`), which is exact with or without that test in the run, and beside it.
 *
 * Mutation tried (scratch copy of the service, run over the sandbox's seeded database):
 * services/trading/rows.ts toRun mapping `initialCash: r.cash` -> caught by "every seeded run
 * equals its fixture (cash: fixture minus fills that are not fixtures)" (RUN_ALICE_ACTIVE
 * initialCash 96000, fixture 100000), and by nothing else in the file; reverted.
 */
import { query } from '../generated/query/client';
import { registry } from '../generated/registry/client';
import { risk } from '../generated/risk/client';
import { trading } from '../generated/trading/client';
import * as id from '../seed/ids';
import { closeDb, connect } from './support/db';
import { apiForm, expected, fixtureRows } from './support/fixtures';
import { allPages as all, fails, ids, ok, seededOnly } from './support/http';

afterAll(closeDb);

const idsOf = (table: string, where: (r: Record<string, unknown>) => boolean = () => true) =>
  fixtureRows(table)
    .filter(where)
    .map((r) => String(r.id));

describe('registry', () => {
  test('every seeded company equals its fixture', async () => {
    for (const companyId of idsOf('companies')) {
      const got = ok(await registry.seeded.GET('/companies/{companyId}', { params: { path: { companyId } } }), 200);
      expect(got).toStrictEqual(expected('companies', companyId));
    }
  });

  test('the company list holds exactly the seeded companies, ordered by ticker', async () => {
    const list = await all(async (limit, offset) =>
      ok(await registry.seeded.GET('/companies', { params: { query: { limit, offset } } }), 200),
    );
    const want = fixtureRows('companies')
      .map((r) => apiForm('companies', r))
      .sort((a, b) => (String(a.ticker) < String(b.ticker) ? -1 : 1));
    expect(seededOnly(list)).toStrictEqual(want);
  });

  test('every seeded alias equals its fixture, per company, ordered by alias', async () => {
    for (const companyId of idsOf('companies')) {
      const got = ok(await registry.seeded.GET('/companies/{companyId}/aliases', { params: { path: { companyId } } }), 200);
      const want = fixtureRows('company_aliases')
        .filter((r) => r.company_id === companyId)
        .map((r) => apiForm('company_aliases', r))
        .sort((a, b) => (String(a.alias) < String(b.alias) ? -1 : 1));
      expect(seededOnly(got)).toStrictEqual(want);
    }
  });

  test('every seeded source equals its fixture, per company, ordered by kind then url', async () => {
    for (const companyId of idsOf('companies')) {
      const got = ok(await registry.seeded.GET('/companies/{companyId}/sources', { params: { path: { companyId } } }), 200);
      const key = (r: Record<string, unknown>) => `${String(r.kind)}\u0000${String(r.url)}`;
      const want = fixtureRows('sources')
        .filter((r) => r.company_id === companyId)
        .map((r) => apiForm('sources', r))
        .sort((a, b) => (key(a) < key(b) ? -1 : 1));
      expect(seededOnly(got)).toStrictEqual(want);
    }
  });

  test('every seeded competitor link equals its fixture, with the competitor ticker and name joined', async () => {
    for (const companyId of idsOf('companies')) {
      const got = ok(await registry.seeded.GET('/companies/{companyId}/competitors', { params: { path: { companyId } } }), 200);
      const want = fixtureRows('competitor_links')
        .filter((r) => r.company_id === companyId)
        .map((r) => apiForm('competitor_links', r))
        .sort((a, b) => (String(a.competitorTicker) < String(b.competitorTicker) ? -1 : 1));
      expect(seededOnly(got)).toStrictEqual(want);
    }
  });

  test('every seeded watchlist equals its fixture, member count included', async () => {
    for (const watchlistId of idsOf('watchlists')) {
      const got = ok(await registry.seeded.GET('/watchlists/{watchlistId}', { params: { path: { watchlistId } } }), 200);
      expect(got).toStrictEqual(expected('watchlists', watchlistId));
    }
  });

  test('the seeded watchlist members equal their fixtures, each with its company, ordered by ticker', async () => {
    for (const watchlistId of idsOf('watchlists')) {
      const got = ok(await registry.seeded.GET('/watchlists/{watchlistId}/members', { params: { path: { watchlistId } } }), 200);
      const want = fixtureRows('watchlist_members')
        .filter((r) => r.watchlist_id === watchlistId)
        .map((r) => apiForm('watchlist_members', r))
        .sort((a, b) => (String((a.company as { ticker: string }).ticker) < String((b.company as { ticker: string }).ticker) ? -1 : 1));
      expect(got).toStrictEqual(want);
    }
  });

  test('deterministic company filters return exactly the seeded ids', async () => {
    const list = async (q: { exchange?: 'NYSE' | 'NASDAQ' | 'LSE' | 'TSX'; isActive?: boolean; sector?: string; q?: string }) =>
      ids(seededOnly(await all(async (limit, offset) => ok(await registry.seeded.GET('/companies', { params: { query: { ...q, limit, offset } } }), 200))));
    expect(await list({ exchange: 'NYSE' })).toEqual([id.COMPANY_DELISTED, id.COMPANY_JPM, id.COMPANY_XOM]);
    expect(await list({ isActive: false })).toEqual([id.COMPANY_DELISTED]);
    expect(await list({ sector: 'Technology' })).toEqual([id.COMPANY_AAPL, id.COMPANY_MSFT, id.COMPANY_NVDA]);
    expect(await list({ exchange: 'LSE' })).toEqual([id.COMPANY_BARE]);
    expect(await list({ q: 'micro' })).toEqual([id.COMPANY_MSFT]);
  });

  test('a source kind filter returns exactly the seeded sources of that kind', async () => {
    const got = ok(
      await registry.seeded.GET('/companies/{companyId}/sources', { params: { path: { companyId: id.COMPANY_AAPL }, query: { kind: 'FILING' } } }),
      200,
    );
    expect(ids(seededOnly(got))).toEqual([id.SOURCE_AAPL_FILING]);
  });
});

describe('risk', () => {
  test('every seeded approval equals its fixture', async () => {
    for (const approvalId of idsOf('operator_approvals')) {
      const got = ok(await risk.seeded.GET('/approvals/{approvalId}', { params: { path: { approvalId } } }), 200);
      expect(got).toStrictEqual(expected('operator_approvals', approvalId));
    }
  });

  test('every seeded lockout equals its fixture, `active` as of now', async () => {
    for (const lockoutId of idsOf('symbol_lockouts')) {
      const got = ok(await risk.seeded.GET('/lockouts/{lockoutId}', { params: { path: { lockoutId } } }), 200);
      expect(got).toStrictEqual(expected('symbol_lockouts', lockoutId));
    }
    expect(expected('symbol_lockouts', id.LOCKOUT_ACTIVE).active).toBe(true);
    expect(expected('symbol_lockouts', id.LOCKOUT_EXPIRED).active).toBe(false);
  });

  test('every seeded snapshot equals its fixture, read by date and listed whole in date order', async () => {
    for (const row of fixtureRows('daily_risk_snapshots')) {
      const snapshotDate = String(row.snapshot_date);
      const got = ok(await risk.seeded.GET('/snapshots/{snapshotDate}', { params: { path: { snapshotDate } } }), 200);
      expect(got).toStrictEqual(apiForm('daily_risk_snapshots', row));
    }
    const list = ok(await risk.seeded.GET('/snapshots'), 200);
    expect(list).toStrictEqual(fixtureRows('daily_risk_snapshots').map((r) => apiForm('daily_risk_snapshots', r)));
  });

  test('a snapshot date range returns exactly the seeded dates inside it', async () => {
    const got = ok(await risk.seeded.GET('/snapshots', { params: { query: { from: '2026-01-03', to: '2026-01-06' } } }), 200);
    expect(got.map((s) => s.snapshotDate)).toEqual(['2026-01-05', '2026-01-06']);
    expect(ids(got)).toEqual([id.RISK_SNAPSHOT_2026_01_05, id.RISK_SNAPSHOT_2026_01_06]);
  });

  test('a reversed snapshot date range is a 400, not an empty list', async () => {
    fails(await risk.seeded.GET('/snapshots', { params: { query: { from: '2026-01-06', to: '2026-01-02' } } }), 400);
  });

  test('approval status and ticker filters return exactly the seeded ids', async () => {
    const list = async (q: { status?: 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED'; ticker?: string }) =>
      ids(seededOnly(await all(async (limit, offset) => ok(await risk.seeded.GET('/approvals', { params: { query: { ...q, limit, offset } } }), 200))));
    expect(await list({ status: 'PENDING' })).toEqual([id.APPROVAL_PENDING]);
    expect(await list({ status: 'APPROVED' })).toEqual([id.APPROVAL_APPROVED]);
    expect(await list({ status: 'REJECTED' })).toEqual([id.APPROVAL_REJECTED]);
    expect(await list({ status: 'EXPIRED' })).toEqual([id.APPROVAL_EXPIRED]);
    expect(await list({ ticker: 'JPM' })).toEqual([id.APPROVAL_REJECTED]);
  });

  test('lockout active and ticker filters return exactly the seeded ids', async () => {
    const list = async (q: { active?: boolean; ticker?: string }) =>
      ids(seededOnly(await all(async (limit, offset) => ok(await risk.seeded.GET('/lockouts', { params: { query: { ...q, limit, offset } } }), 200))));
    expect(await list({ active: true })).toEqual([id.LOCKOUT_ACTIVE]);
    expect(await list({ active: false })).toEqual([id.LOCKOUT_EXPIRED]);
    expect(await list({ ticker: 'NVDA' })).toEqual([id.LOCKOUT_EXPIRED]);
  });
});

/** A fill of a seeded run that is not a fixture (other suites may trade on a seeded run). */
interface Fill {
  ticker: string;
  side: string;
  quantity: number;
  price: number;
  executed_at: Date;
}

/**
 * An API read of a seeded run's state, and the fills that are not fixtures *as that read saw
 * them*. Another file may trade on the run between two reads (the generated baseline places an
 * order on ALICE's active run, and Jest runs it beside this file: once under load the cash read
 * through the API predated a fill that the trades table already had). Every write to a run takes
 * its row lock first (FOR UPDATE, services/trading/handlers/common.ts), so while this holds the
 * row FOR SHARE no fill lands: the fills and the API read describe one state, whichever process
 * comes first. An order placed meanwhile waits a few milliseconds; reads do not wait.
 */
async function readWithItsFills<T>(runId: string, read: () => Promise<T>): Promise<{ got: T; fills: Fill[] }> {
  const client = await connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM strategy_runs WHERE id = $1 FOR SHARE', [runId]);
    const { rows: fills } = await client.query<Fill>(
      `SELECT ticker, side, quantity, price, executed_at FROM trades WHERE run_id = $1 AND NOT (id = ANY($2::uuid[])) ORDER BY executed_at, id`,
      [runId, idsOf('trades')],
    );
    return { got: await read(), fills };
  } finally {
    await client.query('COMMIT').catch(() => undefined);
    client.release();
  }
}

const cents = (n: number) => Math.round(n * 100);
const round4 = (n: number) => Math.round(n * 1e4) / 1e4;

describe('trading', () => {
  test('every seeded trader equals its fixture', async () => {
    for (const traderId of idsOf('traders')) {
      const got = ok(await trading.seeded.GET('/traders/{traderId}', { params: { path: { traderId } } }), 200);
      expect(got).toStrictEqual(expected('traders', traderId));
    }
  });

  test('every seeded market price equals its fixture', async () => {
    for (const row of fixtureRows('market_prices')) {
      const ticker = String(row.ticker);
      const got = ok(await trading.seeded.GET('/market-prices/{ticker}', { params: { path: { ticker } } }), 200);
      expect(got).toStrictEqual(apiForm('market_prices', row));
    }
  });

  test('every seeded run equals its fixture (cash: fixture minus fills that are not fixtures)', async () => {
    for (const runId of idsOf('strategy_runs')) {
      const { got, fills } = await readWithItsFills(runId, async () => ok(await trading.seeded.GET('/runs/{runId}', { params: { path: { runId } } }), 200));
      const want = expected('strategy_runs', runId);
      let cash = cents(Number(want.cash));
      for (const f of fills) cash += (f.side === 'BUY' ? -1 : 1) * cents(f.quantity * f.price);
      expect(got).toStrictEqual({ ...want, cash: cash / 100 });
    }
  });

  test('every seeded order equals its fixture', async () => {
    for (const orderId of idsOf('orders')) {
      const got = ok(await trading.seeded.GET('/orders/{orderId}', { params: { path: { orderId } } }), 200);
      expect(got).toStrictEqual(expected('orders', orderId));
    }
  });

  test('every seeded trade equals its fixture, in execution order', async () => {
    for (const runId of idsOf('strategy_runs')) {
      const got = ok(await trading.seeded.GET('/runs/{runId}/trades', { params: { path: { runId } } }), 200);
      expect(seededOnly(got)).toStrictEqual(fixtureRows('trades').filter((r) => r.run_id === runId).map((r) => apiForm('trades', r)));
    }
  });

  test('the seeded positions equal their fixtures (plus fills that are not fixtures)', async () => {
    for (const runId of idsOf('strategy_runs')) {
      const { got, fills } = await readWithItsFills(runId, async () => ok(await trading.seeded.GET('/runs/{runId}/positions', { params: { path: { runId } } }), 200));
      const want = new Map(fixtureRows('positions').filter((r) => r.run_id === runId).map((r) => [String(r.ticker), apiForm('positions', r)]));
      for (const f of fills) {
        const p = want.get(f.ticker) ?? { runId, userId: got[0]?.userId, ticker: f.ticker, quantity: 0, avgPrice: 0 };
        const q = Number(p.quantity);
        const next =
          f.side === 'BUY'
            ? { quantity: round4(q + f.quantity), avgPrice: round4((q * Number(p.avgPrice) + f.quantity * f.price) / (q + f.quantity)) }
            : { quantity: round4(q - f.quantity), avgPrice: p.avgPrice };
        want.set(f.ticker, { ...p, ...next, updatedAt: f.executed_at.toISOString() });
      }
      expect(got).toStrictEqual([...want.values()].sort((a, b) => (String(a.ticker) < String(b.ticker) ? -1 : 1)));
    }
  });

  test('every seeded decision equals its fixture', async () => {
    for (const runId of idsOf('strategy_runs')) {
      const got = ok(await trading.seeded.GET('/runs/{runId}/decisions', { params: { path: { runId } } }), 200);
      expect(seededOnly(got)).toStrictEqual(fixtureRows('decisions').filter((r) => r.run_id === runId).map((r) => apiForm('decisions', r)));
    }
  });

  test('every seeded notification equals its fixture', async () => {
    for (const notificationId of idsOf('notifications')) {
      const got = ok(await trading.seeded.GET('/notifications/{notificationId}', { params: { path: { notificationId } } }), 200);
      expect(got).toStrictEqual(expected('notifications', notificationId));
    }
  });

  test('run, order, decision and notification filters return exactly the seeded ids', async () => {
    const runs = async (q: { userId?: string; status?: 'RUNNING' | 'STOPPED' | 'ERROR' }) =>
      ids(seededOnly(await all(async (limit, offset) => ok(await trading.seeded.GET('/runs', { params: { query: { ...q, limit, offset } } }), 200))));
    expect(await runs({ userId: id.TRADER_ALICE })).toEqual([id.RUN_ALICE_STOPPED, id.RUN_ALICE_ACTIVE]);
    expect(await runs({ status: 'ERROR' })).toEqual([id.RUN_BOB_ERROR]);
    expect(await runs({ userId: id.TRADER_BOB, status: 'RUNNING' })).toEqual([id.RUN_BOB_ACTIVE]);

    const orders = ok(
      await trading.seeded.GET('/runs/{runId}/orders', { params: { path: { runId: id.RUN_ALICE_ACTIVE }, query: { status: 'PENDING' } } }),
      200,
    );
    expect(ids(seededOnly(orders))).toEqual([id.ORDER_ALICE_NVDA_PENDING]);

    const decisions = async (q: { action?: 'BUY' | 'SELL' | 'HOLD'; ticker?: string }) =>
      ids(seededOnly(ok(await trading.seeded.GET('/runs/{runId}/decisions', { params: { path: { runId: id.RUN_ALICE_ACTIVE }, query: q } }), 200)));
    expect(await decisions({ action: 'BUY' })).toEqual([id.DECISION_ALICE_AAPL_BUY, id.DECISION_ALICE_NVDA_BUY]);
    expect(await decisions({ ticker: 'MSFT' })).toEqual([id.DECISION_ALICE_MSFT_HOLD]);

    const notifications = async (q: { userId?: string; status?: 'PENDING' | 'DELIVERED' | 'FAILED' }) =>
      ids(seededOnly(await all(async (limit, offset) => ok(await trading.seeded.GET('/notifications', { params: { query: { ...q, limit, offset } } }), 200))));
    expect(await notifications({ userId: id.TRADER_ALICE })).toEqual([id.NOTIFICATION_ALICE_FILL_DELIVERED, id.NOTIFICATION_ALICE_REJECT_PENDING]);
    expect(await notifications({ status: 'FAILED' })).toEqual([id.NOTIFICATION_BOB_ERROR_FAILED]);
  });
});

describe('query', () => {
  test('every seeded document equals its fixture, ticker joined', async () => {
    for (const documentId of idsOf('documents')) {
      const got = ok(await query.seeded.GET('/documents/{documentId}', { params: { path: { documentId } } }), 200);
      expect(got).toStrictEqual(expected('documents', documentId));
    }
  });

  test('every seeded recommendation equals its fixture', async () => {
    for (const recommendationId of idsOf('recommendations')) {
      const got = ok(await query.seeded.GET('/recommendations/{recommendationId}', { params: { path: { recommendationId } } }), 200);
      expect(got).toStrictEqual(expected('recommendations', recommendationId));
    }
  });

  test('every seeded ingestion run equals its fixture', async () => {
    for (const runId of idsOf('ingestion_runs')) {
      const got = ok(await query.seeded.GET('/ingestion/runs/{runId}', { params: { path: { runId } } }), 200);
      expect(got).toStrictEqual(expected('ingestion_runs', runId));
    }
  });

  test('document filters return exactly the seeded ids, newest first', async () => {
    const list = async (q: { ticker?: string; docType?: 'NEWS' | 'FILING_10K' | 'FILING_10Q' | 'TRANSCRIPT'; since?: string }) =>
      ids(ok(await query.seeded.GET('/documents', { params: { query: { ...q, limit: 100 } } }), 200));
    expect(await list({ ticker: 'AAPL' })).toEqual([id.DOCUMENT_AAPL_NEWS, id.DOCUMENT_AAPL_10Q, id.DOCUMENT_AAPL_10K, id.DOCUMENT_AAPL_TRANSCRIPT]);
    expect(await list({ docType: 'NEWS' })).toEqual([id.DOCUMENT_AAPL_NEWS, id.DOCUMENT_MSFT_NEWS, id.DOCUMENT_NVDA_NEWS]);
    expect(await list({ since: '2026-01-01T00:00:00.000Z' })).toEqual([id.DOCUMENT_AAPL_NEWS, id.DOCUMENT_MSFT_NEWS, id.DOCUMENT_NVDA_NEWS]);
    expect(await list({ ticker: 'BARE' })).toEqual([]);
    const whole = ok(await query.seeded.GET('/documents', { params: { query: { limit: 100 } } }), 200);
    const want = fixtureRows('documents')
      .map((r) => apiForm('documents', r))
      .sort((a, b) => (a.publishedAt === b.publishedAt ? 0 : String(a.publishedAt) > String(b.publishedAt) ? -1 : 1));
    expect(whole).toStrictEqual(want);
  });

  test('recommendation filters return exactly the seeded ids, newest first', async () => {
    const list = async (q: { ticker?: string; rating?: 'BUY' | 'HOLD' | 'SELL' }) =>
      ids(ok(await query.seeded.GET('/recommendations', { params: { query: q } }), 200));
    expect(await list({ rating: 'BUY' })).toEqual([id.RECOMMENDATION_AAPL_BUY, id.RECOMMENDATION_NVDA_BUY]);
    expect(await list({ ticker: 'AAPL' })).toEqual([id.RECOMMENDATION_AAPL_BUY, id.RECOMMENDATION_AAPL_HOLD_OLD]);
    expect(await list({ rating: 'SELL' })).toEqual([id.RECOMMENDATION_TSLA_SELL]);
  });

  test('ingestion runs: the status filter and the summary are exactly the seeded ones', async () => {
    const list = async (status?: 'RUNNING' | 'COMPLETED' | 'FAILED') =>
      ids(ok(await query.seeded.GET('/ingestion/runs', { params: { query: status ? { status } : {} } }), 200));
    expect(await list('FAILED')).toEqual([id.INGESTION_RUN_02]);
    expect(await list()).toEqual([id.INGESTION_RUN_03, id.INGESTION_RUN_02, id.INGESTION_RUN_01]);
    const summary = ok(await query.seeded.GET('/ingestion/summary'), 200);
    expect(summary).toStrictEqual({
      totalRuns: 3,
      byStatus: { RUNNING: 1, COMPLETED: 1, FAILED: 1 },
      documentsIngested: 11,
      lastRunPerSource: [expected('ingestion_runs', id.INGESTION_RUN_03), expected('ingestion_runs', id.INGESTION_RUN_01)],
    });
  });

  test('the overview of a seeded company is assembled exactly from the fixtures', async () => {
    const got = ok(await query.seeded.GET('/companies/{ticker}/overview', { params: { path: { ticker: 'NVDA' } } }), 200);
    expect(got).toStrictEqual({
      company: expected('companies', id.COMPANY_NVDA),
      aliases: ['Nvidia'],
      sourceCounts: { NEWS: 0, FILING: 0, SOCIAL: 0, RSS: 1 },
      latestRecommendation: expected('recommendations', id.RECOMMENDATION_NVDA_BUY),
      documentCount: 4,
      activeLockout: false,
      competitors: ['MSFT'],
    });
    const tsla = ok(await query.seeded.GET('/companies/{ticker}/overview', { params: { path: { ticker: 'TSLA' } } }), 200);
    expect(tsla.activeLockout).toBe(true);
  });

  test('the competitor view of a seeded company joins the latest recommendation', async () => {
    const got = ok(await query.seeded.GET('/companies/{ticker}/competitors', { params: { path: { ticker: 'NVDA' } } }), 200);
    expect(got).toStrictEqual([
      { companyId: id.COMPANY_MSFT, ticker: 'MSFT', name: 'Microsoft Corporation', strength: 0.35, latestRecommendation: expected('recommendations', id.RECOMMENDATION_MSFT_HOLD) },
    ]);
  });

  test('the portfolio of a seeded trader is computed exactly from the fixtures', async () => {
    const got = ok(await query.seeded.GET('/portfolio/{userId}/summary', { params: { path: { userId: id.TRADER_BOB } } }), 200);
    expect(got).toStrictEqual({ userId: id.TRADER_BOB, runningRuns: 1, cash: 25000, marketValue: 0, equity: 25000, positions: [] });
  });
});
