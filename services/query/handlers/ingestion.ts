import { notFound, ok, type Handler } from '../../runtime';
import { iso, isoOrNull, optionalString, pageOf, requiredString } from './common';

/** Ingestion runs: getIngestionSummary, listIngestionRuns, getIngestionRun (openapi/query.yaml). */
const STATUSES = ['RUNNING', 'COMPLETED', 'FAILED'] as const;

interface IngestionRunRow {
  id: string;
  source: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  documents_ingested: number;
  error: string | null;
}

const COLUMNS = 'id, source, status, started_at, finished_at, documents_ingested, error';

function toIngestionRun(row: IngestionRunRow) {
  return {
    id: row.id,
    source: row.source,
    status: row.status,
    startedAt: iso(row.started_at),
    finishedAt: isoOrNull(row.finished_at),
    documentsIngested: row.documents_ingested,
    error: row.error,
  };
}

export const getIngestionSummary: Handler = async (_req, { db }) => {
  const [counts, latest] = await Promise.all([
    db.query<{ status: string; runs: number; documents: number }>(
      `SELECT status, count(*)::int AS runs, sum(documents_ingested)::bigint AS documents
         FROM ingestion_runs GROUP BY status`,
    ),
    db.query<IngestionRunRow>(
      `SELECT DISTINCT ON (source) ${COLUMNS} FROM ingestion_runs ORDER BY source, started_at DESC, id ASC`,
    ),
  ]);
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<string, number>;
  let totalRuns = 0;
  let documentsIngested = 0;
  for (const row of counts.rows) {
    byStatus[row.status] = row.runs;
    totalRuns += row.runs;
    documentsIngested += row.documents;
  }
  return ok({ totalRuns, byStatus, documentsIngested, lastRunPerSource: latest.rows.map(toIngestionRun) });
};

export const listIngestionRuns: Handler = async ({ query }, { db }) => {
  const { limit, offset } = pageOf(query);
  const { rows } = await db.query<IngestionRunRow>(
    `SELECT ${COLUMNS} FROM ingestion_runs
      WHERE ($1::text IS NULL OR status = $1)
      ORDER BY started_at DESC, id ASC
      LIMIT $2 OFFSET $3`,
    [optionalString(query.status), limit, offset],
  );
  return ok(rows.map(toIngestionRun));
};

export const getIngestionRun: Handler = async ({ params }, { db }) => {
  const id = requiredString(params.runId);
  const { rows } = await db.query<IngestionRunRow>(`SELECT ${COLUMNS} FROM ingestion_runs WHERE id = $1`, [id]);
  const row = rows[0];
  if (!row) throw notFound(`ingestion run ${id} not found`);
  return ok(toIngestionRun(row));
};
