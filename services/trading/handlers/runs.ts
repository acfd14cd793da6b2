import { randomUUID } from 'node:crypto';
import { conflict, created, noContent, notFound, ok, type Handler } from '../../runtime';
import { toRun, type RunRow } from '../rows';
import { filter, isPgError, page, requireRun, requireTrader } from './common';

export const listRuns: Handler = async (req, { db }) => {
  const { limit, offset } = page(req.query);
  const { rows } = await db.query<RunRow>(
    `SELECT * FROM strategy_runs
     WHERE ($1::uuid IS NULL OR user_id = $1) AND ($2::text IS NULL OR status = $2)
     ORDER BY started_at, id LIMIT $3 OFFSET $4`,
    [filter(req.query.userId), filter(req.query.status), limit, offset],
  );
  return ok(rows.map(toRun));
};

export const getRun: Handler = async (req, { db }) => ok(toRun(await requireRun(db, String(req.params.runId))));

/** RL-08: a new RUNNING run. RL-05: the partial unique index refuses a second RUNNING run (409). */
export const createRun: Handler = async (req, { db }) => {
  const body = req.body as { userId: string; strategy: string; initialCash?: number };
  await requireTrader(db, body.userId);
  try {
    const { rows } = await db.query<RunRow>(
      `INSERT INTO strategy_runs (id, user_id, strategy, status, initial_cash, cash)
       SELECT $1, $2, $3, 'RUNNING', c.amount, c.amount
       FROM (SELECT coalesce($4::numeric, (SELECT default_initial_cash FROM engine_config WHERE id = 1), 100000) AS amount) c
       RETURNING *`,
      [randomUUID(), body.userId, body.strategy, body.initialCash ?? null],
    );
    return created(toRun(rows[0] as RunRow));
  } catch (err) {
    if (isPgError(err, '23505', 'strategy_runs_one_running_per_user')) {
      throw conflict(`trader ${body.userId} already has a RUNNING run: stop it first`);
    }
    throw err;
  }
};

/** RL-09 / OR-06: RUNNING -> STOPPED, cancelling the run's PENDING orders in the same transaction. */
export const stopRun: Handler = async (req, ctx) =>
  ctx.transaction(async (client) => {
    const run = await requireRun(client, String(req.params.runId), true);
    if (run.status !== 'RUNNING') throw conflict(`run ${run.id} is ${run.status}: only a RUNNING run can be stopped`);
    await client.query(`UPDATE orders SET status = 'CANCELLED' WHERE run_id = $1 AND status = 'PENDING'`, [run.id]);
    const { rows } = await client.query<RunRow>(
      `UPDATE strategy_runs SET status = 'STOPPED', stopped_at = now() WHERE id = $1 RETURNING *`,
      [run.id],
    );
    return ok(toRun(rows[0] as RunRow));
  });

/** RL-07: children go with the run (ON DELETE CASCADE on every composite foreign key). */
export const deleteRun: Handler = async (req, { db }) => {
  const { rowCount } = await db.query('DELETE FROM strategy_runs WHERE id = $1', [req.params.runId]);
  if (!rowCount) throw notFound(`run ${String(req.params.runId)} not found`);
  return noContent();
};
