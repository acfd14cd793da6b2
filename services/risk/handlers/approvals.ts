import type { PoolClient } from 'pg';
import { badRequest, conflict, created, notFound, ok, type Handler } from '../../runtime';
import { iso, pageOf, Where } from './paging';

/** A row of operator_approvals. */
interface ApprovalRow {
  id: string;
  ticker: string;
  side: string;
  quantity: number;
  requested_by: string;
  status: string;
  reason: string | null;
  decided_by: string | null;
  created_at: Date;
  decided_at: Date | null;
  expires_at: Date;
}

const COLUMNS = 'id, ticker, side, quantity, requested_by, status, reason, decided_by, created_at, decided_at, expires_at';

/** The one place an approval row becomes its JSON form (schema `Approval`). */
export function toApproval(row: ApprovalRow) {
  return {
    id: row.id,
    ticker: row.ticker,
    side: row.side,
    quantity: row.quantity,
    requestedBy: row.requested_by,
    status: row.status,
    reason: row.reason,
    decidedBy: row.decided_by,
    createdAt: iso(row.created_at),
    decidedAt: iso(row.decided_at),
    expiresAt: iso(row.expires_at),
  };
}

interface ApprovalCreate {
  ticker: string;
  side: string;
  quantity: number;
  requestedBy: string;
  reason?: string;
  expiresAt: string;
}

interface ApprovalDecision {
  decidedBy: string;
  reason?: string;
}

async function lockApproval(client: PoolClient, id: string): Promise<ApprovalRow> {
  const { rows } = await client.query<ApprovalRow>(`SELECT ${COLUMNS} FROM operator_approvals WHERE id = $1 FOR UPDATE`, [id]);
  const row = rows[0];
  if (!row) throw notFound(`approval ${id} not found`);
  return row;
}

/**
 * approve / reject: only from PENDING, and not once the approval's window has passed. The
 * database trigger guards the transition too (P0409 -> 409), but it lets a same-status update
 * through, so APPROVED -> APPROVED is refused here.
 */
function decide(status: 'APPROVED' | 'REJECTED'): Handler {
  return async (req, ctx) => {
    const id = String(req.params.approvalId);
    const body = req.body as ApprovalDecision;
    const row = await ctx.transaction(async (client) => {
      const current = await lockApproval(client, id);
      if (current.status !== 'PENDING') throw conflict(`approval ${id} is ${current.status}, not PENDING`);
      if (current.expires_at.getTime() <= Date.now()) {
        throw conflict(`approval ${id} expired at ${current.expires_at.toISOString()}`);
      }
      const { rows } = await client.query<ApprovalRow>(
        `UPDATE operator_approvals
            SET status = $2, decided_by = $3, decided_at = now(), reason = COALESCE($4, reason)
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, status, body.decidedBy, body.reason ?? null],
      );
      return rows[0] as ApprovalRow;
    });
    return ok(toApproval(row));
  };
}

export const approvalHandlers: Record<string, Handler> = {
  async listApprovals(req, ctx) {
    const { limit, offset } = pageOf(req.query);
    const where = new Where();
    if (req.query.status !== undefined) where.add((s) => `status = ${s}`, req.query.status);
    if (req.query.ticker !== undefined) where.add((s) => `ticker = ${s}`, req.query.ticker);
    const { rows } = await ctx.db.query<ApprovalRow>(
      `SELECT ${COLUMNS} FROM operator_approvals ${where} ORDER BY created_at DESC, id LIMIT ${where.slot(limit)} OFFSET ${where.slot(offset)}`,
      where.values,
    );
    return ok(rows.map(toApproval));
  },

  async getApproval(req, ctx) {
    const id = String(req.params.approvalId);
    const { rows } = await ctx.db.query<ApprovalRow>(`SELECT ${COLUMNS} FROM operator_approvals WHERE id = $1`, [id]);
    if (!rows[0]) throw notFound(`approval ${id} not found`);
    return ok(toApproval(rows[0]));
  },

  async createApproval(req, ctx) {
    const body = req.body as ApprovalCreate;
    if (new Date(body.expiresAt).getTime() <= Date.now()) throw badRequest('expiresAt must be in the future');
    const { rows } = await ctx.db.query<ApprovalRow>(
      `INSERT INTO operator_approvals (id, ticker, side, quantity, requested_by, reason, expires_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [body.ticker, body.side, body.quantity, body.requestedBy, body.reason ?? null, body.expiresAt],
    );
    return created(toApproval(rows[0] as ApprovalRow));
  },

  approveApproval: decide('APPROVED'),
  rejectApproval: decide('REJECTED'),

  /** Any status but EXPIRED may expire; EXPIRED -> EXPIRED would pass the trigger, so it is refused here. */
  async expireApproval(req, ctx) {
    const id = String(req.params.approvalId);
    const row = await ctx.transaction(async (client) => {
      const current = await lockApproval(client, id);
      if (current.status === 'EXPIRED') throw conflict(`approval ${id} is already EXPIRED`);
      const { rows } = await client.query<ApprovalRow>(
        `UPDATE operator_approvals SET status = 'EXPIRED' WHERE id = $1 RETURNING ${COLUMNS}`,
        [id],
      );
      return rows[0] as ApprovalRow;
    });
    return ok(toApproval(row));
  },
};
