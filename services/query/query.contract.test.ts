import { Client } from 'pg';
import { startTestService, type TestService } from '../testing/test-service';
import {
  COMPANY_AAPL,
  COMPANY_BARE,
  COMPANY_NVDA,
  COMPANY_TSLA,
  LOCKOUT_ACTIVE,
  LOCKOUT_EXPIRED,
  TRADER_ALICE,
  TRADER_BOB,
  TRADER_CAROL,
} from '../../seed/ids';
import * as q from '../../seed/ids/query';
import { expectMatchesContract, isoOf, seededRows } from './contract-helpers';

/**
 * The query service's contract against a real database: seeded values come back exactly,
 * filters, order and paging hold, bad input is a located 422 (never a 500), unknown resources are a
 * JSON 404, empty lists are 200 []. Values owned by other services are derived from their fixtures
 * (seededRows), so these tests follow what the registry, risk and trading fixtures contain.
 */
const UNKNOWN_ID = '00000000-0000-4000-8fff-000000000999';

function byTicker(ticker: string) {
  const company = seededRows('companies').find((c) => c.ticker === ticker);
  if (!company) throw new Error(`no seeded company ${ticker}`);
  return company;
}
const tickerOf = (companyId: string) => seededRows('companies').find((c) => c.id === companyId)?.ticker as string;

function expectedDocument(row: Record<string, any>) {
  return {
    id: row.id,
    companyId: row.company_id,
    ticker: tickerOf(row.company_id),
    docType: row.doc_type,
    title: row.title,
    url: row.url,
    publishedAt: isoOf(row.published_at),
    sentiment: row.sentiment,
  };
}
function expectedRecommendation(row: Record<string, any>) {
  return {
    id: row.id,
    companyId: row.company_id,
    ticker: tickerOf(row.company_id),
    rating: row.rating,
    targetPrice: row.target_price,
    rationale: row.rationale,
    createdAt: isoOf(row.created_at),
  };
}
const newestFirst = (key: string) => (a: Record<string, any>, b: Record<string, any>) =>
  isoOf(b[key]).localeCompare(isoOf(a[key])) || String(a.id).localeCompare(String(b.id));
const latestRecommendationOf = (companyId: string) =>
  seededRows('recommendations').filter((r) => r.company_id === companyId).sort(newestFirst('created_at'))[0];

function expectJsonError(res: { status: number; body: any; contentType: string }, status: number) {
  expect(res.status).toBe(status);
  expect(res.contentType).toMatch(/^application\/json/);
  if (status === 422) {
    expect(Array.isArray(res.body.detail)).toBe(true);
    expectMatchesContract('listDocuments', 422, res.body);
  } else {
    expect(typeof res.body.detail).toBe('string');
  }
}

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('query');
});
afterAll(async () => {
  await svc?.close();
});

test('GET /health answers ok', async () => {
  const res = await svc.request('GET', '/health');
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('ok');
  expectMatchesContract('queryHealth', 200, res.body);
});

