import { Type, type Static } from '@sinclair/typebox';
import type { Forecast } from '../db/schema.js';
import { DIAGNOSIS_FAULTS, DIAGNOSIS_LINES, type Diagnosis } from '../state/diagnosis/diagnose.js';

const num = Type.Union([Type.Number(), Type.Null()]);

const DiagnosisBody = Type.Object(
  {
    fault: Type.Union(DIAGNOSIS_FAULTS.map((f) => Type.Literal(f))),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    evidence: Type.Array(
      Type.Object({
        line: Type.Union(
          DIAGNOSIS_LINES.map((l) => Type.Literal(l)),
          {
            description: 'Defect-frequency family (fundamental) or shaft line',
          },
        ),
        hz: Type.Number(),
        orders: Type.Number({ description: 'Frequency in shaft orders (multiples of the shaft speed)' }),
        harmonics: Type.Array(Type.Integer({ minimum: 2 }), {
          description: 'Harmonic numbers of the family whose own line stands out of the floor',
        }),
        strengthDb: num,
        z: Type.Union([Type.Number(), Type.Null()], {
          description: 'Family test: robust σ above the null (off-defect orders of the same spectrum)',
        }),
        present: Type.Boolean(),
      }),
    ),
    windows: Type.Integer({ minimum: 1 }),
    sampleRateHz: Type.Number(),
    shaftHz: Type.Number(),
  },
  {
    title: 'Diagnosis',
    description:
      'Suspected fault from the squared envelope spectrum of the waveform the forecast rests on; null without a waveform, bearing geometry or shaft speed',
  },
);

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
    diagnosis: Type.Union([DiagnosisBody, Type.Null()]),
    receivedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When the data the forecast rests on was received; null for live API input',
    }),
    lagMs: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
      description: 'Capture-to-forecast lag: scoredAt − receivedAt, in milliseconds',
    }),
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
    diagnosis: f.diagnosis as unknown as Diagnosis | null,
    receivedAt: f.data_received_at?.toISOString() ?? null,
    // Clamped: a capture stored by another host's clock a moment "after" the forecast is lag 0.
    lagMs: f.data_received_at ? Math.max(0, f.scored_at.getTime() - f.data_received_at.getTime()) : null,
  };
}
