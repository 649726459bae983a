-- Forecasts: what Prognos concluded about an asset at a time, with the lineage to reproduce it.
-- Written by POST /v1/score and by the scheduled scoring job; read by the dashboard, the fleet
-- ranking and the work-order rules.
CREATE TABLE forecasts (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  asset_id              bigint NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  scored_at             timestamptz NOT NULL DEFAULT now(),
  -- Time of the newest data the forecast rests on.
  as_of                 timestamptz NOT NULL,
  -- 1 = as new, 0 = at the failure threshold; anomaly_score = 1 - health_index when from a model.
  health_index          double precision CHECK (health_index BETWEEN 0 AND 1),
  anomaly_score         double precision CHECK (anomaly_score BETWEEN 0 AND 1),
  iso_zone              text CHECK (iso_zone IN ('A', 'B', 'C', 'D')),
  velocity_rms_mm_s     double precision,
  failure_probability   double precision CHECK (failure_probability BETWEEN 0 AND 1),
  failure_horizon_hours double precision,
  rul_hours             double precision CHECK (rul_hours >= 0),
  rul_lower_hours       double precision,
  rul_upper_hours       double precision,
  rul_interval_level    double precision,
  -- 0..1, what the fleet view ranks by (see forecasting/risk.ts for how it is composed).
  risk                  double precision NOT NULL CHECK (risk BETWEEN 0 AND 1),
  -- [{feature, share, z}]: what drives the health score.
  contributions         jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- Bearing defect indicators at scoring time: {env_bpfo, env_bpfi, env_bsf, env_ftf, ...}.
  indicators            jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- {models: [{name, version, kind}], featureSet: {name, version, hash}, inputs: {...}}
  lineage               jsonb NOT NULL,
  source                text NOT NULL CHECK (source IN ('api', 'scheduled', 'demo')),
  CHECK (rul_lower_hours IS NULL OR rul_upper_hours IS NULL OR rul_lower_hours <= rul_upper_hours)
);
CREATE INDEX forecasts_asset_time_idx ON forecasts (asset_id, scored_at DESC, id DESC);
CREATE INDEX forecasts_scored_at_idx ON forecasts (scored_at);
