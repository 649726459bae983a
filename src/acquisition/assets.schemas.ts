/** API shapes of assets and sensors (camelCase), and the mapping from database rows. */
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import type { Asset, Sensor } from '../db/schema.js';

/**
 * A nullable field as ajv's `nullable: true`, not `anyOf [T, null]`: with the app's type coercion
 * the null branch of an anyOf would silently turn 0 or "" into null.
 */
function Nullable<T extends TSchema>(t: T): TUnsafe<Static<T> | null> {
  const literals = (t.anyOf as Array<{ const?: unknown; type?: string }> | undefined)?.map((b) => b.const);
  if (literals) {
    const type = typeof literals[0] === 'number' ? 'integer' : 'string';
    return Type.Unsafe<Static<T> | null>({ type, enum: [...literals, null], nullable: true });
  }
  return Type.Unsafe<Static<T> | null>({ ...t, nullable: true });
}
const DateTime = Type.String({ format: 'date-time' });

import { Id } from '../http/schemas.js';
export const IdParams = Type.Object({ id: Id });
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 500, description: 'nextCursor of the previous page' })),
};

const BearingGeometry = Type.Object(
  {
    nBalls: Type.Integer({ minimum: 1, maximum: 1000 }),
    ballDiameterMm: Type.Number({ exclusiveMinimum: 0 }),
    pitchDiameterMm: Type.Number({ exclusiveMinimum: 0 }),
    contactAngleDeg: Type.Optional(
      Type.Number({ minimum: 0, exclusiveMaximum: 90, description: 'default 0' }),
    ),
  },
  {
    title: 'BearingGeometry',
    additionalProperties: false,
    description: 'Rolling-element bearing of the monitored position',
  },
);

/** External refs name an asset or sensor in MQTT topics (`prognos/<asset>/<sensor>`), so they
 * hold no topic separator or wildcard. Importers and the twin store refs that pass it. */
export const EXTERNAL_REF_PATTERN = '^[^/#+]+$';

const AssetFields = {
  externalRef: Nullable(Type.String({ minLength: 1, maxLength: 200, pattern: EXTERNAL_REF_PATTERN })),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  type: Type.String({ minLength: 1, maxLength: 100, description: 'e.g. pump, motor, fan, gearbox' }),
  site: Nullable(Type.String({ minLength: 1, maxLength: 200 })),
  isoMachineGroup: Nullable(
    Type.Union([Type.Literal(1), Type.Literal(2)], {
      description: 'ISO 20816-3 group: 1 = large (300 kW-50 MW), 2 = medium (15-300 kW)',
    }),
  ),
  isoFoundation: Nullable(Type.Union([Type.Literal('rigid'), Type.Literal('flexible')])),
  nominalSpeedRpm: Nullable(Type.Number({ exclusiveMinimum: 0 })),
  bearing: Nullable(BearingGeometry),
  temperatureBaselineC: Nullable(Type.Number({ minimum: -273.15 })),
  status: Type.Union([Type.Literal('active'), Type.Literal('inactive'), Type.Literal('retired')]),
  metadata: Type.Record(Type.String(), Type.Unknown()),
};

export const AssetCreate = Type.Object(
  {
    ...AssetFields,
    externalRef: Type.Optional(AssetFields.externalRef),
    site: Type.Optional(AssetFields.site),
    isoMachineGroup: Type.Optional(AssetFields.isoMachineGroup),
    isoFoundation: Type.Optional(AssetFields.isoFoundation),
    nominalSpeedRpm: Type.Optional(AssetFields.nominalSpeedRpm),
    bearing: Type.Optional(AssetFields.bearing),
    temperatureBaselineC: Type.Optional(AssetFields.temperatureBaselineC),
    status: Type.Optional(AssetFields.status),
    metadata: Type.Optional(AssetFields.metadata),
  },
  { additionalProperties: false },
);
export type AssetCreate = Static<typeof AssetCreate>;

export const AssetPatch = Type.Partial(Type.Object(AssetFields), {
  additionalProperties: false,
  minProperties: 1,
});
export type AssetPatch = Static<typeof AssetPatch>;

