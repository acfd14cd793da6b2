import { notFound, ok, type Handler } from '../../runtime';
import { iso, requiredString } from './common';
import { RECOMMENDATION_COLUMNS, RECOMMENDATION_ORDER, toRecommendation, type RecommendationRow } from './recommendations';

/**
 * Company-centred views: getCompanyOverview, listCompanyCompetitors (openapi/query.yaml).
 * They read registry tables (companies, company_aliases, sources, competitor_links), risk's
 * symbol_lockouts and this service's documents and recommendations.
 */
const SOURCE_KINDS = ['NEWS', 'FILING', 'SOCIAL', 'RSS'] as const;

interface OverviewRow {
  id: string;
  ticker: string;
  name: string;
  sector: string;
  exchange: string;
  is_active: boolean;
  created_at: Date;
  aliases: string[];
  source_counts: { kind: string; n: number }[];
  document_count: number;
  active_lockout: boolean;
  competitors: string[];
}

/** One statement, so every part of the overview comes from the same snapshot. */
const OVERVIEW_SQL = `
  SELECT c.id, c.ticker, c.name, c.sector, c.exchange, c.is_active, c.created_at,
         ARRAY(SELECT a.alias FROM company_aliases a WHERE a.company_id = c.id ORDER BY a.alias) AS aliases,
         (SELECT coalesce(json_agg(json_build_object('kind', s.kind, 'n', s.n)), '[]'::json)
            FROM (SELECT kind, count(*)::int AS n FROM sources WHERE company_id = c.id GROUP BY kind) s) AS source_counts,
         (SELECT count(*)::int FROM documents d WHERE d.company_id = c.id) AS document_count,
         EXISTS (SELECT 1 FROM symbol_lockouts l
                  WHERE l.ticker = c.ticker AND l.starts_at <= now() AND l.ends_at > now()) AS active_lockout,
         ARRAY(SELECT t.ticker FROM competitor_links k JOIN companies t ON t.id = k.competitor_id
                WHERE k.company_id = c.id ORDER BY k.strength DESC, t.ticker) AS competitors
    FROM companies c
   WHERE c.ticker = $1`;

async function latestRecommendation(db: Parameters<Handler>[1]['db'], companyId: string) {
  const { rows } = await db.query<RecommendationRow>(
    `SELECT ${RECOMMENDATION_COLUMNS} FROM recommendations r JOIN companies c ON c.id = r.company_id
      WHERE r.company_id = $1 ORDER BY ${RECOMMENDATION_ORDER} LIMIT 1`,
    [companyId],
  );
  return rows[0] ? toRecommendation(rows[0]) : null;
}

export const getCompanyOverview: Handler = async ({ params }, { db }) => {
  const ticker = requiredString(params.ticker);
  const { rows } = await db.query<OverviewRow>(OVERVIEW_SQL, [ticker]);
  const row = rows[0];
  if (!row) throw notFound(`company ${ticker} not found`);
  const sourceCounts = Object.fromEntries(SOURCE_KINDS.map((k) => [k, 0])) as Record<string, number>;
  for (const { kind, n } of row.source_counts) sourceCounts[kind] = n;
  return ok({
    company: {
      id: row.id,
      ticker: row.ticker,
      name: row.name,
      sector: row.sector,
      exchange: row.exchange,
      isActive: row.is_active,
      createdAt: iso(row.created_at),
    },
    aliases: row.aliases,
    sourceCounts,
    latestRecommendation: await latestRecommendation(db, row.id),
    documentCount: row.document_count,
    activeLockout: row.active_lockout,
    competitors: row.competitors,
  });
};

interface CompetitorRow {
  company_id: string;
  ticker: string;
  name: string;
  strength: number;
  rec_id: string | null;
  rec_rating: string | null;
  rec_target_price: number | null;
  rec_rationale: string | null;
  rec_created_at: Date | null;
}

export const listCompanyCompetitors: Handler = async ({ params }, { db }) => {
  const ticker = requiredString(params.ticker);
  const company = await db.query<{ id: string }>('SELECT id FROM companies WHERE ticker = $1', [ticker]);
  const companyId = company.rows[0]?.id;
  if (!companyId) throw notFound(`company ${ticker} not found`);
  const { rows } = await db.query<CompetitorRow>(
    `SELECT t.id AS company_id, t.ticker, t.name, k.strength,
            r.id AS rec_id, r.rating AS rec_rating, r.target_price AS rec_target_price,
            r.rationale AS rec_rationale, r.created_at AS rec_created_at
       FROM competitor_links k
       JOIN companies t ON t.id = k.competitor_id
       LEFT JOIN LATERAL (
         SELECT r.* FROM recommendations r WHERE r.company_id = t.id ORDER BY ${RECOMMENDATION_ORDER} LIMIT 1
       ) r ON true
      WHERE k.company_id = $1
      ORDER BY k.strength DESC, t.ticker`,
    [companyId],
  );
  return ok(
    rows.map((row) => ({
      companyId: row.company_id,
      ticker: row.ticker,
      name: row.name,
      strength: row.strength,
      latestRecommendation:
        row.rec_id === null
          ? null
          : toRecommendation({
              id: row.rec_id,
              company_id: row.company_id,
              ticker: row.ticker,
              rating: row.rec_rating ?? '',
              target_price: row.rec_target_price ?? 0,
              rationale: row.rec_rationale ?? '',
              created_at: row.rec_created_at ?? new Date(0),
            }),
    })),
  );
};
