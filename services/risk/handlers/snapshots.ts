import { badRequest, notFound, ok, type Handler } from '../../runtime';
import { iso, pageOf, Where } from './paging';

/** A row of daily_risk_snapshots (numeric columns arrive as numbers, dates as 'YYYY-MM-DD'). */
interface SnapshotRow {
  id: string;
  snapshot_date: string;
  gross_exposure: number;
  net_exposure: number;
  var_95: number;
  max_drawdown: number;
  created_at: Date;
}

const COLUMNS = 'id, snapshot_date, gross_exposure, net_exposure, var_95, max_drawdown, created_at';

/** The one place a snapshot row becomes its JSON form (schema `Snapshot`). */
export function toSnapshot(row: SnapshotRow) {
  return {
    id: row.id,
    snapshotDate: row.snapshot_date,
    grossExposure: row.gross_exposure,
    netExposure: row.net_exposure,
    var95: row.var_95,
    maxDrawdown: row.max_drawdown,
    createdAt: iso(row.created_at),
  };
}

export const snapshotHandlers: Record<string, Handler> = {
  async listSnapshots(req, ctx) {
    const { limit, offset } = pageOf(req.query);
    const from = req.query.from as string | undefined;
    const to = req.query.to as string | undefined;
    // Both are validated 'YYYY-MM-DD' strings, so string order is date order.
    if (from !== undefined && to !== undefined && from > to) throw badRequest(`from (${from}) is after to (${to})`);
    const where = new Where();
    if (from !== undefined) where.add((s) => `snapshot_date >= ${s}::date`, from);
    if (to !== undefined) where.add((s) => `snapshot_date <= ${s}::date`, to);
    const { rows } = await ctx.db.query<SnapshotRow>(
      `SELECT ${COLUMNS} FROM daily_risk_snapshots ${where} ORDER BY snapshot_date LIMIT ${where.slot(limit)} OFFSET ${where.slot(offset)}`,
      where.values,
    );
    return ok(rows.map(toSnapshot));
  },

  async getSnapshot(req, ctx) {
    const date = String(req.params.snapshotDate);
    const { rows } = await ctx.db.query<SnapshotRow>(`SELECT ${COLUMNS} FROM daily_risk_snapshots WHERE snapshot_date = $1::date`, [date]);
    if (!rows[0]) throw notFound(`no risk snapshot on ${date}`);
    return ok(toSnapshot(rows[0]));
  },
};
