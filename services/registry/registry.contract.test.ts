import { startTestService, type TestService } from '../testing/test-service';
import { withClient } from '../../infra/db/databases';
import * as ids from '../../seed/ids/registry';
import { contractCheckFor } from '../testing/contract-check';

/**
 * The registry's contract-critical behaviour against a real, seeded database of its own: every
 * constraint maps to its documented status, bad input is 422 (never 500), unknown ids are 404
 * with a JSON detail also on nested routes, empty lists are 200 [], and every response validates
 * against openapi/registry.yaml. Writes act on records the tests create, except where noted.
 */
const MISSING = '00000000-0000-4000-a100-000000000999';
const AT = '2026-01-05T14:30:00.000Z';

let svc: TestService;
let empty: TestService;

beforeAll(async () => {
  [svc, empty] = await Promise.all([startTestService('registry'), startTestService('registry', { seeded: false })]);
});
afterAll(async () => {
  await Promise.all([svc?.close(), empty?.close()]);
});

/** A request whose reply must conform to the document (documented status, valid body). */
const contract = contractCheckFor('registry');

async function call(operationId: string, method: string, path: string, body?: unknown, on: TestService = svc) {
  const reply = await on.request(method, path, body);
  expect({ operationId, status: reply.status, problems: contract.problems(operationId, reply) }).toEqual({
    operationId,
    status: reply.status,
    problems: [],
  });
  return reply;
}

const sql = <T = Record<string, unknown>>(text: string, values: unknown[] = []) =>
  withClient(svc.db.url, async (c) => (await c.query(text, values)).rows as T[]);

/** The `loc`s of a 422's issues. */
const locs = (body: { detail: { loc: (string | number)[] }[] }) => body.detail.map((d) => d.loc);

let tickerSeq = 0;
async function newCompany(overrides: Record<string, unknown> = {}) {
  tickerSeq += 1;
  const r = await call('createCompany', 'POST', '/companies', {
    ticker: `TST${tickerSeq}`,
    name: `Test Company ${tickerSeq}`,
    sector: 'Testing',
    exchange: 'TSX',
    ...overrides,
  });
  expect(r.status).toBe(201);
  return r.body as { id: string; ticker: string };
}

const AAPL = { id: ids.COMPANY_AAPL, ticker: 'AAPL', name: 'Apple Inc.', sector: 'Technology', exchange: 'NASDAQ', isActive: true, createdAt: AT };

describe('health', () => {
  test('GET /health is 200 ok when the database answers', async () => {
    const r = await call('registryHealth', 'GET', '/health');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
  });
});

