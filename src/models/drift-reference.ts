/**
 * The training reference of a model's inputs, written by the trainers next to the model as
 * `drift-reference.json` (so it is part of the artifact and covered by its hash): per feature,
 * the quantile bins and shares of the training values and a bounded sorted sample for KS.
 * Models registered before references existed have no such file: drift then says so.
 * Here in models/ as part of the artifact: training writes it and drift/ reads it (drift/ may
 * start a training run, so training cannot import drift/).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { quantileSorted } from '../maths/order-statistics.js';
import { buildFeatureReference, DEFAULT_BINS, KS_SAMPLE_SIZE, type FeatureReference } from './drift-stats.js';

export const DRIFT_REFERENCE_FILE = 'drift-reference.json';
/** Per-asset baselines: at most this many assets, each with at least MIN_ASSET_ROWS rows and a
 * KS sample of at most ASSET_SAMPLE order statistics (the file stays a few MB at most). */
const MAX_ASSETS = 200;
const MIN_ASSET_ROWS = 10;
export const ASSET_SAMPLE = 64;

const FeatureReferenceSchema = Type.Object({
  name: Type.String(),
  index: Type.Integer({ minimum: 0 }),
  n: Type.Integer({ minimum: 0 }),
  missingShare: Type.Number({ minimum: 0, maximum: 1 }),
  edges: Type.Array(Type.Number()),
  shares: Type.Array(Type.Number({ minimum: 0, maximum: 1 })),
  sample: Type.Array(Type.Number()),
});

const DriftReferenceSchema = Type.Object({
  format: Type.Literal('prognos.drift-reference'),
  version: Type.Literal(1),
  featureSet: Type.Object({ name: Type.String(), version: Type.Integer(), hash: Type.String() }),
  /** What the rows are, in words ("healthy feature rows of …"). */
  source: Type.String(),
  rows: Type.Integer({ minimum: 0 }),
  features: Type.Array(FeatureReferenceSchema),
  /** Each training asset's own rows: its drift is judged against itself, not against the mix
   * of machines the model was trained on. */
  assets: Type.Optional(
    Type.Array(
      Type.Object({
        assetId: Type.Integer(),
        rows: Type.Integer({ minimum: 0 }),
        features: Type.Array(FeatureReferenceSchema),
      }),
    ),
  ),
});
export type DriftReference = Static<typeof DriftReferenceSchema>;

/** The reference of `columns` of the training rows (vectors of the feature set). */
export function buildDriftReference(
  set: { name: string; version: number; hash: string; featureNames: readonly string[] },
  columns: readonly number[],
  rows: readonly (readonly number[])[],
  source: string,
  /** The asset of each row, for per-asset baselines. */
  assetOf?: readonly number[],
): DriftReference {
  const features = (rs: readonly (readonly number[])[], sample?: number) =>
    columns.map((c) =>
      buildFeatureReference(
        set.featureNames[c]!,
        c,
        rs.map((r) => r[c] ?? NaN),
        DEFAULT_BINS,
        sample,
      ),
    );
  const byAsset = new Map<number, (readonly number[])[]>();
  rows.forEach((r, i) => {
    const a = assetOf?.[i];
    if (a === undefined) return;
    const list = byAsset.get(a);
    if (list) list.push(r);
    else byAsset.set(a, [r]);
  });
  const assets = [...byAsset]
    .filter(([, rs]) => rs.length >= MIN_ASSET_ROWS)
    .slice(0, MAX_ASSETS)
    .map(([assetId, rs]) => ({ assetId, rows: rs.length, features: features(rs, ASSET_SAMPLE) }));
  return {
    format: 'prognos.drift-reference',
    version: 1,
    featureSet: { name: set.name, version: set.version, hash: set.hash },
    source,
    rows: rows.length,
    features: features(rows),
    ...(assetOf ? { assets } : {}),
  };
}

/**
 * The training distribution of a mix of assets: each asset's own baseline (all training rows
 * for an asset the model never saw), weighted by its recent rows. Pooled recent rows are then
 * compared with the training rows of the same machines, so leaving some assets out (the faulty
 * ones) or a new one in does not by itself look like drift: machines differ from each other
 * more than from themselves. Without per-asset baselines it is the stored reference itself.
 */
export function mixtureReference(
  ref: DriftReference,
  recentRows: ReadonlyMap<number, number>,
): FeatureReference[] {
  const parts = [...recentRows]
    .filter(([, rows]) => rows > 0)
    .map(([assetId, rows]) => ({ rows, own: ref.assets?.find((a) => a.assetId === assetId)?.features }));
  if (parts.every((p) => p.own === undefined)) return ref.features;
  return ref.features.map((f, k) => {
    const values: number[] = [];
    let kept = 0;
    for (const p of parts) {
      const r = p.own?.[k] ?? f;
      const missing = Math.round(p.rows * r.missingShare);
      const m = p.rows - missing;
      // The asset's distribution read off its order statistics, one value per recent row.
      for (let i = 0; i < m; i++) values.push(quantileSorted(r.sample, m > 1 ? i / (m - 1) : 0.5));
      for (let i = 0; i < missing; i++) values.push(NaN);
      kept += r.sample.length;
    }
    // KS n: the order statistics behind the mix, not the values read off them.
    return buildFeatureReference(f.name, f.index, values, DEFAULT_BINS, Math.min(KS_SAMPLE_SIZE, kept));
  });
}

export async function saveDriftReference(dir: string, ref: DriftReference): Promise<void> {
  // Not rounded: a rounded edge or sample value would no longer equal the stored float32
  // values, and a constant feature would seem to drift against itself.
  await writeFile(path.join(dir, DRIFT_REFERENCE_FILE), JSON.stringify(ref));
}

/** The artifact's reference, or undefined when it has none (trained before references). */
export async function readDriftReference(dir: string): Promise<DriftReference | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, DRIFT_REFERENCE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const value = JSON.parse(text) as unknown;
  if (!Value.Check(DriftReferenceSchema, value)) {
    const first = Value.Errors(DriftReferenceSchema, value).First();
    throw new Error(`${DRIFT_REFERENCE_FILE}${first?.path ?? ''}: ${first?.message ?? 'invalid'}`);
  }
  return value;
}
