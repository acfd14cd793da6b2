-- Trading engine, part 2: seed 003's risk rows (RK-01, RK-02), the market session and scheduled
-- events (MT-01, MT-02, MT-04) and the mark-to-market ledger (FI-01). As in 003_trading.sql the
-- rules live here, where no code path can bypass them; the engine checks first only to answer
-- with a reason (a REJECTED order) instead of an error. P0400 maps to 400 (a business rule).

-- RK-01: cash never goes negative, whatever writes it (the engine's debit is conditional too).
ALTER TABLE strategy_runs ADD CONSTRAINT strategy_runs_cash_not_negative CHECK (cash >= 0);

-- RK-02: one ticker's position, at cost (quantity x average price), may not exceed
-- engine_config.max_position_pct of the run's initial cash. No config row (an empty database): no limit.
CREATE FUNCTION position_limit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE lim numeric;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.quantity <= OLD.quantity THEN
    RETURN NEW; -- a sale never breaks the limit
  END IF;
  SELECT c.max_position_pct * r.initial_cash INTO lim
    FROM engine_config c, strategy_runs r WHERE c.id = 1 AND r.id = NEW.run_id;
  IF lim IS NOT NULL AND NEW.quantity * NEW.avg_price > lim THEN
    RAISE EXCEPTION 'position % of run % would cost %, over the limit % (max_position_pct)',
      NEW.ticker, NEW.run_id, round(NEW.quantity * NEW.avg_price, 2), round(lim, 2) USING ERRCODE = 'P0400';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER positions_limit BEFORE INSERT OR UPDATE ON positions FOR EACH ROW EXECUTE FUNCTION position_limit_guard();

-- MT-01: a tick records whether the market was open and the prices it saw (the mark-to-market of
-- that time is computed from them, also on a replay that sends other prices).
ALTER TABLE engine_ticks ADD COLUMN market_open boolean NOT NULL DEFAULT true;
ALTER TABLE engine_ticks ADD COLUMN prices jsonb NOT NULL DEFAULT '{}';

-- MT-01: no order is placed by a tick while the market is closed.
CREATE FUNCTION require_open_market() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.logical_time IS NOT NULL AND EXISTS (
    SELECT 1 FROM engine_ticks t WHERE t.run_id = NEW.run_id AND t.logical_time = NEW.logical_time AND NOT t.market_open
  ) THEN
    RAISE EXCEPTION 'run % : the market is closed at %, no order', NEW.run_id, NEW.logical_time USING ERRCODE = 'P0400';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER orders_open_market BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION require_open_market();

-- MT-02, MT-04: a scheduled event (a SIP instalment, a rebalance) happens at most once per run and
-- logical time, and only at a tick the run had.
CREATE TABLE event_ledger (
  id           uuid PRIMARY KEY,
  run_id       uuid NOT NULL,
  user_id      uuid NOT NULL,
  logical_time timestamptz NOT NULL,
  event_type   text NOT NULL CHECK (event_type IN ('SIP_EXECUTED', 'SIP_SKIPPED', 'REBALANCED')),
  order_id     uuid REFERENCES orders (id) ON DELETE CASCADE,
  detail       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT event_ledger_once UNIQUE (run_id, logical_time, event_type),
  FOREIGN KEY (run_id, logical_time) REFERENCES engine_ticks (run_id, logical_time) ON DELETE CASCADE,
  FOREIGN KEY (user_id, run_id) REFERENCES strategy_runs (user_id, id) ON DELETE CASCADE
);

-- FI-01: one mark-to-market row per run and logical time, written in its own transaction after the
-- tick's trades; a replay of a tick whose row is missing writes it (ON CONFLICT DO NOTHING).
CREATE TABLE mtm_ledger (
  run_id          uuid NOT NULL,
  user_id         uuid NOT NULL,
  logical_time    timestamptz NOT NULL,
  cash            numeric(18, 2) NOT NULL,
  positions_value numeric(18, 2) NOT NULL,
  equity          numeric(18, 2) NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, logical_time),
  CONSTRAINT mtm_equity CHECK (equity = cash + positions_value),
  FOREIGN KEY (run_id, logical_time) REFERENCES engine_ticks (run_id, logical_time) ON DELETE CASCADE,
  FOREIGN KEY (user_id, run_id) REFERENCES strategy_runs (user_id, id) ON DELETE CASCADE
);

CREATE TRIGGER event_ledger_running BEFORE INSERT ON event_ledger FOR EACH ROW EXECUTE FUNCTION require_running_run();
CREATE TRIGGER mtm_ledger_running BEFORE INSERT ON mtm_ledger FOR EACH ROW EXECUTE FUNCTION require_running_run();

-- An order placed with an Idempotency-Key: the key names one order of the run, so a retry whose
-- first attempt's answer was lost (a connection dropped at COMMIT) returns that order, not a second.
ALTER TABLE orders ADD COLUMN idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 200);
CREATE UNIQUE INDEX orders_idempotency_key ON orders (run_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
