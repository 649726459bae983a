-- How many times a run was started: a retry after a worker died mid-training counts, so the run
-- says it took two attempts rather than looking like one long one.
ALTER TABLE training_runs ADD COLUMN attempts integer NOT NULL DEFAULT 0;
