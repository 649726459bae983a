-- The model registry and training runs. Artifacts live on disk under models/<name>/<version>/;
-- these rows are the index, the lifecycle (candidate → active → archived) and the audit trail.

CREATE TABLE model_versions (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                text NOT NULL,
  version             integer NOT NULL CHECK (version > 0),
  kind                text NOT NULL CHECK (kind IN ('rul', 'health', 'failure', 'diagnosis')),
  status              text NOT NULL DEFAULT 'candidate' CHECK (status IN ('candidate', 'active', 'archived')),
  -- The feature definition the model was trained on: scoring refuses any other.
  feature_set_name    text NOT NULL,
  feature_set_version text NOT NULL,
  feature_set_hash    text NOT NULL,
  artifact_dir        text NOT NULL,
  -- sha256 over the artifact files, so a corrupt or swapped artifact is refused at load.
  artifact_sha256     text NOT NULL,
  manifest            jsonb NOT NULL,
  metrics             jsonb NOT NULL DEFAULT '{}'::jsonb,
  training_run_id     bigint,
  created_at          timestamptz NOT NULL DEFAULT now(),
  promoted_at         timestamptz,
  archived_at         timestamptz,
  UNIQUE (name, version)
);
-- At most one active version per model name.
CREATE UNIQUE INDEX model_versions_one_active ON model_versions (name) WHERE status = 'active';

CREATE TABLE model_events (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name              text NOT NULL,
  model_version_id  bigint NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
  action            text NOT NULL CHECK (action IN ('register', 'promote', 'rollback', 'archive', 'auto-promote')),
  previous_active_id bigint REFERENCES model_versions (id) ON DELETE SET NULL,
  reason            text,
  at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX model_events_name_idx ON model_events (name, id DESC);

CREATE TABLE training_runs (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_name        text NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('rul', 'health', 'failure', 'diagnosis')),
  status            text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  params            jsonb NOT NULL DEFAULT '{}'::jsonb,
  data_range        jsonb NOT NULL DEFAULT '{}'::jsonb,
  job_id            text,
  progress          jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- One object per finished epoch: {epoch, loss, valRmse, seconds, ...}.
  epochs            jsonb NOT NULL DEFAULT '[]'::jsonb,
  metrics           jsonb NOT NULL DEFAULT '{}'::jsonb,
  error             text,
  model_version_id  bigint REFERENCES model_versions (id) ON DELETE SET NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  started_at        timestamptz,
  finished_at       timestamptz
);
CREATE INDEX training_runs_model_idx ON training_runs (model_name, id DESC);
ALTER TABLE model_versions
  ADD CONSTRAINT model_versions_training_run_fk FOREIGN KEY (training_run_id) REFERENCES training_runs (id) ON DELETE SET NULL;
