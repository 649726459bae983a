-- prognos_ensure_partitions could fail with "relation already exists" when two transactions
-- created the same month's partition at once: the advisory lock serialises them, but a waiter's
-- to_regclass re-check reads its catalog cache, which an advisory lock does not refresh. Now a
-- partition created meanwhile by the other transaction is recognised by its error and skipped.
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
      BEGIN
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
          part, p_table, (m AT TIME ZONE 'UTC'), ((m + interval '1 month') AT TIME ZONE 'UTC'));
        created := created + 1;
      EXCEPTION WHEN duplicate_table THEN
        NULL; -- created by the transaction we waited for
      END;
    END IF;
    m := m + interval '1 month';
  END LOOP;
  RETURN created;
END $$;

-- How many times a run was started: a retry after a worker died mid-training counts, so the run
-- says it took two attempts rather than looking like one long one.
ALTER TABLE training_runs ADD COLUMN attempts integer NOT NULL DEFAULT 0;
