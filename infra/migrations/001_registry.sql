-- Symbol registry: companies and what hangs off them. Child rows cascade with their parent.
CREATE TABLE companies (
  id          uuid PRIMARY KEY,
  ticker      text NOT NULL UNIQUE CHECK (ticker ~ '^[A-Z][A-Z0-9.]{0,9}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  sector      text NOT NULL,
  exchange    text NOT NULL CHECK (exchange IN ('NYSE', 'NASDAQ', 'LSE', 'TSX')),
  is_active   boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE company_aliases (
  id          uuid PRIMARY KEY,
  company_id  uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  alias       text NOT NULL CHECK (length(alias) BETWEEN 1 AND 100),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, alias)
);

CREATE TABLE sources (
  id          uuid PRIMARY KEY,
  company_id  uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('NEWS', 'FILING', 'SOCIAL', 'RSS')),
  url         text NOT NULL CHECK (url ~ '^https?://'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, url)
);

CREATE TABLE watchlists (
  id          uuid PRIMARY KEY,
  name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  description text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE watchlist_members (
  watchlist_id uuid NOT NULL REFERENCES watchlists (id) ON DELETE CASCADE,
  company_id   uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  added_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (watchlist_id, company_id)
);

-- A company is never its own competitor: the service maps this CHECK to 400.
CREATE TABLE competitor_links (
  id            uuid PRIMARY KEY,
  company_id    uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  competitor_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  strength      numeric(3, 2) NOT NULL DEFAULT 0.50 CHECK (strength > 0 AND strength <= 1),
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT competitor_not_self CHECK (company_id <> competitor_id),
  UNIQUE (company_id, competitor_id)
);
