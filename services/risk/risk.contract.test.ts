import { withClient } from '../../infra/db/databases';
import { startTestService, type TestService } from '../testing/test-service';
import { riskFixtures } from '../../seed/fixtures/risk';
import * as ids from '../../seed/ids';
import { contractCheckFor } from '../testing/contract-check';

/**
 * The risk engine's contract against a real, seeded database: every response is checked against
 * openapi/risk.yaml (documented status, body valid against its schema), and the business rules
 * (lifecycle trigger, lockout window, notional limit) map to their documented statuses.
 * Tests run in order: reads of seeded rows first, then writes on rows the tests create.
 */
const contract = contractCheckFor('risk');
let svc: TestService;
let empty: TestService;

beforeAll(async () => {
  [svc, empty] = await Promise.all([startTestService('risk'), startTestService('risk', { seeded: false })]);
});
afterAll(async () => {
  await Promise.all([svc?.close(), empty?.close()]);
});

/** A request whose response must match the contract; returns status and body. */
async function call(method: string, path: string, body?: unknown, on: TestService = svc) {
  const res = await on.request(method, path, body);
  contract.expect({ method, path }, res);
  return res;
}

const MISSING = '00000000-0000-4000-a600-999999999999';
const future = '2099-06-30T12:00:00.000Z';
const rowsOf = (table: string) => riskFixtures.find((t) => t.table === table)?.rows ?? [];
const countRows = (table: string) =>
  withClient(svc.db.url, async (c) => Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n));
const locOf = (body: any) => (body.detail as { loc: unknown[] }[]).map((d) => d.loc);

test('GET /health answers ok', async () => {
  const res = await call('GET', '/health');
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('ok');
});

describe('evaluations', () => {
  const evaluate = (ticker: string, side: string, quantity: number, price: number) =>
    call('POST', '/evaluations', { ticker, side, quantity, price });

  test('a small order for an active, unlocked symbol is approved with no reasons', async () => {
    const res = await evaluate('AAPL', 'BUY', 100, 190.5);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ticker: 'AAPL', side: 'BUY', quantity: 100, price: 190.5, notional: 19050, decision: 'APPROVE', approvalId: null, reasons: [] });
  });

  test.each([
    ['ZZZZ', 'UNKNOWN_SYMBOL'],
    ['DLST', 'INACTIVE_SYMBOL'],
    ['TSLA', 'SYMBOL_LOCKED'],
  ])('%s is rejected with %s (registry lockout / active symbol lockout)', async (ticker, code) => {
    const res = await evaluate(ticker, 'SELL', 10, 250);
    expect(res.status).toBe(200);
    expect(res.body.decision).toBe('REJECT');
    expect(res.body.reasons.map((r: { code: string }) => r.code)).toEqual([code]);
    expect(res.body.approvalId).toBeNull();
  });

  test('a rejected symbol is rejected even above the notional limit (no NOTIONAL_LIMIT reason)', async () => {
    const res = await evaluate('TSLA', 'BUY', 10_000, 300);
    expect(res.body.decision).toBe('REJECT');
    expect(res.body.reasons.map((r: { code: string }) => r.code)).toEqual(['SYMBOL_LOCKED']);
  });

  test('an expired lockout no longer blocks the symbol', async () => {
    expect((await evaluate('NVDA', 'BUY', 10, 500)).body.decision).toBe('APPROVE');
  });

  test('above the limit without an approval: REQUIRES_APPROVAL (a PENDING approval does not count)', async () => {
    const res = await evaluate('AAPL', 'BUY', 2000, 200);
    expect(res.body).toMatchObject({ decision: 'REQUIRES_APPROVAL', notional: 400000, approvalId: null });
    expect(res.body.reasons.map((r: { code: string }) => r.code)).toEqual(['NOTIONAL_LIMIT']);
  });

  test('an EXPIRED approval does not lift the limit', async () => {
    expect((await evaluate('XOM', 'BUY', 4000, 100)).body.decision).toBe('REQUIRES_APPROVAL');
  });

  test('an APPROVED, unexpired approval for the ticker and side lifts the limit', async () => {
    const res = await evaluate('MSFT', 'BUY', 2000, 400);
    expect(res.body).toMatchObject({ decision: 'APPROVE', approvalId: ids.APPROVAL_APPROVED, notional: 800000 });
    expect(res.body.reasons.map((r: { code: string }) => r.code)).toEqual(['APPROVAL_ON_FILE']);
    expect((await evaluate('MSFT', 'SELL', 2000, 400)).body.decision).toBe('REQUIRES_APPROVAL');
  });

  test('the limit is exclusive: exactly 250,000 is approved, a cent more is not', async () => {
    expect((await evaluate('JPM', 'BUY', 1000, 250)).body.decision).toBe('APPROVE');
    expect((await evaluate('JPM', 'BUY', 1000, 250.01)).body.decision).toBe('REQUIRES_APPROVAL');
  });

  test.each<[string, unknown, unknown[]]>([
    ['quantity 0', { ticker: 'AAPL', side: 'BUY', quantity: 0, price: 1 }, ['body', 'quantity']],
    ['negative quantity', { ticker: 'AAPL', side: 'BUY', quantity: -5, price: 1 }, ['body', 'quantity']],
    ['quantity as a string', { ticker: 'AAPL', side: 'BUY', quantity: '10', price: 1 }, ['body', 'quantity']],
    ['missing price', { ticker: 'AAPL', side: 'BUY', quantity: 1 }, ['body', 'price']],
    ['lower-case ticker', { ticker: 'aapl', side: 'BUY', quantity: 1, price: 1 }, ['body', 'ticker']],
    ['unknown side', { ticker: 'AAPL', side: 'HOLD', quantity: 1, price: 1 }, ['body', 'side']],
    ['an extra field', { ticker: 'AAPL', side: 'BUY', quantity: 1, price: 1, urgent: true }, ['body', 'urgent']],
  ])('%s is a 422 located at the field', async (_name, body, loc) => {
    const res = await call('POST', '/evaluations', body);
    expect(res.status).toBe(422);
    expect(locOf(res.body)).toContainEqual(loc);
  });

  test('malformed JSON and a missing body are 422, not 500', async () => {
    expect((await call('POST', '/evaluations', '{"ticker": "AAPL",')).status).toBe(422);
    expect((await call('POST', '/evaluations')).status).toBe(422);
  });
});

