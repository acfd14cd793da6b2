/**
 * Lifecycle of operator approvals (openapi/risk.yaml): PENDING -> APPROVED | REJECTED | EXPIRED,
 * APPROVED | REJECTED -> EXPIRED, EXPIRED final. Every illegal transition answers its documented
 * 409 and changes nothing: the row read back with SQL is byte-for-byte what it was. Each test
 * works on approvals it creates (fresh ticker and requester).
 *
 * Mutation tried (scratch copy of the service): services/risk/handlers/approvals.ts decide()
 * without its `current.status !== 'PENDING'` check -> caught by "APPROVED approval: approve is a
 * 409 and changes nothing" and "REJECTED approval: reject is a 409 and changes nothing" (200, row
 * rewritten: the trigger lets a same-status update through); the other illegal transitions still
 * 409 through the trigger, as "the database refuses an illegal transition" shows; reverted.
 */
import { risk } from '../generated/risk/client';
import { sql } from './support/db';
import { useFixtures } from './support/factories';
import { fails, ok } from './support/http';

const fx = useFixtures();

type Action = 'approve' | 'reject' | 'expire';

async function act(approvalId: string, action: Action) {
  const params = { path: { approvalId } };
  const body = { decidedBy: 'risk-officer', reason: `${action} in a lifecycle test` };
  if (action === 'approve') return risk.seeded.POST('/approvals/{approvalId}/approve', { params, body });
  if (action === 'reject') return risk.seeded.POST('/approvals/{approvalId}/reject', { params, body });
  return risk.seeded.POST('/approvals/{approvalId}/expire', { params });
}

/** The approval's row as stored (every column, as text), to prove a refused action changed nothing. */
async function storedRow(approvalId: string): Promise<string> {
  const rows = await sql<{ r: string }>('SELECT row_to_json(a)::text AS r FROM operator_approvals a WHERE id = $1', [approvalId]);
  if (!rows[0]) throw new Error(`approval ${approvalId} has no row`);
  return rows[0].r;
}

/** An approval brought to `status` through the API. */
async function approvalIn(status: 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED') {
  const a = await fx.approval();
  if (status === 'APPROVED') ok(await act(a.id, 'approve'), 200);
  if (status === 'REJECTED') ok(await act(a.id, 'reject'), 200);
  if (status === 'EXPIRED') ok(await act(a.id, 'expire'), 200);
  return a;
}

test('a new approval is PENDING and undecided, and reads back as created', async () => {
  const a = await fx.approval({ quantity: 1234.5, reason: 'rebalance' });
  expect(a).toMatchObject({ status: 'PENDING', decidedBy: null, decidedAt: null, quantity: 1234.5, reason: 'rebalance' });
  const read = ok(await risk.seeded.GET('/approvals/{approvalId}', { params: { path: { approvalId: a.id } } }), 200);
  expect(read).toStrictEqual(a);
});

test('PENDING -> APPROVED records who decided and when; -> EXPIRED keeps the decision', async () => {
  const a = await fx.approval();
  const approved = ok(await act(a.id, 'approve'), 200);
  expect(approved).toMatchObject({ id: a.id, status: 'APPROVED', decidedBy: 'risk-officer', reason: 'approve in a lifecycle test' });
  expect(Date.parse(String(approved.decidedAt))).toBeGreaterThanOrEqual(Date.parse(a.createdAt));
  const expired = ok(await act(a.id, 'expire'), 200);
  expect(expired).toStrictEqual({ ...approved, status: 'EXPIRED' });
  const [row] = await sql<{ status: string; decided_by: string }>('SELECT status, decided_by FROM operator_approvals WHERE id = $1', [a.id]);
  expect(row).toEqual({ status: 'EXPIRED', decided_by: 'risk-officer' });
});

test('PENDING -> REJECTED -> EXPIRED', async () => {
  const a = await fx.approval();
  const rejected = ok(await act(a.id, 'reject'), 200);
  expect(rejected).toMatchObject({ status: 'REJECTED', decidedBy: 'risk-officer' });
  expect(ok(await act(a.id, 'expire'), 200).status).toBe('EXPIRED');
});

