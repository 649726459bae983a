-- Retention (issue 16): old data goes a whole monthly partition at a time, never row by row —
-- DROP TABLE of a partition frees its space at once, with no dead tuples, no vacuum and no
-- index churn. Only captures and readings are partitioned (0001); feature_rows and forecasts
-- are not, and are kept whole.
--
-- Drops the partitions of `p_table` whose whole range ends at or before `p_cut`, and returns
-- their names. Only partitions prognos_ensure_partitions makes (`<table>_pYYYYMM`, bounds read
-- from the catalog, not from the name): the default partition, one straddling the cut and any
-- partition an operator attached under another name are left alone.
CREATE FUNCTION prognos_drop_partitions_before(p_table text, p_cut timestamptz)
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  part  record;
BEGIN
  IF p_table NOT IN ('captures', 'readings') THEN
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
    IF part.upper IS NOT NULL AND part.upper <= p_cut THEN
      EXECUTE format('DROP TABLE %I', part.name);
      RETURN NEXT part.name;
    END IF;
  END LOOP;
END $$;