describe('approvals: seeded reads', () => {
  const fixture = (id: string) => rowsOf('operator_approvals').find((r) => r.id === id)!;
  const asJson = (row: Record<string, unknown>) => ({
    id: row.id,
    ticker: row.ticker,
    side: row.side,
    quantity: row.quantity,
    requestedBy: row.requested_by,
    status: row.status,
    reason: row.reason,
    decidedBy: row.decided_by,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    expiresAt: row.expires_at,
  });

  test.each([ids.APPROVAL_PENDING, ids.APPROVAL_APPROVED, ids.APPROVAL_REJECTED, ids.APPROVAL_EXPIRED])(
    'GET /approvals/%s equals its fixture exactly',
    async (id) => {
      const res = await call('GET', `/approvals/${id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(asJson(fixture(id)));
    },
  );

  test('the list is newest first, then by id, and pages with limit/offset', async () => {
    const all = await call('GET', '/approvals');
    expect(all.body.map((a: { id: string }) => a.id)).toEqual([
      ids.APPROVAL_PENDING,
      ids.APPROVAL_APPROVED,
      ids.APPROVAL_REJECTED,
      ids.APPROVAL_EXPIRED,
    ]);
    const page = await call('GET', '/approvals?limit=2&offset=1');
    expect(page.body.map((a: { id: string }) => a.id)).toEqual([ids.APPROVAL_APPROVED, ids.APPROVAL_REJECTED]);
  });

  test('filters by status and ticker; no match is 200 []', async () => {
    expect((await call('GET', '/approvals?status=REJECTED')).body.map((a: { id: string }) => a.id)).toEqual([ids.APPROVAL_REJECTED]);
    expect((await call('GET', '/approvals?ticker=MSFT')).body.map((a: { id: string }) => a.id)).toEqual([ids.APPROVAL_APPROVED]);
    expect((await call('GET', '/approvals?ticker=MSFT&status=PENDING')).body).toEqual([]);
    expect((await call('GET', '/approvals?ticker=BARE')).body).toEqual([]);
  });

  test.each([
    ['status=BOGUS', ['query', 'status']],
    ['limit=0', ['query', 'limit']],
    ['limit=101', ['query', 'limit']],
    ['limit=ten', ['query', 'limit']],
    ['offset=-1', ['query', 'offset']],
    ['ticker=a%20b', ['query', 'ticker']],
  ])('out-of-contract query %s is a 422', async (qs, loc) => {
    const res = await call('GET', `/approvals?${qs}`);
    expect(res.status).toBe(422);
    expect(locOf(res.body)).toContainEqual(loc);
  });

  test('an unknown id is a JSON 404, a malformed one a 422', async () => {
    const missing = await call('GET', `/approvals/${MISSING}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ detail: `approval ${MISSING} not found` });
    const malformed = await call('GET', '/approvals/not-a-uuid');
    expect(malformed.status).toBe(422);
    expect(locOf(malformed.body)).toEqual([['path', 'approvalId']]);
  });
});

