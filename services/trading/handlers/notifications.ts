import { randomUUID } from 'node:crypto';
import { created, notFound, ok, type Handler } from '../../runtime';
import { toNotification, type NotificationRow } from '../rows';
import { filter, page, requireTrader } from './common';

export const listNotifications: Handler = async (req, { db }) => {
  const { limit, offset } = page(req.query);
  const { rows } = await db.query<NotificationRow>(
    `SELECT * FROM notifications
     WHERE ($1::uuid IS NULL OR user_id = $1) AND ($2::text IS NULL OR status = $2)
     ORDER BY created_at, id LIMIT $3 OFFSET $4`,
    [filter(req.query.userId), filter(req.query.status), limit, offset],
  );
  return ok(rows.map(toNotification));
};

export const getNotification: Handler = async (req, { db }) => {
  const { rows } = await db.query<NotificationRow>('SELECT * FROM notifications WHERE id = $1', [req.params.notificationId]);
  if (!rows[0]) throw notFound(`notification ${String(req.params.notificationId)} not found`);
  return ok(toNotification(rows[0]));
};

export const createNotification: Handler = async (req, { db }) => {
  const { userId, channel, message } = req.body as { userId: string; channel: string; message: string };
  await requireTrader(db, userId);
  const { rows } = await db.query<NotificationRow>(
    `INSERT INTO notifications (id, user_id, channel, message, status) VALUES ($1, $2, $3, $4, 'PENDING') RETURNING *`,
    [randomUUID(), userId, channel, message],
  );
  return created(toNotification(rows[0] as NotificationRow));
};
