-- The live loop (forecasting/refresh-asset.job.ts): stored captures and readings become
-- features, forecasts and work-order advice with no manual call.
--
-- An asset with data not yet through the loop. Written in the same transaction as the data, so
-- a crash between the commit and the job's enqueue never loses the wake-up: the scheduled
-- refresh-pending job finds the mark. `version` grows with every ingest; a refresh clears the
-- mark only at the version it read, so data arriving meanwhile keeps it pending.
CREATE TABLE ingest_marks (
  asset_id          bigint PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
  version           bigint NOT NULL DEFAULT 1,
  -- When the oldest data not yet refreshed was received (the safety net's age test).
  pending_since     timestamptz NOT NULL,
  last_received_at  timestamptz NOT NULL,
  -- Data time spans (not receipt times) of the pending captures and readings: what the refresh
  -- re-extracts. NULL when none of that kind is pending.
  capture_from      timestamptz,
  capture_to        timestamptz,
  reading_from      timestamptz,
  reading_to        timestamptz
);
CREATE INDEX ingest_marks_pending_idx ON ingest_marks (pending_since);

-- A forecast written by the loop names the inputs it rests on (feature row, its values, the
-- model versions): a replayed or retried refresh writes the same key and is dropped by the
-- unique index. It includes as_of so that it is valid on a forecasts table partitioned by as_of.
-- NULL (API and demo forecasts) never conflicts.
ALTER TABLE forecasts ADD COLUMN input_key text;
-- When the data behind the forecast was received: scored_at - data_received_at is the
-- capture-to-forecast lag. NULL for live API input.
ALTER TABLE forecasts ADD COLUMN data_received_at timestamptz;
CREATE UNIQUE INDEX forecasts_input_key_idx ON forecasts (asset_id, as_of, input_key);
