import { notFound, ok, type Handler } from '../../runtime';
import { iso, optionalString, pageOf, requiredString } from './common';

/** Research documents: listDocuments, getDocument (openapi/query.yaml). */
interface DocumentRow {
  id: string;
  company_id: string;
  ticker: string;
  doc_type: string;
  title: string;
  url: string;
  published_at: Date;
  sentiment: number | null;
}

const COLUMNS = 'd.id, d.company_id, c.ticker, d.doc_type, d.title, d.url, d.published_at, d.sentiment';

function toDocument(row: DocumentRow) {
  return {
    id: row.id,
    companyId: row.company_id,
    ticker: row.ticker,
    docType: row.doc_type,
    title: row.title,
    url: row.url,
    publishedAt: iso(row.published_at),
    sentiment: row.sentiment,
  };
}

export const listDocuments: Handler = async ({ query }, { db }) => {
  const { limit, offset } = pageOf(query);
  const { rows } = await db.query<DocumentRow>(
    `SELECT ${COLUMNS}
       FROM documents d JOIN companies c ON c.id = d.company_id
      WHERE ($1::text IS NULL OR c.ticker = $1)
        AND ($2::text IS NULL OR d.doc_type = $2)
        AND ($3::timestamptz IS NULL OR d.published_at >= $3::timestamptz)
      ORDER BY d.published_at DESC, d.id ASC
      LIMIT $4 OFFSET $5`,
    [optionalString(query.ticker), optionalString(query.docType), optionalString(query.since), limit, offset],
  );
  return ok(rows.map(toDocument));
};

export const getDocument: Handler = async ({ params }, { db }) => {
  const id = requiredString(params.documentId);
  const { rows } = await db.query<DocumentRow>(
    `SELECT ${COLUMNS} FROM documents d JOIN companies c ON c.id = d.company_id WHERE d.id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) throw notFound(`document ${id} not found`);
  return ok(toDocument(row));
};
