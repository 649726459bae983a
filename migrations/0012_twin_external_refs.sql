-- The digital twin stored external refs as <prefix>/<machine> (sensors <prefix>/<machine>/<sensor>),
-- which the API's own pattern ^[^/#+]+$ refuses: such an asset could not be patched with its own
-- ref, nor addressed in an MQTT topic prognos/<asset>/<sensor>. The twin now writes
-- <prefix>.<machine> and <asset ref>.<sensor>, with any "/" inside the prefix written "-"
-- (twin/s4/pump-01 -> twin-s4.pump-01, demo/pump-01 -> demo.pump-01). Stored simulations are
-- renamed the same way, so a demo re-run on an existing data directory finds its machines: the
-- assets, their sensors, the dedup keys of their failure events, and the asset filter of the
-- training runs over them (a retraining reuses those parameters). A ref whose new form is
-- already taken is left as it was.
CREATE TEMPORARY TABLE twin_ref_map ON COMMIT DROP AS
SELECT a.id,
       a.external_ref AS old_ref,
       regexp_replace(regexp_replace(a.external_ref, '/([^/]*)$', '.\1'), '/', '-', 'g') AS new_ref,
       regexp_replace(a.external_ref, '/[^/]*$', '') AS old_prefix
FROM assets a
WHERE a.metadata ->> 'source' = 'prognos-twin'
  AND a.external_ref LIKE '%/%';

DELETE FROM twin_ref_map m
WHERE EXISTS (SELECT 1 FROM assets a WHERE a.external_ref = m.new_ref)
   OR EXISTS (SELECT 1 FROM twin_ref_map o WHERE o.new_ref = m.new_ref AND o.id < m.id);

UPDATE sensors s
SET external_ref = m.new_ref || '.' || s.name, updated_at = now()
FROM twin_ref_map m
WHERE s.asset_id = m.id AND s.external_ref = m.old_ref || '/' || s.name;

UPDATE maintenance_events e
SET dedup_key = m.new_ref || substr(e.dedup_key, length(m.old_ref) + 1)
FROM twin_ref_map m
WHERE e.asset_id = m.id AND starts_with(e.dedup_key, m.old_ref || '/');

UPDATE training_runs r
SET params = jsonb_set(r.params, '{externalRefPrefix}', to_jsonb(replace(p.old_prefix, '/', '-') || '.'))
FROM (SELECT DISTINCT old_prefix FROM twin_ref_map) p
WHERE r.params ->> 'externalRefPrefix' = p.old_prefix || '/';

UPDATE assets a
SET external_ref = m.new_ref, updated_at = now()
FROM twin_ref_map m
WHERE a.id = m.id;