export const AssetDto = Type.Object(
  {
    id: Type.Integer(),
    ...AssetFields,
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { title: 'Asset' },
);
export type AssetDto = Static<typeof AssetDto>;

export const AssetListQuery = Type.Object({
  site: Type.Optional(Type.String({ maxLength: 200 })),
  type: Type.Optional(Type.String({ maxLength: 100 })),
  ...PageQuery,
});

const SENSOR_KINDS = ['vibration', 'temperature', 'pressure', 'speed', 'current', 'flow', 'other'] as const;
const SENSOR_AXES = ['x', 'y', 'z', 'horizontal', 'vertical', 'axial', 'radial'] as const;

const SensorFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: Type.Union(SENSOR_KINDS.map((k) => Type.Literal(k))),
  unit: Type.String({ minLength: 1, maxLength: 50, description: 'e.g. g, mm/s, °C, bar' }),
  axis: Nullable(Type.Union(SENSOR_AXES.map((a) => Type.Literal(a)))),
  location: Nullable(Type.String({ minLength: 1, maxLength: 200, description: 'e.g. drive-end bearing' })),
  sampleRateHz: Nullable(Type.Number({ exclusiveMinimum: 0, description: 'Configured sampling rate' })),
  rangeMin: Nullable(Type.Number({ description: 'Lower limit of the physical range' })),
  rangeMax: Nullable(Type.Number({ description: 'Upper limit of the physical range' })),
  externalRef: Nullable(Type.String({ minLength: 1, maxLength: 200, pattern: EXTERNAL_REF_PATTERN })),
};

export const SensorCreate = Type.Object(
  {
    name: SensorFields.name,
    kind: SensorFields.kind,
    unit: SensorFields.unit,
    axis: Type.Optional(SensorFields.axis),
    location: Type.Optional(SensorFields.location),
    sampleRateHz: Type.Optional(SensorFields.sampleRateHz),
    rangeMin: Type.Optional(SensorFields.rangeMin),
    rangeMax: Type.Optional(SensorFields.rangeMax),
    externalRef: Type.Optional(SensorFields.externalRef),
  },
  { additionalProperties: false },
);
export type SensorCreate = Static<typeof SensorCreate>;
export const SensorPatch = Type.Partial(Type.Object(SensorFields), {
  additionalProperties: false,
  minProperties: 1,
});
export type SensorPatch = Static<typeof SensorPatch>;

export const SensorDto = Type.Object(
  {
    id: Type.Integer(),
    assetId: Type.Integer(),
    ...SensorFields,
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { title: 'Sensor' },
);
export type SensorDto = Static<typeof SensorDto>;

export const SensorListQuery = Type.Object({
  kind: Type.Optional(SensorFields.kind),
  ...PageQuery,
});

export function toAssetDto(a: Asset): AssetDto {
  return {
    id: a.id,
    externalRef: a.external_ref,
    name: a.name,
    type: a.type,
    site: a.site,
    isoMachineGroup: a.iso_machine_group === null ? null : (Number(a.iso_machine_group) as 1 | 2),
    isoFoundation: a.iso_foundation,
    nominalSpeedRpm: a.nominal_speed_rpm,
    bearing:
      a.bearing_n_balls === null ||
      a.bearing_ball_diameter_mm === null ||
      a.bearing_pitch_diameter_mm === null
        ? null
        : {
            nBalls: a.bearing_n_balls,
            ballDiameterMm: a.bearing_ball_diameter_mm,
            pitchDiameterMm: a.bearing_pitch_diameter_mm,
            contactAngleDeg: a.bearing_contact_angle_deg ?? 0,
          },
    temperatureBaselineC: a.temperature_baseline_c,
    status: a.status,
    metadata: a.metadata,
    createdAt: a.created_at.toISOString(),
    updatedAt: a.updated_at.toISOString(),
  };
}

export function toSensorDto(s: Sensor): SensorDto {
  return {
    id: s.id,
    assetId: s.asset_id,
    name: s.name,
    kind: s.kind,
    unit: s.unit,
    axis: s.axis,
    location: s.location,
    sampleRateHz: s.sample_rate_hz,
    rangeMin: s.range_min,
    rangeMax: s.range_max,
    externalRef: s.external_ref,
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
  };
}
