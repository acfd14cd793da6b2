import { randomUUID } from 'node:crypto';
import { conflict, created, notFound, ok, type Handler } from '../../runtime';
import { toTrader, type TraderRow } from '../rows';
import { isPgError, page } from './common';

export const listTraders: Handler = async (req, { db }) => {
  const { limit, offset } = page(req.query);
  const { rows } = await db.query<TraderRow>('SELECT * FROM traders ORDER BY name, id LIMIT $1 OFFSET $2', [limit, offset]);
  return ok(rows.map(toTrader));
};

export const getTrader: Handler = async (req, { db }) => {
  const { rows } = await db.query<TraderRow>('SELECT * FROM traders WHERE id = $1', [req.params.traderId]);
  if (!rows[0]) throw notFound(`trader ${String(req.params.traderId)} not found`);
  return ok(toTrader(rows[0]));
};

export const createTrader: Handler = async (req, { db }) => {
  const { name } = req.body as { name: string };
  try {
    const { rows } = await db.query<TraderRow>('INSERT INTO traders (id, name) VALUES ($1, $2) RETURNING *', [randomUUID(), name]);
    return created(toTrader(rows[0] as TraderRow));
  } catch (err) {
    if (isPgError(err, '23505')) throw conflict(`a trader named ${JSON.stringify(name)} already exists`);
    throw err;
  }
};
