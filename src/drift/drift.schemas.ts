/** TypeBox schemas of the drift and retraining-suggestion routes, and the suggestion DTO. */
import { Type } from '@sinclair/typebox';
import type { RetrainingSuggestion } from '../db/schema.js';

const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Status = Type.Union(
  [Type.Literal('ok'), Type.Literal('warn'), Type.Literal('drift'), Type.Literal('unknown')],
  { description: "'unknown': no verdict, `reason` says why (no model, no reference, too few rows)" },
);

const FeatureDriftBody = Type.Object(
  {
    feature: Type.String(),
    psi: Type.Union([Type.Number(), Type.Null()], { description: 'Population stability index' }),
    ks: Type.Union([Type.Number(), Type.Null()], { description: 'Two-sample Kolmogorov–Smirnov D' }),
    ksPValue: NullableNumber,
    missingPValue: Type.Union([Type.Number(), Type.Null()], {
      description: 'Two-proportion test of the shares of missing (NaN) values',
    }),
    recentRows: Type.Integer(),
    recentFinite: Type.Integer(),
    recentMissingShare: NullableNumber,
    trainingMissingShare: Type.Number(),
    status: Type.Union([Type.Literal('ok'), Type.Literal('warn'), Type.Literal('drift')]),
    note: Type.Optional(Type.String()),
  },
  { title: 'FeatureDrift' },
);

const Baseline = Type.Union(
  [Type.Literal('asset'), Type.Literal('fleet'), Type.Literal('assets'), Type.Null()],
  {
    description:
      "'asset': its own training rows; 'fleet': every training row of the model; 'assets' (pooled): the compared assets' own training rows, mixed",
  },
);
const Comparison = {
  status: Status,
  baseline: Baseline,
  reason: NullableString,
  rows: Type.Integer({ description: 'Recent feature rows compared' }),
  from: NullableString,
  to: NullableString,
  maxPsi: Type.Number(),
  features: Type.Array(FeatureDriftBody, { description: 'Ranked by PSI, highest first' }),
};

const ModelRefBody = Type.Object(
  {
    name: Type.String(),
    version: Type.Integer(),
    kind: Type.String(),
    featureSet: Type.Object({ name: Type.String(), version: Type.String(), hash: Type.String() }),
    trainingRows: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Training rows behind the reference',
    }),
  },
  { title: 'DriftModelRef' },
);

const Thresholds = Type.Object(
  {
    psiWarn: Type.Number(),
    psiDrift: Type.Number(),
    ksAlpha: Type.Number(),
    minRows: Type.Integer(),
  },
  { title: 'DriftThresholds' },
);

const QueryFields = {
  model: Type.Optional(
    Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'Active model to compare with' }),
  ),
  window: Type.Optional(Type.Integer({ minimum: 2, maximum: 10_000, description: 'Newest rows per asset' })),
};
export const DriftQuery = Type.Object(QueryFields, { additionalProperties: false });
export const FleetDriftQuery = Type.Object(
  {
    ...QueryFields,
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'Assets and features listed per model' }),
    ),
  },
  { additionalProperties: false },
);

export const AssetDriftBody = Type.Object({
  assetId: Type.Integer(),
  assetName: Type.String(),
  model: Type.Union([ModelRefBody, Type.Null()]),
  otherModels: Type.Array(Type.String(), { description: 'Other active models to pass as ?model=' }),
  countsForRetraining: Type.Boolean({
    description: "Whether this asset's rows enter the fleet comparison behind retraining suggestions",
  }),
  retrainingExclusion: Type.Union([Type.String(), Type.Null()], {
    description: 'Why not: the asset is believed faulty (live work order, alarming forecasts, a failure)',
  }),
  thresholds: Thresholds,
  windowRows: Type.Integer(),
  ...Comparison,
});

export const FleetDriftBody = Type.Object({
  thresholds: Thresholds,
  windowRows: Type.Integer(),
  maxAgeHours: Type.Integer(),
  models: Type.Array(
    Type.Object({
      model: ModelRefBody,
      pooled: Type.Object(Comparison, {
        description:
          'The newest rows of every reporting asset not believed faulty, together: retraining rests on it',
      }),
      staleAssets: Type.Integer({ description: 'Assets left out: no row within maxAgeHours of the newest' }),
      excluded: Type.Array(
        Type.Object({ assetId: Type.Integer(), assetName: Type.String(), reason: Type.String() }),
        { description: 'Reporting assets left out of `pooled` as believed faulty, and why' },
      ),
      assets: Type.Array(
        Type.Object({
          assetId: Type.Integer(),
          assetName: Type.String(),
          countsForRetraining: Type.Boolean(),
          status: Status,
          baseline: Baseline,
          reason: NullableString,
          rows: Type.Integer(),
          maxPsi: Type.Number(),
          topFeatures: Type.Array(FeatureDriftBody),
        }),
        { description: 'Ranked by their highest PSI' },
      ),
      features: Type.Array(
        Type.Object({
          feature: Type.String(),
          assetsWarn: Type.Integer(),
          assetsDrift: Type.Integer(),
          maxPsi: Type.Number(),
        }),
        { description: 'Features drifting in the most assets first' },
      ),
    }),
  ),
});

export const SuggestionBody = Type.Object(
  {
    id: Type.Integer(),
    modelName: Type.String(),
    modelVersionId: Type.Integer(),
    status: Type.Union(
      ['open', 'acknowledged', 'dismissed', 'retraining', 'resolved'].map((s) => Type.Literal(s)),
    ),
    maxPsi: Type.Number(),
    checks: Type.Integer({ description: 'Drift checks that found this drift' }),
    evidence: Type.Record(Type.String(), Type.Unknown()),
    trainingRunId: Type.Union([Type.Integer(), Type.Null()]),
    statusNote: NullableString,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    statusChangedAt: NullableString,
  },
  { title: 'RetrainingSuggestion' },
);

export function toSuggestionBody(s: RetrainingSuggestion) {
  return {
    id: s.id,
    modelName: s.model_name,
    modelVersionId: s.model_version_id,
    status: s.status,
    maxPsi: s.max_psi,
    checks: s.checks,
    evidence: s.evidence,
    trainingRunId: s.training_run_id,
    statusNote: s.status_note,
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
    statusChangedAt: s.status_changed_at ? s.status_changed_at.toISOString() : null,
  };
}
