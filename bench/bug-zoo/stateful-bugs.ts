/**
 * The stateful bug zoo: variants of the reference services whose every single response is what
 * the contract documents, so that the generated baselines (one request each) pass on them, and
 * whose bug shows only in a sequence of requests: the kinds of issue 12 (a create not persisted
 * or dropping a field, an update or a delete that answers right and changes nothing, a list that
 * never shows a new record, a read of another record, two reads that differ, a PATCH that resets
 * unsent fields, a child listed under another parent, a second delete answered 204).
 *
 * Each is a wrapper over the real handler (the same `Bug` shape as bugs.ts, `needs: 'chain'`),
 * launched by bench/bug-zoo/main.ts with `BUG=<id>`. Where a bug is "answers right, stores
 * nothing" the real handler runs inside a transaction that is rolled back, so the answer is the
 * real one, byte for byte. `reveals` names the operations a sequence shows the bug through (a
 * peer's failing test of one of them counts as a catch). bench/zoo-chains.ts runs them.
 *
 * The query service has no stateful variant: its document has no create (it reads what the
 * others write), so the generator infers no resource and no chain for it.
 */
import type { Pool, PoolClient } from 'pg';
import type { Handler, HandlerContext, HandlerRequest, Reply } from '../../services/runtime';
import { settle, type Bug } from './bugs';

const ROLLBACK = Symbol('rollback');

/** The real handler's reply, from a transaction that is rolled back: it answers, nothing is stored. */
async function uncommitted(h: Handler, req: HandlerRequest, ctx: HandlerContext): Promise<Reply> {
  let reply: Reply | undefined;
  try {
    await ctx.transaction(async (client: PoolClient) => {
      const inTx: HandlerContext = { ...ctx, db: client as unknown as Pool, transaction: (fn) => fn(client) };
      reply = await settle(h, req, inTx);
      throw ROLLBACK;
    });
  } catch (err) {
    if (err !== ROLLBACK) throw err;
  }
  return reply as Reply;
}

const record = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** Was this record made after the bug's service started (not seeded, not made by an earlier run)? */
const madeSince = (startedAt: Date, row: Record<string, unknown> | undefined): boolean =>
  typeof row?.createdAt === 'string' && new Date(row.createdAt).getTime() >= startedAt.getTime();

