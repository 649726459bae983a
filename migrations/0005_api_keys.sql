-- API keys with scopes. Only a SHA-256 of each key is stored (keys are 160+ bits of randomness,
-- so a slow password hash buys nothing); the prefix finds the row without a table scan.
CREATE TABLE api_keys (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL,
  prefix        text NOT NULL UNIQUE,
  key_hash      text NOT NULL,
  scopes        text[] NOT NULL CHECK (scopes <@ ARRAY['read', 'ingest', 'cmms', 'admin']::text[] AND cardinality(scopes) > 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
