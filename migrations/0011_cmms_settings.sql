-- Per-asset CMMS identifiers and per-site defaults (issue 18): the codes a CMMS needs to accept a
-- work order or notification (Maximo siteid/orgid/assetnum/location/worktype/failure class and
-- problem codes, SAP technical object/plant/catalog codes, MaintainX asset/location ids and
-- custom fields). One JSON document per (asset or site, CMMS), validated by the API's TypeBox
-- schemas; an asset's settings override its site's defaults field by field.
CREATE TABLE asset_cmms_settings (
  asset_id   bigint NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  cmms       text NOT NULL CHECK (cmms IN ('maximo', 'sap', 'maintainx')),
  settings   jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (asset_id, cmms)
);

CREATE TABLE site_cmms_defaults (
  site       text NOT NULL CHECK (length(site) BETWEEN 1 AND 200),
  cmms       text NOT NULL CHECK (cmms IN ('maximo', 'sap', 'maintainx')),
  settings   jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site, cmms)
);
