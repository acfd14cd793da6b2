import { conflict, created, notFound, ok, type Handler } from '../../runtime';
import { toMarketPrice, type MarketPriceRow } from '../rows';
import { isPgError, page } from './common';

export const listMarketPrices: Handler = async (req, { db }) => {
  const { limit, offset } = page(req.query);
  const { rows } = await db.query<MarketPriceRow>('SELECT * FROM market_prices ORDER BY ticker LIMIT $1 OFFSET $2', [limit, offset]);
  return ok(rows.map(toMarketPrice));
};

export const getMarketPrice: Handler = async (req, { db }) => {
  const ticker = String(req.params.ticker);
  const { rows } = await db.query<MarketPriceRow>('SELECT * FROM market_prices WHERE ticker = $1', [ticker]);
  if (!rows[0]) throw notFound(`no market price for ${ticker}`);
  return ok(toMarketPrice(rows[0]));
};

export const createMarketPrice: Handler = async (req, { db }) => {
  const { ticker, price, asOf } = req.body as { ticker: string; price: number; asOf?: string };
  try {
    const { rows } = await db.query<MarketPriceRow>(
      'INSERT INTO market_prices (ticker, price, as_of) VALUES ($1, $2, coalesce($3::timestamptz, now())) RETURNING *',
      [ticker, price, asOf ?? null],
    );
    return created(toMarketPrice(rows[0] as MarketPriceRow));
  } catch (err) {
    if (isPgError(err, '23505')) throw conflict(`${ticker} already has a price: set it with PUT /market-prices/${ticker}`);
    throw err;
  }
};

export const setMarketPrice: Handler = async (req, { db }) => {
  const ticker = String(req.params.ticker);
  const { price, asOf } = req.body as { price: number; asOf?: string };
  const { rows } = await db.query<MarketPriceRow>(
    'UPDATE market_prices SET price = $2, as_of = coalesce($3::timestamptz, now()) WHERE ticker = $1 RETURNING *',
    [ticker, price, asOf ?? null],
  );
  if (!rows[0]) throw notFound(`no market price for ${ticker}: add it with POST /market-prices`);
  return ok(toMarketPrice(rows[0]));
};
