-- Risk engine: operator approvals with a lifecycle enforced here, lockouts, daily snapshots.
CREATE TABLE operator_approvals (
  id           uuid PRIMARY KEY,
  ticker       text NOT NULL,
  side         text NOT NULL CHECK (side IN ('BUY', 'SELL')),
  quantity     numeric(18, 4) NOT NULL CHECK (quantity > 0),
  requested_by text NOT NULL,
  status       text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'EXPIRED')),
  reason       text,
  decided_by   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  decided_at   timestamptz,
  expires_at   timestamptz NOT NULL
);

-- pending -> approved | rejected | expired; approved | rejected -> expired; expired is final.
-- Raised as SQLSTATE 'P0409' so services map it to 409 whatever code path tried it.
CREATE FUNCTION approval_transition_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = OLD.status THEN
    RETURN NEW;
  END IF;
  IF (OLD.status = 'PENDING' AND NEW.status IN ('APPROVED', 'REJECTED', 'EXPIRED'))
     OR (OLD.status IN ('APPROVED', 'REJECTED') AND NEW.status = 'EXPIRED') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'approval % cannot go from % to %', OLD.id, OLD.status, NEW.status
    USING ERRCODE = 'P0409';
END $$;

CREATE TRIGGER operator_approvals_transition
  BEFORE UPDATE OF status ON operator_approvals
  FOR EACH ROW EXECUTE FUNCTION approval_transition_guard();

CREATE TABLE symbol_lockouts (
  id         uuid PRIMARY KEY,
  ticker     text NOT NULL,
  reason     text NOT NULL,
  starts_at  timestamptz NOT NULL,
  ends_at    timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT lockout_window CHECK (ends_at > starts_at)
);
CREATE INDEX symbol_lockouts_ticker ON symbol_lockouts (ticker);

CREATE TABLE daily_risk_snapshots (
  id             uuid PRIMARY KEY,
  snapshot_date  date NOT NULL UNIQUE,
  gross_exposure numeric(18, 2) NOT NULL,
  net_exposure   numeric(18, 2) NOT NULL,
  var_95         numeric(18, 2) NOT NULL,
  max_drawdown   numeric(6, 4) NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
