-- Ingestion bookkeeping for the data-quality report, and a lookup path for captures by id.
-- Runs unchanged on PostgreSQL 15+ and on PGlite.

-- Rows accepted and duplicates dropped (ON CONFLICT DO NOTHING) per sensor and UTC day of the
-- sample timestamps, updated in the ingesting transaction. Per day so a quality report over a
-- time window can say how many duplicates arrived for that window.
CREATE TABLE sensor_ingest_stats (
  sensor_id            bigint NOT NULL REFERENCES sensors (id) ON DELETE CASCADE,
  day                  date NOT NULL,
  readings_inserted    bigint NOT NULL DEFAULT 0,
  readings_duplicates  bigint NOT NULL DEFAULT 0,
  captures_inserted    bigint NOT NULL DEFAULT 0,
  captures_duplicates  bigint NOT NULL DEFAULT 0,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sensor_id, day)
);

-- GET /v1/captures/:id: the primary key is (sensor_id, ts), so without this every partition
-- would be scanned.
CREATE INDEX captures_id_idx ON captures (id);
