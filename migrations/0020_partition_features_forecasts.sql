-- Retention for feature rows and forecasts (issue 16): both become monthly range-partitioned
-- tables like captures and readings, so old months go by DROP TABLE of a partition, never by
-- row-by-row deletes. feature_rows is partitioned by window_start (already in its key);
-- forecasts by as_of, the time of the data it rests on, so replayed history lands in its own
-- month and goes with the data's month, and its key becomes (id, as_of): a partitioned table's
-- unique keys must include the partition column. `id` stays an identity and is still unique in
-- practice (one sequence); nothing references forecasts by FK (work_order_suggestions holds
-- forecast_ids bigint[]), and no query upserts on id alone.
--
-- The rows are copied into the new tables in this migration's transaction: the time it takes
-- grows with their number (README "Retention" gives a measured rate), and both tables are
-- locked meanwhile.

-- As in 0009, for the four partitioned tables, and now also when the default partition holds
-- rows of the month (written by something that made no partition first): CREATE TABLE ...
-- PARTITION OF would then fail, for that month and for good. Those rows are moved into a new
-- table, which is attached as the month's partition.
CREATE OR REPLACE FUNCTION prognos_ensure_partitions(p_table text, p_from timestamptz, p_to timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  m       timestamp := date_trunc('month', p_from AT TIME ZONE 'UTC');
  stop    timestamp := date_trunc('month', p_to AT TIME ZONE 'UTC');
  part    text;
  lo      timestamptz;
  hi      timestamptz;
  strays  boolean;
  created integer := 0;
  col     text := CASE p_table WHEN 'captures' THEN 'ts' WHEN 'readings' THEN 'ts'
                   WHEN 'feature_rows' THEN 'window_start' WHEN 'forecasts' THEN 'as_of' END;
BEGIN
  IF col IS NULL THEN
    RAISE EXCEPTION 'prognos_ensure_partitions: unknown table %', p_table;
  END IF;
  IF stop - m > interval '1200 months' THEN
    RAISE EXCEPTION 'prognos_ensure_partitions: range too wide (% to %)', p_from, p_to;
  END IF;
  WHILE m <= stop LOOP
    part := format('%s_p%s', p_table, to_char(m, 'YYYYMM'));
    lo := m AT TIME ZONE 'UTC';
    hi := (m + interval '1 month') AT TIME ZONE 'UTC';
    IF to_regclass(part) IS NULL THEN
      PERFORM pg_advisory_xact_lock(hashtext(part));
      IF NOT EXISTS (
        SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = part AND n.nspname = current_schema()
      ) THEN
        BEGIN
          EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I >= $1 AND %I < $2)',
            p_table || '_default', col, col) INTO strays USING lo, hi;
          IF strays THEN
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, p_table);
            EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *) '
              'INSERT INTO %I SELECT * FROM moved', p_table || '_default', col, col, part) USING lo, hi;
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', p_table, part, lo, hi);
          ELSE
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, p_table, lo, hi);
          END IF;
          created := created + 1;
        EXCEPTION WHEN duplicate_table THEN
          NULL;
        END;
      END IF;
    END IF;
    m := m + interval '1 month';
  END LOOP;
  RETURN created;
END $$;