describe('approvals: create and lifecycle', () => {
  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await call('POST', '/approvals', { ticker: 'NVDA', side: 'BUY', quantity: 2500, requestedBy: 'alice', expiresAt: future, ...overrides });
    expect(res.status).toBe(201);
    return res.body as { id: string; status: string };
  };
  const act = (id: string, action: string, body?: unknown) =>
    call('POST', `/approvals/${id}/${action}`, body ?? (action === 'expire' ? undefined : { decidedBy: 'risk-officer' }));

  test('create answers 201 PENDING and the record reads back equal', async () => {
    const res = await call('POST', '/approvals', { ticker: 'NVDA', side: 'SELL', quantity: 12.5, requestedBy: 'carol', reason: 'trim', expiresAt: future });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ticker: 'NVDA', side: 'SELL', quantity: 12.5, requestedBy: 'carol', status: 'PENDING', reason: 'trim', decidedBy: null, decidedAt: null, expiresAt: future });
    expect((await call('GET', `/approvals/${res.body.id}`)).body).toEqual(res.body);
  });

  test('expiresAt in the past is a 400 and writes nothing', async () => {
    const before = await countRows('operator_approvals');
    const res = await call('POST', '/approvals', { ticker: 'NVDA', side: 'BUY', quantity: 1, requestedBy: 'alice', expiresAt: '2020-01-01T00:00:00Z' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: 'expiresAt must be in the future' });
    expect(await countRows('operator_approvals')).toBe(before);
  });

  test.each<[string, Record<string, unknown>, unknown[]]>([
    ['missing requestedBy', { requestedBy: undefined }, ['body', 'requestedBy']],
    ['quantity 0', { quantity: 0 }, ['body', 'quantity']],
    ['side HOLD', { side: 'HOLD' }, ['body', 'side']],
    ['expiresAt not a date-time', { expiresAt: 'tomorrow' }, ['body', 'expiresAt']],
    ['status set by the client', { status: 'APPROVED' }, ['body', 'status']],
  ])('%s is a 422', async (_name, overrides, loc) => {
    const body = { ticker: 'NVDA', side: 'BUY', quantity: 1, requestedBy: 'alice', expiresAt: future, ...overrides };
    const res = await call('POST', '/approvals', JSON.parse(JSON.stringify(body)));
    expect(res.status).toBe(422);
    expect(locOf(res.body)).toContainEqual(loc);
  });

  test('hostile input is a 4xx, never a 500: NUL bytes, broken percent-encoding, a quantity that rounds to 0', async () => {
    const nul = await call('POST', '/approvals', { ticker: 'AAPL', side: 'BUY', quantity: 1, requestedBy: 'a\u0000b', expiresAt: future });
    expect(nul.status).toBe(422);
    expect((await call('POST', '/lockouts', { ticker: 'AAPL', reason: 'x\u0000', startsAt: '2026-01-01T00:00:00Z', endsAt: future })).status).toBe(422);
    expect((await call('GET', '/approvals/%ZZ')).status).toBe(422);
    expect((await call('GET', '/snapshots/%E0%A4%A')).status).toBe(422);
    expect((await call('POST', '/lockouts', { ticker: 'AAPL', reason: 'x', startsAt: '0000-01-01T00:00:00Z', endsAt: future })).status).toBe(422);
    const tiny = await call('POST', '/approvals', { ticker: 'AAPL', side: 'BUY', quantity: 0.00001, requestedBy: 'a', expiresAt: future });
    expect(tiny.status).toBe(400);
    expect(tiny.body.detail).toMatch(/quantity_check/);
  });

  test('PENDING -> APPROVED -> EXPIRED; every other step is a 409', async () => {
    const { id } = await create();
    const approved = await act(id, 'approve', { decidedBy: 'risk-officer', reason: 'budget ok' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ id, status: 'APPROVED', decidedBy: 'risk-officer', reason: 'budget ok' });
    expect(Date.parse(approved.body.decidedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await act(id, 'approve')).status).toBe(409);
    expect((await act(id, 'reject')).status).toBe(409);
    const expired = await act(id, 'expire');
    expect(expired.status).toBe(200);
    expect(expired.body).toMatchObject({ id, status: 'EXPIRED', decidedBy: 'risk-officer' });
    const again = await act(id, 'expire');
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ detail: `approval ${id} is already EXPIRED` });
    expect((await act(id, 'approve')).status).toBe(409);
    expect((await call('GET', `/approvals/${id}`)).body.status).toBe('EXPIRED');
  });

  test('PENDING -> REJECTED keeps the request reason when none is given; REJECTED -> APPROVED is a 409', async () => {
    const { id } = await create({ reason: 'original' });
    const rejected = await act(id, 'reject');
    expect(rejected.body).toMatchObject({ status: 'REJECTED', reason: 'original', decidedBy: 'risk-officer' });
    const res = await act(id, 'approve');
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ detail: `approval ${id} is REJECTED, not PENDING` });
    expect((await act(id, 'expire')).body.status).toBe('EXPIRED');
  });

  test('PENDING -> EXPIRED directly; then no decision', async () => {
    const { id } = await create();
    expect((await act(id, 'expire')).body).toMatchObject({ status: 'EXPIRED', decidedBy: null, decidedAt: null });
    expect((await act(id, 'reject')).status).toBe(409);
  });

  test('approving makes a large order for that ticker/side pass the evaluation; expiring undoes it', async () => {
    const { id } = await create({ ticker: 'BARE', side: 'SELL', quantity: 10_000 });
    const order = { ticker: 'BARE', side: 'SELL', quantity: 10_000, price: 30 };
    expect((await call('POST', '/evaluations', order)).body.decision).toBe('REQUIRES_APPROVAL');
    await act(id, 'approve');
    expect((await call('POST', '/evaluations', order)).body).toMatchObject({ decision: 'APPROVE', approvalId: id });
    await act(id, 'expire');
    expect((await call('POST', '/evaluations', order)).body.decision).toBe('REQUIRES_APPROVAL');
  });

  test('seeded non-pending approvals refuse decisions with 409; the seeded EXPIRED refuses expiry', async () => {
    expect((await act(ids.APPROVAL_REJECTED, 'approve')).status).toBe(409);
    expect((await act(ids.APPROVAL_APPROVED, 'reject')).status).toBe(409);
    expect((await act(ids.APPROVAL_EXPIRED, 'approve')).status).toBe(409);
    expect((await act(ids.APPROVAL_EXPIRED, 'expire')).status).toBe(409);
  });

  test('a PENDING approval past its expiresAt cannot be approved (409)', async () => {
    const { id } = await create();
    await withClient(svc.db.url, (c) => c.query(`UPDATE operator_approvals SET expires_at = '2025-01-01T00:00:00Z' WHERE id = $1`, [id]));
    const res = await act(id, 'approve');
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/expired at 2025-01-01T00:00:00.000Z/);
  });

  test('actions on unknown ids are 404, on malformed ids 422, with a bad body 422', async () => {
    for (const action of ['approve', 'reject', 'expire']) {
      const res = await act(MISSING, action);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: `approval ${MISSING} not found` });
      expect((await act('12345', action)).status).toBe(422);
    }
    expect(locOf((await act(ids.APPROVAL_PENDING, 'approve', {})).body)).toEqual([['body', 'decidedBy']]);
    expect((await call('POST', `/approvals/${ids.APPROVAL_PENDING}/reject`)).status).toBe(422);
    expect((await call('GET', `/approvals/${ids.APPROVAL_PENDING}`)).body.status).toBe('PENDING');
  });

  test('the database itself refuses an illegal transition with P0409 (the code the runtime maps to 409)', async () => {
    await withClient(svc.db.url, async (c) => {
      await expect(c.query(`UPDATE operator_approvals SET status = 'APPROVED' WHERE id = $1`, [ids.APPROVAL_REJECTED])).rejects.toMatchObject({ code: 'P0409' });
      await expect(c.query(`UPDATE operator_approvals SET status = 'PENDING' WHERE id = $1`, [ids.APPROVAL_EXPIRED])).rejects.toMatchObject({ code: 'P0409' });
    });
  });
});

