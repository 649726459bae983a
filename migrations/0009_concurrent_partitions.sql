-- prognos_ensure_partitions raced under concurrent ingestion on PostgreSQL: after waiting for
-- the advisory lock, its second to_regclass() could still read a catalog cache from before the
-- other transaction's CREATE committed, and CREATE TABLE then failed with "relation already
-- exists" (a 500 for a valid batch; found by bench/soak.ts). The re-check now reads pg_class
-- with the statement's own snapshot, and a duplicate_table that still slips through means the
-- partition is there, which is all the caller asked for.
CREATE OR REPLACE FUNCTION prognos_ensure_partitions(p_table text, p_from timestamptz, p_to timestamptz)
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
      IF NOT EXISTS (
        SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = part AND n.nspname = current_schema()
      ) THEN
        BEGIN
          EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
            part, p_table, (m AT TIME ZONE 'UTC'), ((m + interval '1 month') AT TIME ZONE 'UTC'));
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
