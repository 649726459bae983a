-- Retraining suggestions (issue 8): raised by the drift check when the recent feature rows of
-- the fleet no longer look like the training data of a model's active version. See README.md,
-- "Drift and retraining suggestions".
CREATE TABLE retraining_suggestions (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_name         text NOT NULL,
  -- The active version whose training data the field drifted away from.
  model_version_id   bigint NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
  status             text NOT NULL DEFAULT 'open'
                       CHECK (status IN ('open', 'acknowledged', 'dismissed', 'retraining', 'resolved')),
  -- The drifting features with PSI and KS, the window and the assets behind it (last check).
  evidence           jsonb NOT NULL,
  max_psi            real NOT NULL,
  -- How many drift checks found the drift again while the suggestion was live.
  checks             integer NOT NULL DEFAULT 1 CHECK (checks >= 1),
  training_run_id    bigint REFERENCES training_runs (id) ON DELETE SET NULL,
  status_note        text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  status_changed_at  timestamptz,
  CHECK (status <> 'retraining' OR training_run_id IS NOT NULL),
  CHECK (status <> 'dismissed' OR status_note IS NOT NULL)
);
-- One live suggestion per model: new evidence updates it instead of raising another.
CREATE UNIQUE INDEX retraining_suggestions_live_uq
  ON retraining_suggestions (model_name) WHERE status IN ('open', 'acknowledged', 'retraining');
CREATE INDEX retraining_suggestions_version_idx ON retraining_suggestions (model_version_id, status);