describe('lockouts', () => {
  const idsOf = (body: { id: string }[]) => body.map((l) => l.id);

  test('the seeded lockouts read back exactly, with active computed now', async () => {
    const active = await call('GET', `/lockouts/${ids.LOCKOUT_ACTIVE}`);
    expect(active.body).toEqual({
      id: ids.LOCKOUT_ACTIVE,
      ticker: 'TSLA',
      reason: 'earnings blackout',
      startsAt: '2026-01-01T00:00:00.000Z',
      endsAt: '2099-12-31T23:59:59.000Z',
      active: true,
      createdAt: '2026-01-05T14:30:00.000Z',
    });
    expect((await call('GET', `/lockouts/${ids.LOCKOUT_EXPIRED}`)).body).toMatchObject({ ticker: 'NVDA', active: false });
  });

  test('list by start time; filters active and ticker; no match is 200 []', async () => {
    expect(idsOf((await call('GET', '/lockouts')).body)).toEqual([ids.LOCKOUT_EXPIRED, ids.LOCKOUT_ACTIVE]);
    expect(idsOf((await call('GET', '/lockouts?active=true')).body)).toEqual([ids.LOCKOUT_ACTIVE]);
    expect(idsOf((await call('GET', '/lockouts?active=false')).body)).toEqual([ids.LOCKOUT_EXPIRED]);
    expect(idsOf((await call('GET', '/lockouts?ticker=NVDA')).body)).toEqual([ids.LOCKOUT_EXPIRED]);
    expect((await call('GET', '/lockouts?ticker=NVDA&active=true')).body).toEqual([]);
    expect(idsOf((await call('GET', '/lockouts?limit=1&offset=1')).body)).toEqual([ids.LOCKOUT_ACTIVE]);
  });

  test.each(['active=maybe', 'limit=500', 'offset=x', 'ticker=tsla'])('query %s is a 422', async (qs) => {
    expect((await call('GET', `/lockouts?${qs}`)).status).toBe(422);
  });

  test('unknown id 404, malformed id 422', async () => {
    expect((await call('GET', `/lockouts/${MISSING}`)).status).toBe(404);
    expect((await call('DELETE', `/lockouts/${MISSING}`)).status).toBe(404);
    expect((await call('GET', '/lockouts/xyz')).status).toBe(422);
    expect((await call('DELETE', '/lockouts/xyz')).status).toBe(422);
  });

  test('create 201, it locks the symbol, delete 204 lifts it, then 404', async () => {
    const res = await call('POST', '/lockouts', { ticker: 'AAPL', reason: 'halt', startsAt: '2026-01-01T00:00:00Z', endsAt: future });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ticker: 'AAPL', reason: 'halt', startsAt: '2026-01-01T00:00:00.000Z', endsAt: future, active: true });
    expect((await call('GET', `/lockouts/${res.body.id}`)).body).toEqual(res.body);
    const order = { ticker: 'AAPL', side: 'BUY', quantity: 1, price: 1 };
    expect((await call('POST', '/evaluations', order)).body.reasons.map((r: { code: string }) => r.code)).toEqual(['SYMBOL_LOCKED']);
    const deleted = await call('DELETE', `/lockouts/${res.body.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');
    expect((await call('GET', `/lockouts/${res.body.id}`)).status).toBe(404);
    expect((await call('DELETE', `/lockouts/${res.body.id}`)).status).toBe(404);
    expect((await call('POST', '/evaluations', order)).body.decision).toBe('APPROVE');
  });

  test('a future window is not active and does not lock yet', async () => {
    const res = await call('POST', '/lockouts', { ticker: 'JPM', reason: 'later', startsAt: '2098-01-01T00:00:00Z', endsAt: future });
    expect(res.body.active).toBe(false);
    expect((await call('POST', '/evaluations', { ticker: 'JPM', side: 'BUY', quantity: 1, price: 1 })).body.decision).toBe('APPROVE');
  });

  test('endsAt <= startsAt is a 400 and writes nothing; the database CHECK backs it (23514)', async () => {
    const before = await countRows('symbol_lockouts');
    for (const endsAt of ['2026-01-01T00:00:00Z', '2025-12-31T00:00:00Z', '2026-01-01T01:00:00+01:00']) {
      const res = await call('POST', '/lockouts', { ticker: 'AAPL', reason: 'bad', startsAt: '2026-01-01T00:00:00Z', endsAt });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ detail: 'endsAt must be after startsAt' });
    }
    expect(await countRows('symbol_lockouts')).toBe(before);
    await withClient(svc.db.url, async (c) => {
      await expect(
        c.query(`INSERT INTO symbol_lockouts (id, ticker, reason, starts_at, ends_at) VALUES (gen_random_uuid(), 'AAPL', 'x', '2026-01-02', '2026-01-01')`),
      ).rejects.toMatchObject({ code: '23514', constraint: 'lockout_window' });
    });
  });

  test.each<[string, Record<string, unknown>, unknown[]]>([
    ['missing reason', { ticker: 'AAPL', startsAt: '2026-01-01T00:00:00Z', endsAt: future }, ['body', 'reason']],
    ['empty reason', { ticker: 'AAPL', reason: '', startsAt: '2026-01-01T00:00:00Z', endsAt: future }, ['body', 'reason']],
    ['startsAt not a date-time', { ticker: 'AAPL', reason: 'x', startsAt: '2026-01-01', endsAt: future }, ['body', 'startsAt']],
    ['ticker a number', { ticker: 7, reason: 'x', startsAt: '2026-01-01T00:00:00Z', endsAt: future }, ['body', 'ticker']],
  ])('%s is a 422', async (_name, body, loc) => {
    const res = await call('POST', '/lockouts', body);
    expect(res.status).toBe(422);
    expect(locOf(res.body)).toContainEqual(loc);
  });
});

describe('snapshots', () => {
  const datesOf = (body: { snapshotDate: string }[]) => body.map((s) => s.snapshotDate);

  test('a day reads back exactly as seeded', async () => {
    const res = await call('GET', '/snapshots/2026-01-05');
    expect(res.body).toEqual({
      id: ids.RISK_SNAPSHOT_2026_01_05,
      snapshotDate: '2026-01-05',
      grossExposure: 1310000,
      netExposure: 455000.25,
      var95: 40120.75,
      maxDrawdown: 0.0131,
      createdAt: '2026-01-05T21:00:00.000Z',
    });
  });

  test('list oldest first; from/to inclusive; an empty range is 200 []', async () => {
    expect(datesOf((await call('GET', '/snapshots')).body)).toEqual([...ids.RISK_SNAPSHOT_DATES]);
    expect(datesOf((await call('GET', '/snapshots?from=2026-01-05')).body)).toEqual(['2026-01-05', '2026-01-06']);
    expect(datesOf((await call('GET', '/snapshots?from=2026-01-02&to=2026-01-05')).body)).toEqual(['2026-01-02', '2026-01-05']);
    expect((await call('GET', '/snapshots?from=2026-01-03&to=2026-01-04')).body).toEqual([]);
    expect(datesOf((await call('GET', '/snapshots?limit=1&offset=2')).body)).toEqual(['2026-01-06']);
  });

  test('from after to is a 400', async () => {
    const res = await call('GET', '/snapshots?from=2026-01-06&to=2026-01-02');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: 'from (2026-01-06) is after to (2026-01-02)' });
  });

  test.each(['from=2026-13-01', 'to=yesterday', 'limit=0'])('query %s is a 422', async (qs) => {
    expect((await call('GET', `/snapshots?${qs}`)).status).toBe(422);
  });

  test('a day without a snapshot is a 404; an impossible date a 422', async () => {
    const res = await call('GET', '/snapshots/2026-01-03');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: 'no risk snapshot on 2026-01-03' });
    expect((await call('GET', '/snapshots/2026-02-30')).status).toBe(422);
    expect((await call('GET', '/snapshots/20260105')).status).toBe(422);
  });
});

describe('empty database', () => {
  test.each(['/approvals', '/lockouts', '/snapshots', '/lockouts?active=true'])('GET %s is 200 []', async (path) => {
    const res = await call('GET', path, undefined, empty);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  test('reads by id are 404 and an order is rejected as UNKNOWN_SYMBOL (no registry rows)', async () => {
    expect((await call('GET', `/approvals/${ids.APPROVAL_PENDING}`, undefined, empty)).status).toBe(404);
    expect((await call('GET', '/snapshots/2026-01-02', undefined, empty)).status).toBe(404);
    const res = await call('POST', '/evaluations', { ticker: 'AAPL', side: 'BUY', quantity: 1, price: 1 }, empty);
    expect(res.body.reasons.map((r: { code: string }) => r.code)).toEqual(['UNKNOWN_SYMBOL']);
  });
});
