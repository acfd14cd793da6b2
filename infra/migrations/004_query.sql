-- Query service: research data it serves read-only, alongside views over the other services' tables.
CREATE TABLE documents (
  id           uuid PRIMARY KEY,
  company_id   uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  doc_type     text NOT NULL CHECK (doc_type IN ('NEWS', 'FILING_10K', 'FILING_10Q', 'TRANSCRIPT')),
  title        text NOT NULL,
  url          text NOT NULL,
  published_at timestamptz NOT NULL,
  sentiment    numeric(4, 3) CHECK (sentiment BETWEEN -1 AND 1)
);
CREATE INDEX documents_company ON documents (company_id, published_at DESC);

CREATE TABLE recommendations (
  id           uuid PRIMARY KEY,
  company_id   uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  rating       text NOT NULL CHECK (rating IN ('BUY', 'HOLD', 'SELL')),
  target_price numeric(18, 2) NOT NULL CHECK (target_price > 0),
  rationale    text NOT NULL,
  created_at   timestamptz NOT NULL
);

CREATE TABLE ingestion_runs (
  id                 uuid PRIMARY KEY,
  source             text NOT NULL,
  status             text NOT NULL CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED')),
  started_at         timestamptz NOT NULL,
  finished_at        timestamptz,
  documents_ingested integer NOT NULL DEFAULT 0 CHECK (documents_ingested >= 0),
  error              text
);