export const STATEFUL_BUGS: Bug[] = [
  {
    id: 'create-drops-field',
    service: 'registry',
    operationId: 'createWatchlist',
    category: 'a create that drops a field',
    description: 'POST /watchlists stores description as null but answers 201 with the description it was sent',
    needs: 'chain',
    reveals: ['getWatchlist', 'listWatchlists'],
    handlers: {
      createWatchlist: (real) => async (req, ctx) => {
        const sent = record(req.body);
        const reply = await settle(real, { ...req, body: { ...sent, description: null } }, ctx);
        const body = record(reply.body);
        return reply.status === 201 && body && sent && 'description' in sent ? { status: 201, body: { ...body, description: sent.description } } : reply;
      },
    },
  },
  {
    id: 'delete-not-effective',
    service: 'registry',
    operationId: 'deleteWatchlist',
    category: 'a delete that answers 204 and deletes nothing',
    description: 'DELETE /watchlists/{id} answers 204 for an existing watchlist (404 for an unknown one) but its transaction is never committed',
    needs: 'chain',
    reveals: ['getWatchlist', 'listWatchlists', 'deleteWatchlist'],
    handlers: { deleteWatchlist: (real) => (req, ctx) => uncommitted(real, req, ctx) },
  },
  {
    id: 'patch-resets-unsent',
    service: 'registry',
    operationId: 'updateCompany',
    category: 'a PATCH that resets unsent fields',
    description: 'PATCH /companies/{id} fills the fields the body leaves out with defaults, as if it were a PUT: isActive becomes false',
    needs: 'chain',
    reveals: ['getCompany', 'updateCompany'],
    handlers: { updateCompany: (real) => (req, ctx) => settle(real, { ...req, body: { isActive: false, ...record(req.body) } }, ctx) },
  },
  {
    id: 'nested-child-leak',
    service: 'registry',
    operationId: 'listCompanyAliases',
    category: 'a nested child listed under another parent',
    description: "GET /companies/{id}/aliases drops the parent filter: after the parent's 404 check it lists every company's aliases",
    needs: 'chain',
    reveals: ['listCompanyAliases'],
    handlers: {
      listCompanyAliases: (real) => async (req, ctx) => {
        const reply = await settle(real, req, ctx);
        if (reply.status !== 200) return reply;
        const { rows } = await ctx.db.query<{ id: string; company_id: string; alias: string; created_at: Date }>(
          'SELECT id, company_id, alias, created_at FROM company_aliases ORDER BY alias COLLATE "C", id',
        );
        return { status: 200, body: rows.map((r) => ({ id: r.id, companyId: r.company_id, alias: r.alias, createdAt: new Date(r.created_at).toISOString() })) };
      },
    },
  },
  {
    id: 'second-delete-204',
    service: 'risk',
    operationId: 'deleteLockout',
    category: 'a second delete that answers 204 instead of 404',
    description: 'DELETE /lockouts/{id} of a lockout this service already deleted answers 204 again (a soft delete that forgets it was done); an id never seen is still 404',
    needs: 'chain',
    reveals: ['deleteLockout'],
    handlers: {
      deleteLockout: (real) => {
        const deleted = new Set<string>();
        return async (req, ctx) => {
          const id = String(req.params.lockoutId);
          const reply = await settle(real, req, ctx);
          if (reply.status === 204) deleted.add(id);
          return reply.status === 404 && deleted.has(id) ? { status: 204 } : reply;
        };
      },
    },
  },
  {
    id: 'list-never-shows-new',
    service: 'risk',
    operationId: 'listLockouts',
    category: 'a list that never shows a new record',
    description: 'GET /lockouts answers from a snapshot taken when the service started (a cache never invalidated): lockouts created since are readable by id but never listed',
    needs: 'chain',
    reveals: ['listLockouts'],
    handlers: {
      listLockouts: (real) => {
        const startedAt = new Date();
        return async (req, ctx) => {
          const reply = await settle(real, req, ctx);
          return reply.status === 200 && Array.isArray(reply.body) ? { status: 200, body: reply.body.filter((r) => !madeSince(startedAt, record(r))) } : reply;
        };
      },
    },
  },
  {
    id: 'create-drops-reason',
    service: 'risk',
    operationId: 'createApproval',
    category: 'a create that drops a field',
    description: 'POST /approvals stores reason as null (a column left out of the INSERT) and answers 201 with the reason it was sent',
    needs: 'chain',
    reveals: ['getApproval', 'listApprovals'],
    handlers: {
      createApproval: (real) => async (req, ctx) => {
        const sent = record(req.body);
        const { reason: _dropped, ...rest } = sent ?? {};
        const reply = await settle(real, { ...req, body: rest }, ctx);
        const body = record(reply.body);
        return reply.status === 201 && body && sent && 'reason' in sent ? { status: 201, body: { ...body, reason: sent.reason } } : reply;
      },
    },
  },
  {
    id: 'read-returns-other',
    service: 'risk',
    operationId: 'getApproval',
    category: 'a read that returns another record',
    description: 'GET /approvals/{id} of an approval created since the service started answers the newest older approval instead (a read cache warmed at start-up, its miss path off by one); seeded approvals and unknown ids read right',
    needs: 'chain',
    reveals: ['getApproval'],
    handlers: {
      getApproval: (real) => {
        const startedAt = new Date();
        return async (req, ctx) => {
          const reply = await settle(real, req, ctx);
          if (reply.status !== 200 || !madeSince(startedAt, record(reply.body))) return reply;
          const { rows } = await ctx.db.query<{ id: string }>('SELECT id FROM operator_approvals WHERE created_at < $1 ORDER BY created_at DESC, id LIMIT 1', [startedAt]);
          const other = rows[0];
          return other ? settle(real, { ...req, params: { ...req.params, approvalId: other.id } }, ctx) : reply;
        };
      },
    },
  },
  {
    id: 'create-not-persisted',
    service: 'trading',
    operationId: 'createTrader',
    category: 'a create that is not persisted',
    description: 'POST /traders answers 201 with the new trader, but its transaction is never committed',
    needs: 'chain',
    reveals: ['getTrader', 'listTraders'],
    handlers: { createTrader: (real) => (req, ctx) => uncommitted(real, req, ctx) },
  },
  {
    id: 'update-not-persisted',
    service: 'trading',
    operationId: 'setMarketPrice',
    category: 'an update that answers right but stores nothing',
    description: 'PUT /market-prices/{ticker} answers 200 with the new price, but its transaction is never committed',
    needs: 'chain',
    reveals: ['getMarketPrice', 'listMarketPrices', 'setMarketPrice'],
    handlers: { setMarketPrice: (real) => (req, ctx) => uncommitted(real, req, ctx) },
  },
  {
    id: 'reads-differ',
    service: 'trading',
    operationId: 'getNotification',
    category: 'two reads of one record that differ',
    description: 'GET /notifications/{id} delivers a PENDING notification as a side effect (status DELIVERED, deliveredAt now) and answers the state it read before: the next read differs',
    needs: 'chain',
    reveals: ['getNotification'],
    handlers: {
      getNotification: (real) => async (req, ctx) => {
        const reply = await settle(real, req, ctx);
        if (reply.status === 200 && record(reply.body)?.status === 'PENDING') {
          await ctx.db.query("UPDATE notifications SET status = 'DELIVERED', delivered_at = now() WHERE id = $1 AND status = 'PENDING'", [req.params.notificationId]);
        }
        return reply;
      },
    },
  },
];
