-- Each asset's baseline learnt from its own data: the first healthy period of a life (after the
-- first reading, or after the repair or replacement that began the life). The temperature
-- features compare with it when the asset has no baseline set by hand (assets.temperature_baseline_c).
CREATE TABLE asset_baselines (
  asset_id              bigint NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  -- Start of the life the baseline belongs to (first reading, or end of a repair/replacement).
  life_start            timestamptz NOT NULL,
  -- The readings it was learnt from: [window_start, window_end).
  window_start          timestamptz NOT NULL,
  window_end            timestamptz NOT NULL CHECK (window_end > window_start),
  temperature_c         double precision NOT NULL,
  temperature_readings  integer NOT NULL CHECK (temperature_readings > 0),
  learnt_at             timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (asset_id, life_start)
);