describe('companies', () => {
  test('lists the seeded companies ordered by ticker', async () => {
    const r = await call('listCompanies', 'GET', '/companies');
    expect(r.status).toBe(200);
    expect(r.body.map((c: { ticker: string }) => c.ticker).slice(0, 8)).toEqual(['AAPL', 'BARE', 'DLST', 'JPM', 'MSFT', 'NVDA', 'TSLA', 'XOM']);
    expect(r.body[0]).toEqual(AAPL);
  });

  test.each([
    ['sector=Technology', ['AAPL', 'MSFT', 'NVDA']],
    ['exchange=NYSE', ['DLST', 'JPM', 'XOM']],
    ['isActive=false', ['DLST']],
    ['q=ms', ['MSFT']],
    ['q=nvidia', ['NVDA']],
    ['q=%25', []],
    ['sector=Technology&q=a', ['AAPL']],
    ['limit=2&offset=1', ['BARE', 'DLST']],
    ['offset=1000', []],
  ])('filters and pages: %s', async (qs, tickers) => {
    const r = await call('listCompanies', 'GET', `/companies?${qs}`);
    expect(r.status).toBe(200);
    expect(r.body.map((c: { ticker: string }) => c.ticker)).toEqual(tickers);
  });

  test.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['offset=-1', 'offset'],
    ['exchange=NASDAQX', 'exchange'],
    ['isActive=maybe', 'isActive'],
    ['q=', 'q'],
  ])('an out-of-contract query value is 422: %s', async (qs, name) => {
    const r = await call('listCompanies', 'GET', `/companies?${qs}`);
    expect(r.status).toBe(422);
    expect(locs(r.body)).toEqual([['query', name]]);
  });

  test('gets one company by id, exactly as seeded', async () => {
    const r = await call('getCompany', 'GET', `/companies/${ids.COMPANY_AAPL}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(AAPL);
    const delisted = await call('getCompany', 'GET', `/companies/${ids.COMPANY_DELISTED}`);
    expect(delisted.body.isActive).toBe(false);
  });

  test('an unknown id is 404 with a JSON detail; a malformed one is 422', async () => {
    const r = await call('getCompany', 'GET', `/companies/${MISSING}`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ detail: `company ${MISSING} not found` });
    const bad = await call('getCompany', 'GET', '/companies/not-a-uuid');
    expect(bad.status).toBe(422);
    expect(locs(bad.body)).toEqual([['path', 'companyId']]);
  });

  test('hostile input is 422, never 500: malformed percent-encoding, NUL bytes', async () => {
    const pct = await call('getCompany', 'GET', '/companies/%E0%A4%A');
    expect([pct.status, locs(pct.body)]).toEqual([422, [['path', 'companyId']]]);
    expect((await call('listCompanies', 'GET', '/companies?q=%00')).status).toBe(422);
    const nul = await call('createCompanyAlias', 'POST', `/companies/${ids.COMPANY_BARE}/aliases`, { alias: 'a\u0000b' });
    expect(nul.status).toBe(422);
  });

  test('creates a company (201), readable afterwards', async () => {
    const r = await call('createCompany', 'POST', '/companies', { ticker: 'BRK.B', name: 'Berkshire Hathaway', sector: 'Financials', exchange: 'NYSE' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ ticker: 'BRK.B', name: 'Berkshire Hathaway', sector: 'Financials', exchange: 'NYSE', isActive: true });
    const back = await call('getCompany', 'GET', `/companies/${r.body.id}`);
    expect(back.body).toEqual(r.body);
  });

  test('concurrent creates of one ticker: exactly one 201, the rest 409 (the UNIQUE constraint decides)', async () => {
    const body = { ticker: 'RACE', name: 'Race Condition Inc.', sector: 'Testing', exchange: 'LSE' };
    const replies = await Promise.all(Array.from({ length: 6 }, () => call('createCompany', 'POST', '/companies', body)));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(await sql(`SELECT count(*)::int AS n FROM companies WHERE ticker = 'RACE'`)).toEqual([{ n: 1 }]);
  });

  test('a taken ticker is 409 and writes nothing', async () => {
    const r = await call('createCompany', 'POST', '/companies', { ticker: 'AAPL', name: 'Another Apple', sector: 'Technology', exchange: 'NYSE' });
    expect(r.status).toBe(409);
    expect(r.body).toEqual({ detail: 'a company with ticker AAPL already exists' });
    expect(await sql(`SELECT 1 FROM companies WHERE name = 'Another Apple'`)).toEqual([]);
  });

  test.each([
    ['a missing field', { ticker: 'NEW1', sector: 'X', exchange: 'NYSE' }, [['body', 'name']]],
    ['a wrong type', { ticker: 'NEW2', name: 42, sector: 'X', exchange: 'NYSE' }, [['body', 'name']]],
    ['a lower-case ticker', { ticker: 'new3', name: 'n', sector: 'X', exchange: 'NYSE' }, [['body', 'ticker']]],
    ['an unknown exchange', { ticker: 'NEW4', name: 'n', sector: 'X', exchange: 'NYMEX' }, [['body', 'exchange']]],
    ['an empty name', { ticker: 'NEW5', name: '', sector: 'X', exchange: 'NYSE' }, [['body', 'name']]],
    ['an unknown field', { ticker: 'NEW6', name: 'n', sector: 'X', exchange: 'NYSE', id: MISSING }, [['body', 'id']]],
  ])('create with %s is 422 located at the field', async (_, body, want) => {
    const r = await call('createCompany', 'POST', '/companies', body);
    expect(r.status).toBe(422);
    expect(locs(r.body)).toEqual(want);
  });

  test('a body that is not JSON is 422, not 500', async () => {
    const r = await call('createCompany', 'POST', '/companies', '{"ticker": ');
    expect(r.status).toBe(422);
    expect(r.body.detail[0].type).toBe('json_invalid');
  });

  test('patch updates only the given fields', async () => {
    const c = await newCompany();
    const r = await call('updateCompany', 'PATCH', `/companies/${c.id}`, { isActive: false, sector: 'Utilities' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: c.id, ticker: c.ticker, name: `Test Company ${tickerSeq}`, sector: 'Utilities', isActive: false });
    const inactive = await call('listCompanies', 'GET', '/companies?isActive=false');
    expect(inactive.body.map((x: { id: string }) => x.id)).toContain(c.id);
  });

  test('patch: unknown id 404, empty body 422, immutable or mistyped field 422', async () => {
    expect((await call('updateCompany', 'PATCH', `/companies/${MISSING}`, { name: 'x' })).status).toBe(404);
    const emptyBody = await call('updateCompany', 'PATCH', `/companies/${ids.COMPANY_BARE}`, {});
    expect(emptyBody.status).toBe(422);
    const ticker = await call('updateCompany', 'PATCH', `/companies/${ids.COMPANY_BARE}`, { ticker: 'BARF' });
    expect([ticker.status, locs(ticker.body)]).toEqual([422, [['body', 'ticker']]]);
    const typed = await call('updateCompany', 'PATCH', `/companies/${ids.COMPANY_BARE}`, { isActive: 'no' });
    expect([typed.status, locs(typed.body)]).toEqual([422, [['body', 'isActive']]]);
    expect((await call('getCompany', 'GET', `/companies/${ids.COMPANY_BARE}`)).body.ticker).toBe('BARE');
  });

  test('delete is 204 and cascades to aliases, sources, memberships and links both ways', async () => {
    const c = await newCompany();
    await call('createCompanyAlias', 'POST', `/companies/${c.id}/aliases`, { alias: 'Doomed' });
    await call('createCompanySource', 'POST', `/companies/${c.id}/sources`, { kind: 'NEWS', url: 'https://doomed.example.com' });
    await call('createCompanyCompetitor', 'POST', `/companies/${c.id}/competitors`, { competitorId: ids.COMPANY_AAPL });
    await call('createCompanyCompetitor', 'POST', `/companies/${ids.COMPANY_TSLA}/competitors`, { competitorId: c.id });
    const wl = await call('createWatchlist', 'POST', '/watchlists', { name: 'Doomed list' });
    await call('addWatchlistMember', 'PUT', `/watchlists/${wl.body.id}/members/${c.id}`);

    const r = await call('deleteCompany', 'DELETE', `/companies/${c.id}`);
    expect(r.status).toBe(204);
    expect(r.body).toBe('');
    expect((await call('getCompany', 'GET', `/companies/${c.id}`)).status).toBe(404);
    const left = await sql(
      `SELECT (SELECT count(*) FROM company_aliases WHERE company_id = $1)::int AS aliases,
              (SELECT count(*) FROM sources WHERE company_id = $1)::int AS sources,
              (SELECT count(*) FROM watchlist_members WHERE company_id = $1)::int AS members,
              (SELECT count(*) FROM competitor_links WHERE company_id = $1 OR competitor_id = $1)::int AS links`,
      [c.id],
    );
    expect(left).toEqual([{ aliases: 0, sources: 0, members: 0, links: 0 }]);
    expect((await call('getWatchlist', 'GET', `/watchlists/${wl.body.id}`)).body.memberCount).toBe(0);
    expect((await call('deleteCompany', 'DELETE', `/companies/${c.id}`)).status).toBe(404);
  });
});

describe('aliases', () => {
  test('lists a company aliases in order; [] for a company without; 404 for an unknown one', async () => {
    const r = await call('listCompanyAliases', 'GET', `/companies/${ids.COMPANY_AAPL}/aliases`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual([
      { id: ids.ALIAS_AAPL_US, companyId: ids.COMPANY_AAPL, alias: 'AAPL US', createdAt: AT },
      { id: ids.ALIAS_AAPL_APPLE, companyId: ids.COMPANY_AAPL, alias: 'Apple', createdAt: AT },
    ]);
    expect((await call('listCompanyAliases', 'GET', `/companies/${ids.COMPANY_BARE}/aliases`)).body).toEqual([]);
    const missing = await call('listCompanyAliases', 'GET', `/companies/${MISSING}/aliases`);
    expect([missing.status, missing.body]).toEqual([404, { detail: `company ${MISSING} not found` }]);
    expect((await call('listCompanyAliases', 'GET', '/companies/123/aliases')).status).toBe(422);
  });

  test('creates an alias (201); the same alias twice on a company is 409, on another company fine', async () => {
    const c = await newCompany();
    const r = await call('createCompanyAlias', 'POST', `/companies/${c.id}/aliases`, { alias: 'Shared Name' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ companyId: c.id, alias: 'Shared Name' });
    const dup = await call('createCompanyAlias', 'POST', `/companies/${c.id}/aliases`, { alias: 'Shared Name' });
    expect([dup.status, dup.body]).toEqual([409, { detail: `company ${c.id} already has the alias "Shared Name"` }]);
    const other = await newCompany();
    expect((await call('createCompanyAlias', 'POST', `/companies/${other.id}/aliases`, { alias: 'Shared Name' })).status).toBe(201);
  });

  test('create: unknown company 404; empty, too long or missing alias 422', async () => {
    expect((await call('createCompanyAlias', 'POST', `/companies/${MISSING}/aliases`, { alias: 'x' })).status).toBe(404);
    for (const body of [{ alias: '' }, { alias: 'x'.repeat(101) }, {}, { alias: 7 }]) {
      const r = await call('createCompanyAlias', 'POST', `/companies/${ids.COMPANY_BARE}/aliases`, body);
      expect([r.status, locs(r.body)]).toEqual([422, [['body', 'alias']]]);
    }
    expect(await sql('SELECT 1 FROM company_aliases WHERE company_id = $1', [ids.COMPANY_BARE])).toEqual([]);
  });

  test('delete is 204 once, then 404; an alias of another company is 404', async () => {
    const c = await newCompany();
    const a = await call('createCompanyAlias', 'POST', `/companies/${c.id}/aliases`, { alias: 'Short-lived' });
    expect((await call('deleteCompanyAlias', 'DELETE', `/companies/${ids.COMPANY_MSFT}/aliases/${a.body.id}`)).status).toBe(404);
    expect((await call('deleteCompanyAlias', 'DELETE', `/companies/${c.id}/aliases/${a.body.id}`)).status).toBe(204);
    expect((await call('deleteCompanyAlias', 'DELETE', `/companies/${c.id}/aliases/${a.body.id}`)).status).toBe(404);
    expect((await call('deleteCompanyAlias', 'DELETE', `/companies/${MISSING}/aliases/${a.body.id}`)).status).toBe(404);
    expect((await call('deleteCompanyAlias', 'DELETE', `/companies/${c.id}/aliases/nope`)).status).toBe(422);
  });
});

describe('sources', () => {
  test('lists by kind then url, filters by kind; [] and 404 as documented', async () => {
    const r = await call('listCompanySources', 'GET', `/companies/${ids.COMPANY_AAPL}/sources`);
    expect(r.body.map((s: { id: string }) => s.id)).toEqual([ids.SOURCE_AAPL_FILING, ids.SOURCE_AAPL_NEWS]);
    const news = await call('listCompanySources', 'GET', `/companies/${ids.COMPANY_AAPL}/sources?kind=NEWS`);
    expect(news.body).toEqual([
      { id: ids.SOURCE_AAPL_NEWS, companyId: ids.COMPANY_AAPL, kind: 'NEWS', url: 'https://news.example.com/companies/aapl', createdAt: AT },
    ]);
    expect((await call('listCompanySources', 'GET', `/companies/${ids.COMPANY_BARE}/sources`)).body).toEqual([]);
    expect((await call('listCompanySources', 'GET', `/companies/${MISSING}/sources`)).status).toBe(404);
    const bad = await call('listCompanySources', 'GET', `/companies/${ids.COMPANY_AAPL}/sources?kind=BLOG`);
    expect([bad.status, locs(bad.body)]).toEqual([422, [['query', 'kind']]]);
  });

  test('creates (201); a duplicate url on the company is 409; a non-http url is 422', async () => {
    const c = await newCompany();
    const body = { kind: 'SOCIAL', url: 'https://social.example.com/@test' };
    const r = await call('createCompanySource', 'POST', `/companies/${c.id}/sources`, body);
    expect([r.status, r.body.kind, r.body.url]).toEqual([201, 'SOCIAL', body.url]);
    expect((await call('createCompanySource', 'POST', `/companies/${c.id}/sources`, { ...body, kind: 'NEWS' })).status).toBe(409);
    const ftp = await call('createCompanySource', 'POST', `/companies/${c.id}/sources`, { kind: 'RSS', url: 'ftp://feeds.example.com' });
    expect([ftp.status, locs(ftp.body)]).toEqual([422, [['body', 'url']]]);
    const kind = await call('createCompanySource', 'POST', `/companies/${c.id}/sources`, { kind: 'BLOG', url: 'https://x.example.com' });
    expect([kind.status, locs(kind.body)]).toEqual([422, [['body', 'kind']]]);
    expect((await call('createCompanySource', 'POST', `/companies/${MISSING}/sources`, body)).status).toBe(404);
  });

  test('delete is 204, then 404; a source of another company is 404', async () => {
    const c = await newCompany();
    const s = await call('createCompanySource', 'POST', `/companies/${c.id}/sources`, { kind: 'RSS', url: 'https://rss.example.com/x' });
    expect((await call('deleteCompanySource', 'DELETE', `/companies/${ids.COMPANY_AAPL}/sources/${s.body.id}`)).status).toBe(404);
    expect((await call('deleteCompanySource', 'DELETE', `/companies/${c.id}/sources/${s.body.id}`)).status).toBe(204);
    expect((await call('deleteCompanySource', 'DELETE', `/companies/${c.id}/sources/${s.body.id}`)).status).toBe(404);
  });
});

describe('watchlists', () => {
  test('lists the seeded watchlists by name with member counts', async () => {
    // Other tests in this file add watchlists: look at the seeded ones (in their listed order).
    const r = await call('listWatchlists', 'GET', '/watchlists');
    expect(r.body.filter((w: { id: string }) => w.id.startsWith('00000000-0000-4000-a400-'))).toEqual([
      { id: ids.WATCHLIST_EMPTY, name: 'Empty watchlist', description: null, memberCount: 0, createdAt: AT },
      { id: ids.WATCHLIST_MEGACAP_TECH, name: 'Mega-cap tech', description: 'Largest US technology names', memberCount: 3, createdAt: AT },
    ]);
    expect((await call('listWatchlists', 'GET', '/watchlists?limit=1&offset=1')).body).toEqual([r.body[1]]);
    expect((await call('listWatchlists', 'GET', '/watchlists?limit=500')).status).toBe(422);
  });

  test('get: 200 exact, 404 unknown, 422 malformed', async () => {
    const r = await call('getWatchlist', 'GET', `/watchlists/${ids.WATCHLIST_MEGACAP_TECH}`);
    expect([r.status, r.body.memberCount, r.body.name]).toEqual([200, 3, 'Mega-cap tech']);
    expect((await call('getWatchlist', 'GET', `/watchlists/${MISSING}`)).body).toEqual({ detail: `watchlist ${MISSING} not found` });
    expect((await call('getWatchlist', 'GET', '/watchlists/0000')).status).toBe(422);
  });

  test('create 201; a taken name 409; a missing name 422', async () => {
    const r = await call('createWatchlist', 'POST', '/watchlists', { name: 'Energy majors', description: 'Oil and gas' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'Energy majors', description: 'Oil and gas', memberCount: 0 });
    const dup = await call('createWatchlist', 'POST', '/watchlists', { name: 'Mega-cap tech' });
    expect([dup.status, dup.body]).toEqual([409, { detail: 'a watchlist named "Mega-cap tech" already exists' }]);
    const missing = await call('createWatchlist', 'POST', '/watchlists', { description: 'nameless' });
    expect([missing.status, locs(missing.body)]).toEqual([422, [['body', 'name']]]);
  });

  test('replace sets name and description (left out: null), keeps members; 409 on a taken name; 404 unknown', async () => {
    const w = await call('createWatchlist', 'POST', '/watchlists', { name: 'Before', description: 'old' });
    await call('addWatchlistMember', 'PUT', `/watchlists/${w.body.id}/members/${ids.COMPANY_JPM}`);
    const r = await call('replaceWatchlist', 'PUT', `/watchlists/${w.body.id}`, { name: 'After' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ...w.body, name: 'After', description: null, memberCount: 1 });
    expect((await call('replaceWatchlist', 'PUT', `/watchlists/${w.body.id}`, { name: 'After', description: 'same name is fine' })).status).toBe(200);
    expect((await call('replaceWatchlist', 'PUT', `/watchlists/${w.body.id}`, { name: 'Empty watchlist' })).status).toBe(409);
    expect((await call('replaceWatchlist', 'PUT', `/watchlists/${MISSING}`, { name: 'Nowhere' })).status).toBe(404);
    expect((await call('replaceWatchlist', 'PUT', `/watchlists/${w.body.id}`, { name: 'x'.repeat(101) })).status).toBe(422);
  });

  test('delete is 204 and removes memberships, not companies; then 404', async () => {
    const w = await call('createWatchlist', 'POST', '/watchlists', { name: 'To delete' });
    await call('addWatchlistMember', 'PUT', `/watchlists/${w.body.id}/members/${ids.COMPANY_XOM}`);
    expect((await call('deleteWatchlist', 'DELETE', `/watchlists/${w.body.id}`)).status).toBe(204);
    expect(await sql('SELECT 1 FROM watchlist_members WHERE watchlist_id = $1', [w.body.id])).toEqual([]);
    expect((await call('getCompany', 'GET', `/companies/${ids.COMPANY_XOM}`)).status).toBe(200);
    expect((await call('deleteWatchlist', 'DELETE', `/watchlists/${w.body.id}`)).status).toBe(404);
  });
});

describe('watchlist members', () => {
  test('lists members by ticker; [] for the empty watchlist; 404 for an unknown one', async () => {
    const r = await call('listWatchlistMembers', 'GET', `/watchlists/${ids.WATCHLIST_MEGACAP_TECH}/members`);
    expect(r.body.map((m: { company: { ticker: string } }) => m.company.ticker)).toEqual(['AAPL', 'MSFT', 'NVDA']);
    expect(r.body[0]).toEqual({ watchlistId: ids.WATCHLIST_MEGACAP_TECH, addedAt: AT, company: AAPL });
    expect((await call('listWatchlistMembers', 'GET', `/watchlists/${ids.WATCHLIST_EMPTY}/members`)).body).toEqual([]);
    expect((await call('listWatchlistMembers', 'GET', `/watchlists/${MISSING}/members`)).status).toBe(404);
  });

  test('add is idempotent: 201 the first time, 200 with the same membership after', async () => {
    const w = await call('createWatchlist', 'POST', '/watchlists', { name: 'Idempotent' });
    const first = await call('addWatchlistMember', 'PUT', `/watchlists/${w.body.id}/members/${ids.COMPANY_TSLA}`);
    expect(first.status).toBe(201);
    expect(first.body.company.ticker).toBe('TSLA');
    const again = await call('addWatchlistMember', 'PUT', `/watchlists/${w.body.id}/members/${ids.COMPANY_TSLA}`);
    expect([again.status, again.body]).toEqual([200, first.body]);
    expect((await call('getWatchlist', 'GET', `/watchlists/${w.body.id}`)).body.memberCount).toBe(1);
  });

  test('concurrent adds of the same member: exactly one 201, the rest 200, one row', async () => {
    const w = await call('createWatchlist', 'POST', '/watchlists', { name: 'Race' });
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => call('addWatchlistMember', 'PUT', `/watchlists/${w.body.id}/members/${ids.COMPANY_JPM}`)),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(await sql('SELECT company_id FROM watchlist_members WHERE watchlist_id = $1', [w.body.id])).toEqual([{ company_id: ids.COMPANY_JPM }]);
  });

  test('add/remove: unknown watchlist or company 404, malformed id 422, not a member 404', async () => {
    const w = await call('createWatchlist', 'POST', '/watchlists', { name: 'Errors' });
    const unknownList = await call('addWatchlistMember', 'PUT', `/watchlists/${MISSING}/members/${ids.COMPANY_AAPL}`);
    expect([unknownList.status, unknownList.body]).toEqual([404, { detail: `watchlist ${MISSING} not found` }]);
    expect((await call('addWatchlistMember', 'PUT', `/watchlists/${w.body.id}/members/${MISSING}`)).status).toBe(404);
    const bad = await call('addWatchlistMember', 'PUT', `/watchlists/${w.body.id}/members/AAPL`);
    expect([bad.status, locs(bad.body)]).toEqual([422, [['path', 'companyId']]]);
    const notMember = await call('removeWatchlistMember', 'DELETE', `/watchlists/${w.body.id}/members/${ids.COMPANY_AAPL}`);
    expect([notMember.status, notMember.body]).toEqual([404, { detail: `company ${ids.COMPANY_AAPL} is not a member of watchlist ${w.body.id}` }]);
    await call('addWatchlistMember', 'PUT', `/watchlists/${w.body.id}/members/${ids.COMPANY_AAPL}`);
    expect((await call('removeWatchlistMember', 'DELETE', `/watchlists/${w.body.id}/members/${ids.COMPANY_AAPL}`)).status).toBe(204);
    expect((await call('listWatchlistMembers', 'GET', `/watchlists/${w.body.id}/members`)).body).toEqual([]);
  });
});

describe('competitors', () => {
  test('lists outgoing links with the competitor named; [] and 404 as documented', async () => {
    const r = await call('listCompanyCompetitors', 'GET', `/companies/${ids.COMPANY_MSFT}/competitors`);
    expect(r.body).toEqual([
      {
        id: ids.COMPETITOR_MSFT_AAPL,
        companyId: ids.COMPANY_MSFT,
        competitorId: ids.COMPANY_AAPL,
        competitorTicker: 'AAPL',
        competitorName: 'Apple Inc.',
        strength: 0.8,
        createdAt: AT,
      },
    ]);
    expect((await call('listCompanyCompetitors', 'GET', `/companies/${ids.COMPANY_BARE}/competitors`)).body).toEqual([]);
    expect((await call('listCompanyCompetitors', 'GET', `/companies/${MISSING}/competitors`)).status).toBe(404);
  });

  test('creates a link (201, default strength 0.5, stored with two decimals)', async () => {
    const c = await newCompany();
    const r = await call('createCompanyCompetitor', 'POST', `/companies/${c.id}/competitors`, { competitorId: ids.COMPANY_NVDA });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ companyId: c.id, competitorId: ids.COMPANY_NVDA, competitorTicker: 'NVDA', strength: 0.5 });
    const rounded = await call('createCompanyCompetitor', 'POST', `/companies/${c.id}/competitors`, { competitorId: ids.COMPANY_JPM, strength: 0.555 });
    expect(rounded.body.strength).toBe(0.56);
  });

  test('a company as its own competitor is 400; a duplicate link 409; unknown ids 404', async () => {
    const self = await call('createCompanyCompetitor', 'POST', `/companies/${ids.COMPANY_BARE}/competitors`, { competitorId: ids.COMPANY_BARE });
    expect([self.status, self.body]).toEqual([400, { detail: 'a company cannot be its own competitor' }]);
    const dup = await call('createCompanyCompetitor', 'POST', `/companies/${ids.COMPANY_MSFT}/competitors`, { competitorId: ids.COMPANY_AAPL });
    expect(dup.status).toBe(409);
    const unknown = await call('createCompanyCompetitor', 'POST', `/companies/${ids.COMPANY_BARE}/competitors`, { competitorId: MISSING });
    expect([unknown.status, unknown.body]).toEqual([404, { detail: `competitor company ${MISSING} not found` }]);
    expect((await call('createCompanyCompetitor', 'POST', `/companies/${MISSING}/competitors`, { competitorId: ids.COMPANY_AAPL })).status).toBe(404);
    expect(await sql('SELECT 1 FROM competitor_links WHERE company_id = $1', [ids.COMPANY_BARE])).toEqual([]);
  });

  test('the database itself refuses a self link (CHECK competitor_not_self)', async () => {
    await expect(
      sql(`INSERT INTO competitor_links (id, company_id, competitor_id) VALUES (gen_random_uuid(), $1, $1)`, [ids.COMPANY_BARE]),
    ).rejects.toMatchObject({ code: '23514', constraint: 'competitor_not_self' });
  });

  test.each([
    ['strength 0', { competitorId: ids.COMPANY_AAPL, strength: 0 }, [['body', 'strength']]],
    ['strength above 1', { competitorId: ids.COMPANY_AAPL, strength: 1.5 }, [['body', 'strength']]],
    ['strength as a string', { competitorId: ids.COMPANY_AAPL, strength: 'high' }, [['body', 'strength']]],
    ['a malformed competitorId', { competitorId: 'AAPL' }, [['body', 'competitorId']]],
    ['no competitorId', { strength: 0.5 }, [['body', 'competitorId']]],
  ])('create with %s is 422', async (_, body, want) => {
    const r = await call('createCompanyCompetitor', 'POST', `/companies/${ids.COMPANY_BARE}/competitors`, body);
    expect([r.status, locs(r.body)]).toEqual([422, want]);
  });

  test('delete is 204, then 404; a link of another company is 404', async () => {
    const c = await newCompany();
    const l = await call('createCompanyCompetitor', 'POST', `/companies/${c.id}/competitors`, { competitorId: ids.COMPANY_XOM });
    expect((await call('deleteCompanyCompetitor', 'DELETE', `/companies/${ids.COMPANY_XOM}/competitors/${l.body.id}`)).status).toBe(404);
    expect((await call('deleteCompanyCompetitor', 'DELETE', `/companies/${c.id}/competitors/${l.body.id}`)).status).toBe(204);
    expect((await call('deleteCompanyCompetitor', 'DELETE', `/companies/${c.id}/competitors/${l.body.id}`)).status).toBe(404);
  });
});

describe('over an empty database', () => {
  test('collections are 200 [] and ids are 404, never 500', async () => {
    expect((await call('listCompanies', 'GET', '/companies', undefined, empty)).body).toEqual([]);
    expect((await call('listWatchlists', 'GET', '/watchlists', undefined, empty)).body).toEqual([]);
    expect((await call('getCompany', 'GET', `/companies/${ids.COMPANY_AAPL}`, undefined, empty)).status).toBe(404);
    expect((await call('listCompanyAliases', 'GET', `/companies/${ids.COMPANY_AAPL}/aliases`, undefined, empty)).status).toBe(404);
    expect((await call('listWatchlistMembers', 'GET', `/watchlists/${ids.WATCHLIST_EMPTY}/members`, undefined, empty)).status).toBe(404);
  });
});