describe('GET /companies/{ticker}/overview', () => {
  test('AAPL: company, aliases, source counts, latest recommendation, documents, lockout, competitors', async () => {
    const res = await svc.request('GET', '/companies/AAPL/overview');
    expect(res.status).toBe(200);
    expectMatchesContract('getCompanyOverview', 200, res.body);
    const c = byTicker('AAPL');
    const sourceCounts: Record<string, number> = { NEWS: 0, FILING: 0, SOCIAL: 0, RSS: 0 };
    for (const s of seededRows('sources').filter((r) => r.company_id === COMPANY_AAPL)) sourceCounts[s.kind] = (sourceCounts[s.kind] ?? 0) + 1;
    const now = Date.now();
    const links = seededRows('competitor_links').filter((l) => l.company_id === COMPANY_AAPL);
    expect(res.body).toEqual({
      company: { id: COMPANY_AAPL, ticker: 'AAPL', name: c.name, sector: c.sector, exchange: c.exchange, isActive: c.is_active, createdAt: isoOf(c.created_at) },
      aliases: seededRows('company_aliases').filter((a) => a.company_id === COMPANY_AAPL).map((a) => a.alias).sort(),
      sourceCounts,
      latestRecommendation: expectedRecommendation(latestRecommendationOf(COMPANY_AAPL)!),
      documentCount: 4,
      activeLockout: seededRows('symbol_lockouts').some(
        (l) => l.ticker === 'AAPL' && Date.parse(l.starts_at) <= now && Date.parse(l.ends_at) > now,
      ),
      competitors: links
        .sort((a, b) => Number(b.strength ?? 0.5) - Number(a.strength ?? 0.5) || tickerOf(a.competitor_id).localeCompare(tickerOf(b.competitor_id)))
        .map((l) => tickerOf(l.competitor_id)),
    });
    // The latest of AAPL's two recommendations wins.
    expect(res.body.latestRecommendation.id).toBe(q.RECOMMENDATION_AAPL_BUY);
  });

  test('a company with nothing attached: empty arrays, zero counts, null recommendation', async () => {
    const res = await svc.request('GET', '/companies/BARE/overview');
    expect(res.status).toBe(200);
    expectMatchesContract('getCompanyOverview', 200, res.body);
    expect(res.body.company.id).toBe(COMPANY_BARE);
    expect(res.body).toMatchObject({
      aliases: [],
      sourceCounts: { NEWS: 0, FILING: 0, SOCIAL: 0, RSS: 0 },
      latestRecommendation: null,
      documentCount: 0,
      competitors: [],
    });
  });

  test('activeLockout follows the seeded lockouts: the active one true, the expired one false', async () => {
    const now = Date.now();
    const lockouts = seededRows('symbol_lockouts');
    const activeFor = (ticker: string) => lockouts.some((l) => l.ticker === ticker && Date.parse(l.starts_at) <= now && Date.parse(l.ends_at) > now);
    for (const [lockoutId, want] of [[LOCKOUT_ACTIVE, true], [LOCKOUT_EXPIRED, false]] as const) {
      const ticker = lockouts.find((l) => l.id === lockoutId)?.ticker as string | undefined;
      if (!ticker || !seededRows('companies').some((c) => c.ticker === ticker)) continue; // not seeded (yet)
      const res = await svc.request('GET', `/companies/${ticker}/overview`);
      expect(res.status).toBe(200);
      expect(res.body.activeLockout).toBe(want || activeFor(ticker));
    }
  });

  test('an inactive company still has an overview', async () => {
    const res = await svc.request('GET', '/companies/DLST/overview');
    expect(res.status).toBe(200);
    expect(res.body.company.isActive).toBe(false);
  });

  test('unknown ticker is a JSON 404', async () => {
    expectJsonError(await svc.request('GET', '/companies/ZZZZ/overview'), 404);
  });

  test.each([['aapl'], ['TOOLONGTICKER'], ['1ABC'], ['A%20B']])('malformed ticker %s is a 422 located at the path', async (ticker) => {
    const res = await svc.request('GET', `/companies/${ticker}/overview`);
    expectJsonError(res, 422);
    expect(res.body.detail[0].loc).toEqual(['path', 'ticker']);
  });
});

