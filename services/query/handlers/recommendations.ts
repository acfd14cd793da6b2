import { notFound, ok, type Handler } from '../../runtime';
import { iso, optionalString, pageOf, requiredString } from './common';

/** Analyst recommendations: listRecommendations, getRecommendation (openapi/query.yaml). */
export interface RecommendationRow {
  id: string;
  company_id: string;
  ticker: string;
  rating: string;
  target_price: number;
  rationale: string;
  created_at: Date;
}

/** The columns of a recommendation joined with its company's ticker (`r` and `c` aliases). */
export const RECOMMENDATION_COLUMNS = 'r.id, r.company_id, c.ticker, r.rating, r.target_price, r.rationale, r.created_at';

export function toRecommendation(row: RecommendationRow) {
  return {
    id: row.id,
    companyId: row.company_id,
    ticker: row.ticker,
    rating: row.rating,
    targetPrice: row.target_price,
    rationale: row.rationale,
    createdAt: iso(row.created_at),
  };
}

/** Newest first; the same order decides a company's "latest" recommendation everywhere. */
export const RECOMMENDATION_ORDER = 'r.created_at DESC, r.id ASC';

export const listRecommendations: Handler = async ({ query }, { db }) => {
  const { limit, offset } = pageOf(query);
  const { rows } = await db.query<RecommendationRow>(
    `SELECT ${RECOMMENDATION_COLUMNS}
       FROM recommendations r JOIN companies c ON c.id = r.company_id
      WHERE ($1::text IS NULL OR c.ticker = $1) AND ($2::text IS NULL OR r.rating = $2)
      ORDER BY ${RECOMMENDATION_ORDER}
      LIMIT $3 OFFSET $4`,
    [optionalString(query.ticker), optionalString(query.rating), limit, offset],
  );
  return ok(rows.map(toRecommendation));
};

export const getRecommendation: Handler = async ({ params }, { db }) => {
  const id = requiredString(params.recommendationId);
  const { rows } = await db.query<RecommendationRow>(
    `SELECT ${RECOMMENDATION_COLUMNS} FROM recommendations r JOIN companies c ON c.id = r.company_id WHERE r.id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) throw notFound(`recommendation ${id} not found`);
  return ok(toRecommendation(row));
};