-- As in 0018, for the four tables; and never a partition reaching past the start of the current
-- month, whatever cut a caller passes.
CREATE OR REPLACE FUNCTION prognos_drop_partitions_before(p_table text, p_cut timestamptz)
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  part  record;
  cut   timestamptz := LEAST(p_cut, date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC');
BEGIN
  IF p_table NOT IN ('captures', 'readings', 'feature_rows', 'forecasts') THEN
    RAISE EXCEPTION 'prognos_drop_partitions_before: unknown table %', p_table;
  END IF;
  FOR part IN
    SELECT c.relname AS name,
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz AS upper
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_class p ON p.oid = i.inhparent
    JOIN pg_namespace n ON n.oid = p.relnamespace
    WHERE p.relname = p_table AND n.nspname = current_schema()
      AND c.relname ~ ('^' || p_table || '_p[0-9]{6}$')
    ORDER BY c.relname
  LOOP
    IF part.upper IS NOT NULL AND part.upper <= cut THEN
      EXECUTE format('DROP TABLE %I', part.name);
      RETURN NEXT part.name;
    END IF;
  END LOOP;
END $$;

-- feature_rows. The old table, its indexes and constraints are renamed out of the way first so
-- the new ones keep the names migrations and tools know. LIKE copies the columns in order, NOT
-- NULLs, defaults and CHECKs (with their names); keys, FKs and indexes are declared again.
ALTER TABLE feature_rows RENAME TO feature_rows_old;
ALTER INDEX feature_rows_pkey RENAME TO feature_rows_old_pkey;
ALTER INDEX feature_rows_asset_set_time_idx RENAME TO feature_rows_old_asset_set_time_idx;

CREATE TABLE feature_rows (
  LIKE feature_rows_old INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
  CONSTRAINT feature_rows_pkey PRIMARY KEY (sensor_id, feature_set_id, window_start),
  CONSTRAINT feature_rows_asset_id_fkey FOREIGN KEY (asset_id) REFERENCES assets (id) ON DELETE CASCADE,
  CONSTRAINT feature_rows_sensor_id_fkey FOREIGN KEY (sensor_id) REFERENCES sensors (id) ON DELETE CASCADE,
  CONSTRAINT feature_rows_feature_set_id_fkey FOREIGN KEY (feature_set_id) REFERENCES feature_sets (id)
) PARTITION BY RANGE (window_start);
-- Catches a row no caller made a partition for (the write paths make one first), as for captures.
CREATE TABLE feature_rows_default PARTITION OF feature_rows DEFAULT;
SELECT prognos_ensure_partitions('feature_rows', d.m, d.m)
FROM (SELECT DISTINCT date_trunc('month', window_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m
      FROM feature_rows_old) d;
INSERT INTO feature_rows SELECT * FROM feature_rows_old;
CREATE INDEX feature_rows_asset_set_time_idx ON feature_rows (asset_id, feature_set_id, window_start, sensor_id);
DROP TABLE feature_rows_old;

-- forecasts. The identity's sequence is renamed too, so the new one is forecasts_id_seq again;
-- it then continues from where the old one stood (not from max(id): ids of deleted forecasts
-- are not handed out again, as suggestions may still name them).
ALTER TABLE forecasts RENAME TO forecasts_old;
ALTER INDEX forecasts_pkey RENAME TO forecasts_old_pkey;
ALTER INDEX forecasts_asset_time_idx RENAME TO forecasts_old_asset_time_idx;
ALTER INDEX forecasts_scored_at_idx RENAME TO forecasts_old_scored_at_idx;
ALTER SEQUENCE forecasts_id_seq RENAME TO forecasts_old_id_seq;

CREATE TABLE forecasts (
  LIKE forecasts_old INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY,
  CONSTRAINT forecasts_pkey PRIMARY KEY (id, as_of),
  CONSTRAINT forecasts_asset_id_fkey FOREIGN KEY (asset_id) REFERENCES assets (id) ON DELETE CASCADE
) PARTITION BY RANGE (as_of);
CREATE TABLE forecasts_default PARTITION OF forecasts DEFAULT;
SELECT prognos_ensure_partitions('forecasts', d.m, d.m)
FROM (SELECT DISTINCT date_trunc('month', as_of AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m
      FROM forecasts_old) d;
INSERT INTO forecasts OVERRIDING SYSTEM VALUE SELECT * FROM forecasts_old;
SELECT setval(pg_get_serial_sequence('forecasts', 'id'), s.last_value, s.is_called) FROM forecasts_old_id_seq s;
CREATE INDEX forecasts_asset_time_idx ON forecasts (asset_id, scored_at DESC, id DESC);
CREATE INDEX forecasts_scored_at_idx ON forecasts (scored_at);
DROP TABLE forecasts_old;