describe('GET /companies/{ticker}/competitors', () => {
  test('AAPL: each competitor with its latest recommendation, strongest first', async () => {
    const res = await svc.request('GET', '/companies/AAPL/competitors');
    expect(res.status).toBe(200);
    expectMatchesContract('listCompanyCompetitors', 200, res.body);
    const links = seededRows('competitor_links').filter((l) => l.company_id === COMPANY_AAPL);
    expect(res.body.map((c: any) => c.companyId).sort()).toEqual(links.map((l) => l.competitor_id).sort());
    for (const competitor of res.body) {
      const latest = latestRecommendationOf(competitor.companyId);
      expect(competitor.latestRecommendation).toEqual(latest ? expectedRecommendation(latest) : null);
    }
  });

  test('a company without competitors: 200 []', async () => {
    const res = await svc.request('GET', '/companies/BARE/competitors');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  test('unknown ticker 404, malformed ticker 422', async () => {
    expectJsonError(await svc.request('GET', '/companies/ZZZZ/competitors'), 404);
    expectJsonError(await svc.request('GET', '/companies/bad!/competitors'), 422);
  });
});

describe('documents', () => {
  const allDocuments = () => seededRows('documents').sort(newestFirst('published_at'));

  test('GET /documents: every document, newest first, exactly as seeded', async () => {
    const res = await svc.request('GET', '/documents');
    expect(res.status).toBe(200);
    expectMatchesContract('listDocuments', 200, res.body);
    expect(res.body).toEqual(allDocuments().map(expectedDocument));
    expect(res.body).toHaveLength(12);
    expect(res.body[0].id).toBe(q.DOCUMENT_AAPL_NEWS);
  });

  test.each([
    ['ticker=AAPL', [q.DOCUMENT_AAPL_NEWS, q.DOCUMENT_AAPL_10Q, q.DOCUMENT_AAPL_10K, q.DOCUMENT_AAPL_TRANSCRIPT]],
    ['docType=NEWS', [q.DOCUMENT_AAPL_NEWS, q.DOCUMENT_MSFT_NEWS, q.DOCUMENT_NVDA_NEWS]],
    ['ticker=NVDA&docType=FILING_10K', [q.DOCUMENT_NVDA_10K]],
    ['since=2026-01-04T00:00:00Z', [q.DOCUMENT_AAPL_NEWS, q.DOCUMENT_MSFT_NEWS]],
    ['since=2026-01-04T09:30:00.000Z', [q.DOCUMENT_AAPL_NEWS, q.DOCUMENT_MSFT_NEWS]],
    ['limit=2&offset=1', [q.DOCUMENT_MSFT_NEWS, q.DOCUMENT_NVDA_NEWS]],
    ['ticker=BARE', []],
    ['ticker=ZZZZ', []],
    ['offset=12', []],
  ])('GET /documents?%s', async (search, ids) => {
    const res = await svc.request('GET', `/documents?${search}`);
    expect(res.status).toBe(200);
    expectMatchesContract('listDocuments', 200, res.body);
    expect(res.body.map((d: any) => d.id)).toEqual(ids);
  });

  test.each([
    ['docType=MEMO', 'docType'],
    ['ticker=aapl', 'ticker'],
    ['since=yesterday', 'since'],
    ['since=2026-01-04', 'since'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=1.5', 'limit'],
    ['offset=-1', 'offset'],
    ['offset=99999999999999999999', 'offset'],
  ])('GET /documents?%s is a 422 located at the query', async (search, name) => {
    const res = await svc.request('GET', `/documents?${search}`);
    expectJsonError(res, 422);
    expect(res.body.detail.map((i: any) => i.loc)).toContainEqual(['query', name]);
  });

  test('GET /documents/{documentId}: exact, with a null sentiment kept null', async () => {
    for (const id of [q.DOCUMENT_AAPL_10K, q.DOCUMENT_MSFT_TRANSCRIPT]) {
      const res = await svc.request('GET', `/documents/${id}`);
      expect(res.status).toBe(200);
      expectMatchesContract('getDocument', 200, res.body);
      expect(res.body).toEqual(expectedDocument(seededRows('documents').find((d) => d.id === id)!));
    }
    expect((await svc.request('GET', `/documents/${q.DOCUMENT_MSFT_TRANSCRIPT}`)).body.sentiment).toBeNull();
  });

  test('GET /documents/{documentId}: unknown 404, malformed 422', async () => {
    expectJsonError(await svc.request('GET', `/documents/${UNKNOWN_ID}`), 404);
    const res = await svc.request('GET', '/documents/not-a-uuid');
    expectJsonError(res, 422);
    expect(res.body.detail[0].loc).toEqual(['path', 'documentId']);
  });
});

describe('recommendations', () => {
  test('GET /recommendations: newest first, exactly as seeded', async () => {
    const res = await svc.request('GET', '/recommendations');
    expect(res.status).toBe(200);
    expectMatchesContract('listRecommendations', 200, res.body);
    expect(res.body).toEqual(seededRows('recommendations').sort(newestFirst('created_at')).map(expectedRecommendation));
  });

  test.each([
    ['ticker=AAPL', [q.RECOMMENDATION_AAPL_BUY, q.RECOMMENDATION_AAPL_HOLD_OLD]],
    ['rating=SELL', [q.RECOMMENDATION_TSLA_SELL]],
    ['rating=HOLD', [q.RECOMMENDATION_MSFT_HOLD, q.RECOMMENDATION_AAPL_HOLD_OLD]],
    ['ticker=NVDA&rating=BUY', [q.RECOMMENDATION_NVDA_BUY]],
    ['ticker=NVDA&rating=SELL', []],
    ['ticker=BARE', []],
    ['limit=1&offset=1', [q.RECOMMENDATION_MSFT_HOLD]],
  ])('GET /recommendations?%s', async (search, ids) => {
    const res = await svc.request('GET', `/recommendations?${search}`);
    expect(res.status).toBe(200);
    expect(res.body.map((r: any) => r.id)).toEqual(ids);
  });

  test.each([['rating=STRONG_BUY'], ['ticker=x'], ['limit=500'], ['offset=abc']])('GET /recommendations?%s is a 422', async (search) => {
    expectJsonError(await svc.request('GET', `/recommendations?${search}`), 422);
  });

  test('GET /recommendations/{id}: exact; unknown 404; malformed 422', async () => {
    const res = await svc.request('GET', `/recommendations/${q.RECOMMENDATION_TSLA_SELL}`);
    expect(res.status).toBe(200);
    expectMatchesContract('getRecommendation', 200, res.body);
    expect(res.body).toEqual({
      id: q.RECOMMENDATION_TSLA_SELL,
      companyId: COMPANY_TSLA,
      ticker: 'TSLA',
      rating: 'SELL',
      targetPrice: 180,
      rationale: 'Delivery growth slowing while price cuts compress margins.',
      createdAt: '2026-01-02T15:00:00.000Z',
    });
    expectJsonError(await svc.request('GET', `/recommendations/${UNKNOWN_ID}`), 404);
    expectJsonError(await svc.request('GET', '/recommendations/12345'), 422);
  });
});

describe('GET /portfolio/{userId}/summary', () => {
  /** quantity x price (both numeric(18,4)) in cents, rounded half away from zero as Postgres round() does. */
  function centsOfProduct(quantity: number, price: number): number {
    const product = BigInt(Math.round(quantity * 1e4)) * BigInt(Math.round(price * 1e4)); // units of 1e-8
    return Number((product + 500_000n) / 1_000_000n);
  }

  /** The summary the seeded trading fixtures imply, computed independently of the service's SQL. */
  function expectedSummary(userId: string) {
    const runs = seededRows('strategy_runs').filter((r) => r.user_id === userId);
    const running = runs.filter((r) => (r.status ?? 'RUNNING') === 'RUNNING');
    const prices = new Map(seededRows('market_prices').map((p) => [p.ticker, Number(p.price)]));
    const positions = seededRows('positions')
      .filter((p) => p.user_id === userId && Number(p.quantity) > 0)
      .sort((a, b) => a.ticker.localeCompare(b.ticker) || a.run_id.localeCompare(b.run_id))
      .map((p) => {
        const lastPrice = prices.get(p.ticker) ?? null;
        return {
          runId: p.run_id,
          runStatus: runs.find((r) => r.id === p.run_id)?.status ?? 'RUNNING',
          ticker: p.ticker,
          quantity: Number(p.quantity),
          avgPrice: Number(p.avg_price),
          lastPrice,
          marketValue: centsOfProduct(Number(p.quantity), lastPrice ?? Number(p.avg_price)) / 100,
        };
      });
    const cashCents = running.reduce((s, r) => s + Math.round(Number(r.cash) * 100), 0);
    const mvCents = positions.reduce((s, p) => s + Math.round(p.marketValue * 100), 0);
    return { userId, runningRuns: running.length, cash: cashCents / 100, marketValue: mvCents / 100, equity: (cashCents + mvCents) / 100, positions };
  }

  test.each([['alice', TRADER_ALICE], ['bob', TRADER_BOB]])('%s: as the seeded runs, positions and prices imply', async (_name, userId) => {
    const res = await svc.request('GET', `/portfolio/${userId}/summary`);
    expect(res.status).toBe(200);
    expectMatchesContract('getPortfolioSummary', 200, res.body);
    expect(res.body).toEqual(expectedSummary(userId));
  });

  test('a trader without runs: zeros and positions []', async () => {
    const res = await svc.request('GET', `/portfolio/${TRADER_CAROL}/summary`);
    expect(res.status).toBe(200);
    expectMatchesContract('getPortfolioSummary', 200, res.body);
    expect(res.body).toEqual({ userId: TRADER_CAROL, runningRuns: 0, cash: 0, marketValue: 0, equity: 0, positions: [] });
  });

  test('unknown trader 404, malformed id 422', async () => {
    expectJsonError(await svc.request('GET', `/portfolio/${UNKNOWN_ID}/summary`), 404);
    const res = await svc.request('GET', '/portfolio/alice/summary');
    expectJsonError(res, 422);
    expect(res.body.detail[0].loc).toEqual(['path', 'userId']);
  });
});

describe('ingestion', () => {
  const run01 = {
    id: q.INGESTION_RUN_01,
    source: 'sec-edgar',
    status: 'COMPLETED',
    startedAt: '2026-01-05T06:00:00.000Z',
    finishedAt: '2026-01-05T06:04:30.000Z',
    documentsIngested: 8,
    error: null,
  };
  const run02 = {
    id: q.INGESTION_RUN_02,
    source: 'newswire',
    status: 'FAILED',
    startedAt: '2026-01-05T07:00:00.000Z',
    finishedAt: '2026-01-05T07:00:45.000Z',
    documentsIngested: 0,
    error: 'upstream returned HTTP 503 after 3 retries',
  };
  const run03 = {
    id: q.INGESTION_RUN_03,
    source: 'newswire',
    status: 'RUNNING',
    startedAt: '2026-01-05T14:00:00.000Z',
    finishedAt: null,
    documentsIngested: 3,
    error: null,
  };

  test('GET /ingestion/summary: counts by status, documents ingested, latest run per source', async () => {
    const res = await svc.request('GET', '/ingestion/summary');
    expect(res.status).toBe(200);
    expectMatchesContract('getIngestionSummary', 200, res.body);
    expect(res.body).toEqual({
      totalRuns: 3,
      byStatus: { RUNNING: 1, COMPLETED: 1, FAILED: 1 },
      documentsIngested: 11,
      lastRunPerSource: [run03, run01],
    });
  });

  test.each([
    ['', [run03, run02, run01]],
    ['?status=FAILED', [run02]],
    ['?status=COMPLETED', [run01]],
    ['?status=RUNNING&offset=1', []],
    ['?limit=1', [run03]],
  ])('GET /ingestion/runs%s', async (search, runs) => {
    const res = await svc.request('GET', `/ingestion/runs${search}`);
    expect(res.status).toBe(200);
    expectMatchesContract('listIngestionRuns', 200, res.body);
    expect(res.body).toEqual(runs);
  });

  test('GET /ingestion/runs?status=PAUSED is a 422', async () => {
    const res = await svc.request('GET', '/ingestion/runs?status=PAUSED');
    expectJsonError(res, 422);
    expect(res.body.detail[0].loc).toEqual(['query', 'status']);
  });

  test('GET /ingestion/runs/{runId}: exact; unknown 404; malformed 422', async () => {
    for (const run of [run01, run02, run03]) {
      const res = await svc.request('GET', `/ingestion/runs/${run.id}`);
      expect(res.status).toBe(200);
      expectMatchesContract('getIngestionRun', 200, res.body);
      expect(res.body).toEqual(run);
    }
    expectJsonError(await svc.request('GET', `/ingestion/runs/${UNKNOWN_ID}`), 404);
    expectJsonError(await svc.request('GET', '/ingestion/runs/00000000-0000-4000-8300'), 422);
  });
});

describe('hostile input is a 422, never a 500', () => {
  test.each([
    ['/documents/%E0%A4%A'],
    ['/companies/%00AAPL/overview'],
    ['/companies/AAPL%2F..%2Fx/overview'],
    ['/documents?ticker=AAPL%00'],
    ['/documents?since=0000-01-01T00:00:00Z'],
    ['/documents?since=2026-02-30T00:00:00Z'],
    ['/documents?since=2026-01-04T00:00:00'],
    ['/recommendations?rating=buy'],
    ['/ingestion/runs?limit=1e400'],
  ])('GET %s', async (path) => {
    expectJsonError(await svc.request('GET', path), 422);
  });
});

describe('read-only: writes are not routes', () => {
  test.each([['POST', '/documents'], ['DELETE', `/documents/${q.DOCUMENT_AAPL_NEWS}`], ['PUT', `/recommendations/${q.RECOMMENDATION_AAPL_BUY}`]])(
    '%s %s is a JSON 405',
    async (method, path) => {
      const res = await svc.request(method, path, {});
      expect(res.status).toBe(405);
      expect(res.contentType).toMatch(/^application\/json/);
    },
  );
});

/** Rows written straight into this file's own database: the computations, independent of others' fixtures. */
describe('computed views over rows written for the test', () => {
  let pg: Client;
  beforeAll(async () => {
    pg = new Client({ connectionString: svc.db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
  });

  test('activeLockout is true only while a lockout window covers now', async () => {
    await pg.query(
      `INSERT INTO symbol_lockouts (id, ticker, reason, starts_at, ends_at) VALUES
         ('00000000-0000-4000-8f00-000000000001', 'BARE', 'expired', '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z'),
         ('00000000-0000-4000-8f00-000000000002', 'BARE', 'future', '2099-01-01T00:00:00Z', '2099-02-01T00:00:00Z')`,
    );
    expect((await svc.request('GET', '/companies/BARE/overview')).body.activeLockout).toBe(false);
    await pg.query(
      `INSERT INTO symbol_lockouts (id, ticker, reason, starts_at, ends_at)
       VALUES ('00000000-0000-4000-8f00-000000000003', 'BARE', 'active', '2026-01-01T00:00:00Z', '2099-12-31T00:00:00Z')`,
    );
    expect((await svc.request('GET', '/companies/BARE/overview')).body.activeLockout).toBe(true);
  });

  test('competitors: strongest first, ties by ticker, latest recommendation or null', async () => {
    await pg.query(
      `INSERT INTO competitor_links (id, company_id, competitor_id, strength) VALUES
         ('00000000-0000-4000-8f00-000000000011', $1, $2, 0.30),
         ('00000000-0000-4000-8f00-000000000012', $1, $3, 0.90),
         ('00000000-0000-4000-8f00-000000000013', $1, $4, 0.30)`,
      [COMPANY_BARE, COMPANY_TSLA, COMPANY_NVDA, COMPANY_AAPL],
    );
    const res = await svc.request('GET', '/companies/BARE/competitors');
    expect(res.status).toBe(200);
    expectMatchesContract('listCompanyCompetitors', 200, res.body);
    expect(res.body.map((c: any) => [c.ticker, c.strength, c.latestRecommendation?.id ?? null])).toEqual([
      ['NVDA', 0.9, q.RECOMMENDATION_NVDA_BUY],
      ['AAPL', 0.3, q.RECOMMENDATION_AAPL_BUY],
      ['TSLA', 0.3, q.RECOMMENDATION_TSLA_SELL],
    ]);
    expect((await svc.request('GET', '/companies/BARE/overview')).body.competitors).toEqual(['NVDA', 'AAPL', 'TSLA']);
  });

  test('portfolio: RUNNING cash only, positions of every run at market price (or cost), cents exact', async () => {
    const dave = '00000000-0000-4000-8f00-000000000100';
    const running = '00000000-0000-4000-8f00-000000000101';
    const stopped = '00000000-0000-4000-8f00-000000000102';
    await pg.query(`INSERT INTO traders (id, name) VALUES ($1, 'query-test-dave')`, [dave]);
    await pg.query(
      `INSERT INTO strategy_runs (id, user_id, strategy, status, initial_cash, cash) VALUES
         ($2, $1, 'momentum', 'RUNNING', 2000, 1000.10),
         ($3, $1, 'mean-reversion', 'STOPPED', 900, 500.20)`,
      [dave, running, stopped],
    );
    await pg.query(`INSERT INTO market_prices (ticker, price, as_of) VALUES ('QTSTA', 12.345, '2026-01-05T14:30:00Z'), ('QTSTB', 0.1, '2026-01-05T14:30:00Z')`);
    await pg.query(
      `INSERT INTO positions (run_id, user_id, ticker, quantity, avg_price) VALUES
         ($2, $1, 'QTSTA', 10, 11), ($2, $1, 'QTSTB', 3, 0.2), ($2, $1, 'QTSTZ', 0, 5),
         ($3, $1, 'QTSTA', 2, 10), ($3, $1, 'QTSTN', 1.5, 40.05)`,
      [dave, running, stopped],
    );
    const res = await svc.request('GET', `/portfolio/${dave}/summary`);
    expect(res.status).toBe(200);
    expectMatchesContract('getPortfolioSummary', 200, res.body);
    const [first, second] = [running, stopped].sort();
    expect(res.body).toEqual({
      userId: dave,
      runningRuns: 1,
      cash: 1000.1,
      // 123.45 + 24.69 + 0.30 + 60.08 (1.5 x 40.05 = 60.075, no market price: at cost, half away from zero)
      marketValue: 208.52,
      equity: 1208.62,
      positions: [
        ...(first === running
          ? [
              { runId: running, runStatus: 'RUNNING', ticker: 'QTSTA', quantity: 10, avgPrice: 11, lastPrice: 12.345, marketValue: 123.45 },
              { runId: stopped, runStatus: 'STOPPED', ticker: 'QTSTA', quantity: 2, avgPrice: 10, lastPrice: 12.345, marketValue: 24.69 },
            ]
          : [
              { runId: stopped, runStatus: 'STOPPED', ticker: 'QTSTA', quantity: 2, avgPrice: 10, lastPrice: 12.345, marketValue: 24.69 },
              { runId: running, runStatus: 'RUNNING', ticker: 'QTSTA', quantity: 10, avgPrice: 11, lastPrice: 12.345, marketValue: 123.45 },
            ]),
        { runId: running, runStatus: 'RUNNING', ticker: 'QTSTB', quantity: 3, avgPrice: 0.2, lastPrice: 0.1, marketValue: 0.3 },
        { runId: stopped, runStatus: 'STOPPED', ticker: 'QTSTN', quantity: 1.5, avgPrice: 40.05, lastPrice: null, marketValue: 60.08 },
      ],
    });
    expect(second).toBeDefined();
  });
});

describe('over an empty database', () => {
  let empty: TestService;
  beforeAll(async () => {
    empty = await startTestService('query', { seeded: false });
  });
  afterAll(async () => {
    await empty?.close();
  });

  test.each([['/documents'], ['/recommendations'], ['/ingestion/runs'], ['/documents?ticker=AAPL&docType=NEWS']])('GET %s is 200 []', async (path) => {
    const res = await empty.request('GET', path);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  test('GET /ingestion/summary is all zeros', async () => {
    const res = await empty.request('GET', '/ingestion/summary');
    expect(res.status).toBe(200);
    expectMatchesContract('getIngestionSummary', 200, res.body);
    expect(res.body).toEqual({ totalRuns: 0, byStatus: { RUNNING: 0, COMPLETED: 0, FAILED: 0 }, documentsIngested: 0, lastRunPerSource: [] });
  });

  test('seeded names are unknown here: 404, not 500', async () => {
    expectJsonError(await empty.request('GET', '/companies/AAPL/overview'), 404);
    expectJsonError(await empty.request('GET', '/companies/AAPL/competitors'), 404);
    expectJsonError(await empty.request('GET', `/portfolio/${TRADER_ALICE}/summary`), 404);
    expectJsonError(await empty.request('GET', `/documents/${q.DOCUMENT_AAPL_NEWS}`), 404);
  });
});
