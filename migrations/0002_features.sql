-- Stored feature sets and the feature rows extracted with them (issue 4).
-- Runs unchanged on PostgreSQL 15+ and on PGlite. Never edit a merged migration: add a new one.

-- One row per feature-set definition ever used to write features. `hash` is the sha256 of the
-- canonical JSON of `definition` (names, params, version): a model stores the hash it was
-- trained on and refuses rows whose set carries another one. (name, version) is unique too, so
-- changing a definition without bumping its version fails loudly instead of forking silently.
CREATE TABLE feature_sets (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL,
  version     integer NOT NULL CHECK (version >= 1),
  hash        text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
  definition  jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (name, version)
);

-- One feature vector per (sensor, feature set, window). `values` follows the set's fixed name
-- order (definition->'featureNames'); NaN marks a feature that could not be computed (env_*
-- without shaft speed or bearing geometry, temperature without readings). real[] because models
-- consume float32 and the features need no more than 7 significant digits.
--
-- Not partitioned: a row is ~200 bytes per window against 40-400 kB for the capture it comes
-- from, so the table stays ~3 orders of magnitude smaller than `captures`; rows are derived data
-- (recomputed, not archived), so detaching old months buys little; and the two access paths
-- (latest rows of an asset, rows of an asset in a time range) are both served by one b-tree.
-- Revisit past ~100M rows.
CREATE TABLE feature_rows (
  asset_id        bigint NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  sensor_id       bigint NOT NULL REFERENCES sensors (id) ON DELETE CASCADE,
  feature_set_id  bigint NOT NULL REFERENCES feature_sets (id),
  window_start    timestamptz NOT NULL,
  window_end      timestamptz NOT NULL,
  source          text NOT NULL CHECK (source IN ('capture', 'readings')),
  -- captures.id when source = 'capture' (no FK: captures is partitioned on (sensor_id, ts)).
  source_id       bigint,
  "values"        real[] NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sensor_id, feature_set_id, window_start),
  CHECK (window_end > window_start),
  CHECK (source <> 'capture' OR source_id IS NOT NULL)
);
-- "Rows of an asset in a time range" and, scanned backwards, "latest rows of an asset".
CREATE INDEX feature_rows_asset_set_time_idx ON feature_rows (asset_id, feature_set_id, window_start, sensor_id);
