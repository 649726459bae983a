-- Core schema: the asset registry, sensors, time series and maintenance history.
-- Runs unchanged on PostgreSQL 15+ and on PGlite. Never edit a merged migration: add a new one.

CREATE TABLE assets (
  id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  external_ref           text UNIQUE,
  name                   text NOT NULL,
  type                   text NOT NULL,
  site                   text,
  -- ISO 20816-3: group 1 = large machines (300 kW - 50 MW), group 2 = medium (15 - 300 kW).
  iso_machine_group      smallint CHECK (iso_machine_group IN (1, 2)),
  iso_foundation         text CHECK (iso_foundation IN ('rigid', 'flexible')),
  nominal_speed_rpm      double precision CHECK (nominal_speed_rpm > 0),
  -- Rolling-element bearing geometry of the monitored bearing (for BPFO/BPFI/BSF/FTF).
  bearing_n_balls        integer CHECK (bearing_n_balls > 0),
  bearing_ball_diameter_mm  double precision CHECK (bearing_ball_diameter_mm > 0),
  bearing_pitch_diameter_mm double precision CHECK (bearing_pitch_diameter_mm > 0),
  bearing_contact_angle_deg double precision CHECK (bearing_contact_angle_deg >= 0 AND bearing_contact_angle_deg < 90),
  temperature_baseline_c double precision,
  status                 text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'retired')),
  metadata               jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assets_site_type_idx ON assets (site, type);

CREATE TABLE sensors (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  asset_id        bigint NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  name            text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('vibration', 'temperature', 'pressure', 'speed', 'current', 'flow', 'other')),
  unit            text NOT NULL,
  axis            text CHECK (axis IN ('x', 'y', 'z', 'horizontal', 'vertical', 'axial', 'radial')),
  location        text,
  sample_rate_hz  double precision CHECK (sample_rate_hz > 0),
  -- Physical range of the transducer: values outside are flagged by the quality checks.
  range_min       double precision,
  range_max       double precision,
  external_ref    text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (asset_id, name),
  CHECK (range_min IS NULL OR range_max IS NULL OR range_min < range_max)
);

-- Vibration waveform snapshots. Samples are little-endian float32 (4 bytes a sample): a year of
-- 10-minute 2.56 s captures at 25.6 kHz is ~13 GB per sensor as float64 JSON, ~5 GB here.
-- Range-partitioned by month so old months can be detached, archived or dropped cheaply.
CREATE TABLE captures (
  id              bigint GENERATED ALWAYS AS IDENTITY,
  sensor_id       bigint NOT NULL REFERENCES sensors (id) ON DELETE CASCADE,
  ts              timestamptz NOT NULL,
  sample_rate_hz  double precision NOT NULL CHECK (sample_rate_hz > 0),
  n_samples       integer NOT NULL CHECK (n_samples > 0),
  samples         bytea NOT NULL,
  quality_flags   integer NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sensor_id, ts)
) PARTITION BY RANGE (ts);

-- Scalar time series (temperature, pressure, speed...). The primary key makes ingestion
-- idempotent on (sensor, timestamp): a retried batch is not stored twice.
CREATE TABLE readings (
  sensor_id      bigint NOT NULL REFERENCES sensors (id) ON DELETE CASCADE,
  ts             timestamptz NOT NULL,
  value          double precision NOT NULL,
  quality_flags  integer NOT NULL DEFAULT 0,
  PRIMARY KEY (sensor_id, ts)
) PARTITION BY RANGE (ts);

-- A default partition keeps an insert from ever failing for want of a partition; the ingestion
-- path creates the month's partition first (prognos_ensure_partitions), so it stays empty.
CREATE TABLE captures_default PARTITION OF captures DEFAULT;
CREATE TABLE readings_default PARTITION OF readings DEFAULT;

-- Creates the monthly partitions of `p_table` covering [p_from, p_to]. Idempotent and safe to
-- call concurrently (a transaction-scoped advisory lock per partition name).
CREATE FUNCTION prognos_ensure_partitions(p_table text, p_from timestamptz, p_to timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  m       timestamp := date_trunc('month', p_from AT TIME ZONE 'UTC');
  stop    timestamp := date_trunc('month', p_to AT TIME ZONE 'UTC');
  part    text;
  created integer := 0;
BEGIN
  IF p_table NOT IN ('captures', 'readings') THEN
    RAISE EXCEPTION 'prognos_ensure_partitions: unknown table %', p_table;
  END IF;
  IF stop - m > interval '1200 months' THEN
    RAISE EXCEPTION 'prognos_ensure_partitions: range too wide (% to %)', p_from, p_to;
  END IF;
  WHILE m <= stop LOOP
    part := format('%s_p%s', p_table, to_char(m, 'YYYYMM'));
    IF to_regclass(part) IS NULL THEN
      PERFORM pg_advisory_xact_lock(hashtext(part));
      IF to_regclass(part) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
          part, p_table, (m AT TIME ZONE 'UTC'), ((m + interval '1 month') AT TIME ZONE 'UTC'));
        created := created + 1;
      END IF;
    END IF;
    m := m + interval '1 month';
  END LOOP;
  RETURN created;
END $$;

CREATE TABLE maintenance_events (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  asset_id           bigint NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  kind               text NOT NULL CHECK (kind IN ('failure', 'repair', 'replacement', 'inspection', 'preventive', 'error')),
  component          text,
  -- ISO 14224 failure mode code (e.g. VIB, OHE, BRD) and mechanism (e.g. 1.1 leakage, 2.6 fatigue).
  failure_mode       text,
  failure_mechanism  text,
  description        text,
  occurred_at        timestamptz NOT NULL,
  ended_at           timestamptz,
  work_order_ref     text,
  source             text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'cmms', 'import', 'simulator')),
  -- Idempotency for imports and CMMS retries: the same event reported twice is stored once.
  dedup_key          text UNIQUE,
  created_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (ended_at IS NULL OR ended_at >= occurred_at)
);
CREATE INDEX maintenance_events_asset_time_idx ON maintenance_events (asset_id, occurred_at);
