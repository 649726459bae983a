-- Work-order suggestions (issue 6): what the rules conclude from forecasts, for a CMMS to pull
-- (GET /v1/work-order-suggestions) or receive (webhook). See src/maintenance/README.md.
CREATE TABLE work_order_suggestions (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  asset_id              bigint NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  -- ISO 14224 failure mode (e.g. VIB) and mechanism (e.g. 2.6 fatigue) the evidence points to.
  failure_mode          text NOT NULL,
  failure_mechanism     text NOT NULL,
  component             text,
  -- The rules whose findings are merged into this suggestion (one suggestion per failure mode).
  rules                 text[] NOT NULL,
  status                text NOT NULL DEFAULT 'open'
                          CHECK (status IN ('open', 'acknowledged', 'dismissed', 'resolved')),
  priority              smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
  title                 text NOT NULL,
  description           text NOT NULL,
  recommended_action    text NOT NULL,
  due_at                timestamptz NOT NULL,
  evidence              jsonb NOT NULL,
  forecast_ids          bigint[] NOT NULL,
  -- Incremented on every change of content or status; webhook receivers keep the highest.
  revision              integer NOT NULL DEFAULT 1 CHECK (revision >= 1),
  work_order_ref        text,
  -- The acknowledgement note or the dismissal reason.
  status_note           text,
  resolved_by_event_id  bigint REFERENCES maintenance_events (id) ON DELETE SET NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  -- Strictly increasing across the table (assigned under one advisory lock, see
  -- suggestions.repository.ts), so a keyset pass on (updated_at, id) never skips a row.
  updated_at            timestamptz NOT NULL,
  status_changed_at     timestamptz,
  CHECK (status <> 'acknowledged' OR work_order_ref IS NOT NULL),
  CHECK (status <> 'dismissed' OR status_note IS NOT NULL)
);
-- One open suggestion per asset and failure mode: new evidence updates it.
CREATE UNIQUE INDEX work_order_suggestions_open_uq
  ON work_order_suggestions (asset_id, failure_mode) WHERE status = 'open';
CREATE INDEX work_order_suggestions_updated_idx ON work_order_suggestions (updated_at, id);
CREATE INDEX work_order_suggestions_asset_idx ON work_order_suggestions (asset_id, failure_mode, status_changed_at);

-- Transactional outbox for the webhook: rows are written in the transaction that changes a
-- suggestion, so a crash never loses an event; the deliver-webhook job sends them.
CREATE TABLE webhook_outbox (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  suggestion_id    bigint REFERENCES work_order_suggestions (id) ON DELETE CASCADE,
  event            text NOT NULL,
  payload          jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  last_attempt_at  timestamptz,
  delivered_at     timestamptz
);
CREATE INDEX webhook_outbox_pending_idx ON webhook_outbox (created_at) WHERE status = 'pending';
