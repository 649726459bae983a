import { Type, type Static } from '@sinclair/typebox';
import type { Forecast } from '../db/schema.js';

const num = Type.Union([Type.Number(), Type.Null()]);

export const ForecastBody = Type.Object(
  {
    id: Type.Integer(),
    assetId: Type.Integer(),
    scoredAt: Type.String({ format: 'date-time' }),
    asOf: Type.String({ format: 'date-time' }),
    healthIndex: num,
    anomalyScore: num,
    isoZone: Type.Union([Type.String(), Type.Null()]),
    velocityRmsMmS: num,
    failureProbability: num,
    failureHorizonHours: num,
    rul: Type.Union([
      Type.Object({ hours: Type.Number(), lowerHours: num, upperHours: num, intervalLevel: num }),
      Type.Null(),
    ]),
    risk: Type.Number(),
    contributions: Type.Array(
      Type.Object({ feature: Type.String(), share: Type.Number(), z: Type.Optional(Type.Number()) }),
    ),
    indicators: Type.Record(Type.String(), num),
    lineage: Type.Record(Type.String(), Type.Unknown()),
    source: Type.String(),
  },
  { title: 'Forecast' },
);
export type ForecastBody = Static<typeof ForecastBody>;

export function toForecastBody(f: Forecast): ForecastBody {
  return {
    id: f.id,
    assetId: f.asset_id,
    scoredAt: f.scored_at.toISOString(),
    asOf: f.as_of.toISOString(),
    healthIndex: f.health_index,
    anomalyScore: f.anomaly_score,
    isoZone: f.iso_zone,
    velocityRmsMmS: f.velocity_rms_mm_s,
    failureProbability: f.failure_probability,
    failureHorizonHours: f.failure_horizon_hours,
    rul:
      f.rul_hours === null
        ? null
        : {
            hours: f.rul_hours,
            lowerHours: f.rul_lower_hours,
            upperHours: f.rul_upper_hours,
            intervalLevel: f.rul_interval_level,
          },
    risk: f.risk,
    contributions: f.contributions,
    indicators: f.indicators,
    lineage: f.lineage,
    source: f.source,
  };
}
