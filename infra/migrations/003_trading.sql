-- Trading engine. The lifecycle rules of seed 003 (RL-*, OR-*, MT-*, CC-*) live here, where no
-- code path can bypass them. Custom SQLSTATEs: P0409 maps to 409 (state conflict).
CREATE TABLE engine_config (
  id                  smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  trading_enabled     boolean NOT NULL,
  max_position_pct    numeric(5, 4) NOT NULL CHECK (max_position_pct > 0 AND max_position_pct <= 1),
  max_order_notional  numeric(18, 2) NOT NULL CHECK (max_order_notional > 0),
  default_initial_cash numeric(18, 2) NOT NULL CHECK (default_initial_cash > 0),
  tick_interval_seconds integer NOT NULL CHECK (tick_interval_seconds BETWEEN 1 AND 86400),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE traders (
  id         uuid PRIMARY KEY,
  name       text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Last known price per ticker: market orders fill at it, limit orders compare with it.
CREATE TABLE market_prices (
  ticker text PRIMARY KEY,
  price  numeric(18, 4) NOT NULL CHECK (price > 0),
  as_of  timestamptz NOT NULL
);

CREATE TABLE strategy_runs (
  id           uuid PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES traders (id) ON DELETE CASCADE,
  strategy     text NOT NULL,
  status       text NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'STOPPED', 'ERROR')),
  initial_cash numeric(18, 2) NOT NULL CHECK (initial_cash > 0),
  cash         numeric(18, 2) NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  stopped_at   timestamptz,
  UNIQUE (user_id, id)
);
-- RL-05: one RUNNING run per user.
CREATE UNIQUE INDEX strategy_runs_one_running_per_user ON strategy_runs (user_id) WHERE status = 'RUNNING';

-- RL-04: RUNNING -> STOPPED | ERROR, never back.
CREATE FUNCTION strategy_run_transition_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status <> OLD.status AND OLD.status <> 'RUNNING' THEN
    RAISE EXCEPTION 'run % is % and cannot become %', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'P0409';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER strategy_runs_transition
  BEFORE UPDATE OF status ON strategy_runs
  FOR EACH ROW EXECUTE FUNCTION strategy_run_transition_guard();

-- RL-02/RL-03: a run that is not RUNNING accepts no new child rows.
CREATE FUNCTION require_running_run() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE run_status text;
BEGIN
  SELECT status INTO run_status FROM strategy_runs WHERE id = NEW.run_id AND user_id = NEW.user_id;
  IF run_status IS NOT NULL AND run_status <> 'RUNNING' THEN
    RAISE EXCEPTION 'run % is %: no new writes', NEW.run_id, run_status USING ERRCODE = 'P0409';
  END IF;
  RETURN NEW;
END $$;

-- One row per (run, logical_time): a tick happens at most once (MT-03, IR-01, CC-02).
CREATE TABLE engine_ticks (
  run_id       uuid NOT NULL,
  user_id      uuid NOT NULL,
  logical_time timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, logical_time),
  FOREIGN KEY (user_id, run_id) REFERENCES strategy_runs (user_id, id) ON DELETE CASCADE
);

CREATE TABLE orders (
  id            uuid PRIMARY KEY,
  run_id        uuid NOT NULL,
  user_id       uuid NOT NULL,
  ticker        text NOT NULL,
  side          text NOT NULL CHECK (side IN ('BUY', 'SELL')),
  order_type    text NOT NULL CHECK (order_type IN ('MARKET', 'LIMIT')),
  quantity      numeric(18, 4) NOT NULL CHECK (quantity > 0),
  limit_price   numeric(18, 4) CHECK (limit_price > 0),
  status        text NOT NULL CHECK (status IN ('PENDING', 'FILLED', 'REJECTED', 'CANCELLED')),
  reject_reason text,
  logical_time  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  filled_at     timestamptz,
  CONSTRAINT limit_price_for_limit CHECK ((order_type = 'LIMIT') = (limit_price IS NOT NULL)),
  -- RL-06: the composite key makes a user/run mismatch a foreign-key violation.
  FOREIGN KEY (user_id, run_id) REFERENCES strategy_runs (user_id, id) ON DELETE CASCADE
);
CREATE INDEX orders_run ON orders (run_id);

CREATE TABLE trades (
  id          uuid PRIMARY KEY,
  order_id    uuid NOT NULL UNIQUE REFERENCES orders (id) ON DELETE CASCADE,
  run_id      uuid NOT NULL,
  user_id     uuid NOT NULL,
  ticker      text NOT NULL,
  side        text NOT NULL CHECK (side IN ('BUY', 'SELL')),
  quantity    numeric(18, 4) NOT NULL CHECK (quantity > 0),
  price       numeric(18, 4) NOT NULL CHECK (price > 0),
  executed_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (user_id, run_id) REFERENCES strategy_runs (user_id, id) ON DELETE CASCADE
);
CREATE INDEX trades_run ON trades (run_id);

CREATE TABLE positions (
  run_id     uuid NOT NULL,
  user_id    uuid NOT NULL,
  ticker     text NOT NULL,
  quantity   numeric(18, 4) NOT NULL CHECK (quantity >= 0),
  avg_price  numeric(18, 4) NOT NULL CHECK (avg_price >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, ticker),
  FOREIGN KEY (user_id, run_id) REFERENCES strategy_runs (user_id, id) ON DELETE CASCADE
);

CREATE TABLE decisions (
  id           uuid PRIMARY KEY,
  run_id       uuid NOT NULL,
  user_id      uuid NOT NULL,
  ticker       text NOT NULL,
  action       text NOT NULL CHECK (action IN ('BUY', 'SELL', 'HOLD')),
  confidence   numeric(4, 3) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  rationale    text NOT NULL,
  logical_time timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (run_id, ticker, logical_time),
  FOREIGN KEY (user_id, run_id) REFERENCES strategy_runs (user_id, id) ON DELETE CASCADE
);

CREATE TRIGGER engine_ticks_running BEFORE INSERT ON engine_ticks FOR EACH ROW EXECUTE FUNCTION require_running_run();
CREATE TRIGGER orders_running BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION require_running_run();
CREATE TRIGGER trades_running BEFORE INSERT ON trades FOR EACH ROW EXECUTE FUNCTION require_running_run();
CREATE TRIGGER decisions_running BEFORE INSERT ON decisions FOR EACH ROW EXECUTE FUNCTION require_running_run();

CREATE TABLE notifications (
  id           uuid PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES traders (id) ON DELETE CASCADE,
  channel      text NOT NULL CHECK (channel IN ('EMAIL', 'SLACK', 'WEBHOOK')),
  message      text NOT NULL CHECK (length(message) BETWEEN 1 AND 1000),
  status       text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