test('PENDING -> EXPIRED directly, undecided', async () => {
  const a = await fx.approval();
  const expired = ok(await act(a.id, 'expire'), 200);
  expect(expired).toMatchObject({ status: 'EXPIRED', decidedBy: null, decidedAt: null });
});

// Every illegal transition: documented 409, and the stored row is unchanged.
const illegal: [from: 'APPROVED' | 'REJECTED' | 'EXPIRED', action: Action][] = [
  ['APPROVED', 'approve'],
  ['APPROVED', 'reject'],
  ['REJECTED', 'approve'],
  ['REJECTED', 'reject'],
  ['EXPIRED', 'approve'],
  ['EXPIRED', 'reject'],
  ['EXPIRED', 'expire'],
];
test.each(illegal)('%s approval: %s is a 409 and changes nothing', async (from, action) => {
  const a = await approvalIn(from);
  const before = await storedRow(a.id);
  const err = fails(await act(a.id, action), 409);
  expect(typeof err.detail).toBe('string');
  expect(await storedRow(a.id)).toBe(before);
});

test('a PENDING approval whose window has passed cannot be approved or rejected (409), but may expire', async () => {
  const a = await fx.approval();
  await sql(`UPDATE operator_approvals SET expires_at = now() - interval '1 minute' WHERE id = $1`, [a.id]);
  const before = await storedRow(a.id);
  fails(await act(a.id, 'approve'), 409);
  fails(await act(a.id, 'reject'), 409);
  expect(await storedRow(a.id)).toBe(before);
  expect(ok(await act(a.id, 'expire'), 200).status).toBe('EXPIRED');
});

test('an approval that expires in the past cannot be requested (400) and leaves no row', async () => {
  const requestedBy = `past-${Date.now()}-${process.pid}`;
  const res = await risk.seeded.POST('/approvals', {
    body: { ticker: 'ZPAST', side: 'SELL', quantity: 10, requestedBy, expiresAt: '2025-01-01T00:00:00.000Z' },
  });
  fails(res, 400);
  expect(await sql('SELECT 1 FROM operator_approvals WHERE requested_by = $1', [requestedBy])).toHaveLength(0);
});

test('actions on an unknown approval are 404s', async () => {
  const approvalId = 'ffffffff-ffff-4fff-bfff-fffffffffffe';
  for (const action of ['approve', 'reject', 'expire'] as const) fails(await act(approvalId, action), 404);
});

test('the database refuses an illegal transition whatever the code path (P0409), row unchanged', async () => {
  const a = await approvalIn('EXPIRED');
  const before = await storedRow(a.id);
  for (const status of ['PENDING', 'APPROVED', 'REJECTED']) {
    await expect(sql(`UPDATE operator_approvals SET status = $2 WHERE id = $1`, [a.id, status])).rejects.toMatchObject({ code: 'P0409' });
  }
  const rejected = await approvalIn('REJECTED');
  await expect(sql(`UPDATE operator_approvals SET status = 'APPROVED' WHERE id = $1`, [rejected.id])).rejects.toMatchObject({ code: 'P0409' });
  expect(await storedRow(a.id)).toBe(before);
});

test('the status filter follows an approval through its lifecycle', async () => {
  const a = await fx.approval();
  const listed = async (status: 'PENDING' | 'APPROVED' | 'EXPIRED') =>
    ok(await risk.seeded.GET('/approvals', { params: { query: { status, ticker: a.ticker } } }), 200).map((x) => x.id);
  expect(await listed('PENDING')).toEqual([a.id]);
  ok(await act(a.id, 'approve'), 200);
  expect(await listed('PENDING')).toEqual([]);
  expect(await listed('APPROVED')).toEqual([a.id]);
  ok(await act(a.id, 'expire'), 200);
  expect(await listed('APPROVED')).toEqual([]);
  expect(await listed('EXPIRED')).toEqual([a.id]);
});
