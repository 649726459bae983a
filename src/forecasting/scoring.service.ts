/**
 * Live scoring: validated input → features of the asset's feature set → the active models that
 * serve that set → one forecast (health, ISO zone, failure probability, RUL with interval, top
 * contributing features, lineage), stored through group commit, then the work-order rules.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { assetsRepository } from '../acquisition/assets.repository.js';
import { capturesRepository } from '../acquisition/captures.repository.js';
import { decodeFloat32 } from '../features/capture-windows.js';
import { diagnoseWaveform, type Diagnosis } from '../state/diagnosis/diagnose.js';
import type { DB, Forecast } from '../db/schema.js';
import { notFound } from '../errors.js';
import { inStage, observeCaptureToForecastLag, observeScoring } from '../metrics.js';
import { bearingOf, MAX_CAPTURE_SPAN_MS } from '../features/features.service.js';
import type { StoredFeatureSet } from '../features/stored-feature-sets.js';
import { temperatureBaselineOf } from '../features/temperature-baseline.js';
import { predictFailure } from '../prognostics/failure/failure-model.js';
import { healthIndex } from '../health/calibration.js';
import { scoreHealth } from '../health/health-model.js';
import { predictRul } from '../prognostics/rul/predict-rul.js';
import { transformInput, type InputTransform } from '../prognostics/rul/input-transform.js';
import { RulDistribution } from '../prognostics/rul/rul-distribution.js';
import { isoZone, type IsoZone } from '../state/iso20816.js';
import type { ActiveModels, LoadedActive } from './active-models.js';
import { forecastsRepository as repo, type NewForecast } from './forecasts.repository.js';
import { GroupCommitter } from './group-commit.js';
import { chooseFeatureSet, featureValue, liveFeatureVector, type LiveInput } from './live-features.js';
import { clamp01, riskScore } from './risk.js';
import { scoringRepository, type UnscoredRow } from './scoring.repository.js';

export interface ScoreRequest extends LiveInput {
  assetId: number;
  /** Stored capture whose waveform the diagnosis reads when the request carries none (a feature row's source). */
  diagnosisCapture?: { sensorId: number; id: number; windowStart: Date };
  /** Ids of stored inputs (capture ids, feature-row keys), recorded in the lineage. */
  inputIds?: Record<string, unknown>;
  /** When the stored capture behind the input was stored: the start of the forecast's
   * capture-to-forecast lag (live API input has none). */
  captureStoredAt?: Date;
  /** The live loop's identity of the input (feature row and values): with the models' versions
   * it becomes the forecast's input_key, so scoring the same input again stores nothing. */
  inputIdentity?: string;
  source?: 'api' | 'scheduled' | 'demo';
  asOf?: Date;
}

export interface ScoreNewRowsOptions {
  /** Default: every active asset. */
  assetIds?: number[] | undefined;
  /** Only rows of the feature set with this hash; default: the newest rows of any set. */
  featureSetHash?: string | undefined;
  /** The newest this many unscored rows of each asset; default 1 (only the newest). */
  perAsset?: number;
  source: 'scheduled' | 'demo';
  /** Stops before the next row once aborted. */
  signal?: AbortSignal | undefined;
  /** A row that fails to score is reported here and the others go on; without it, it throws. */
  onFailure?: (row: UnscoredRow, err: Error) => Promise<void> | void;
  /** After each row, scored or failed, out of `total` rows found. */
  onProgress?: (p: { total: number; scored: number; failed: number }) => Promise<void> | void;
}

export interface ScoringDeps {
  db: Kysely<DB>;
  models: ActiveModels;
  leadTimeHours: number;
  failureHorizonHours: number;
  logger?: Logger;
  /** Called with the ids of each committed batch (the work-order rules). */
  afterCommit?: (forecastIds: number[]) => Promise<void>;
}

/** Diagnoses of stored captures within one batch, by capture and the asset context read with it. */
type DiagnosisCache = Map<string, Promise<Diagnosis | null>>;

const ENV_INDICATORS = ['env_bpfo', 'env_bpfi', 'env_bsf', 'env_ftf', 'kurtosis', 'crest_factor', 'rms'];

export class ScoringService {
  private readonly writer: GroupCommitter<NewForecast, Forecast>;
  private readonly assets = new Map<
    number,
    { at: number; row: Awaited<ReturnType<ScoringService['loadAsset']>> }
  >();

  constructor(private readonly deps: ScoringDeps) {
    this.writer = new GroupCommitter({
      write: async (rows) => {
        // Rows come back in insertion order with a single VALUES list; match by position.
        // One multi-row INSERT is atomic on its own: no BEGIN/COMMIT round trips.
        const stored = await repo.insertMany(deps.db, rows);
        // Only new forecasts go through the work-order rules: a replayed one was already.
        this.afterCommit(stored.map((f) => f.id));
        return stored.length === rows.length ? stored : withSkipped(deps.db, rows, stored);
      },
    });
  }

  private pendingRules: number[] = [];
  private rules: Promise<void> = Promise.resolve();
  private rulesRunning = false;

  /** The work-order rules run after the response, off the request path, coalescing batches:
   * a 200 means the forecast is stored; its suggestion follows within moments. */
  private afterCommit(ids: number[]) {
    if (!this.deps.afterCommit) return;
    this.pendingRules.push(...ids);
    if (this.rulesRunning) return;
    this.rulesRunning = true;
    this.rules = (async () => {
      while (this.pendingRules.length > 0) {
        const batch = this.pendingRules.splice(0);
        await inStage('advice', () => this.deps.afterCommit!(batch)).catch((err: unknown) =>
          this.deps.logger?.error({ err }, 'work-order rules failed after a scoring batch'),
        );
      }
      this.rulesRunning = false;
    })();
  }

  /** Resolves when every committed forecast so far has been through the work-order rules. */
  async settled(): Promise<void> {
    await this.writer.drain();
    while (this.rulesRunning || this.pendingRules.length > 0) await this.rules;
  }

  private async loadAsset(id: number) {
    const asset = await assetsRepository.get(this.deps.db, id);
    return asset && { ...asset, temperature_baseline_c: await temperatureBaselineOf(this.deps.db, asset) };
  }

  private async asset(id: number) {
    const hit = this.assets.get(id);
    if (hit && Date.now() - hit.at < 5_000) return hit.row;
    const row = await this.loadAsset(id);
    this.assets.set(id, { at: Date.now(), row });
    return row;
  }

  /** `diagnoses`: a batch's diagnoses by stored capture (scoreNewRows), so windows cut from the
   * same capture read and diagnose it once. */
  async score(req: ScoreRequest, diagnoses?: DiagnosisCache): Promise<Forecast> {
    const start = performance.now();
    const forecast = await this.scoreOnce(req, diagnoses);
    observeScoring(req.source ?? 'api', (performance.now() - start) / 1000);
    // The forecast is committed once scoreOnce resolves (group commit); the capture's storage
    // time came with its feature row, so the lag costs no query.
    if (req.captureStoredAt) observeCaptureToForecastLag((Date.now() - req.captureStoredAt.getTime()) / 1000);
    return forecast;
  }

  private async scoreOnce(req: ScoreRequest, diagnoses?: DiagnosisCache): Promise<Forecast> {
    const asset = await this.asset(req.assetId);
    if (!asset) throw notFound('asset', req.assetId);
    const set = chooseFeatureSet(req, (req.temperature?.length ?? 0) > 0);
    const ctx = {
      shaftHz: asset.nominal_speed_rpm ? asset.nominal_speed_rpm / 60 : null,
      bearing: bearingOf(asset),
      temperatureBaselineC: asset.temperature_baseline_c,
    };
    const vector = liveFeatureVector(set, req, ctx);
    const velocity = featureValue(set, vector, 'velocity_rms_mm_s');
    const zone: IsoZone | null =
      velocity !== null && asset.iso_machine_group && asset.iso_foundation
        ? isoZone(velocity, asset.iso_machine_group, asset.iso_foundation)
        : null;
    const models = await this.deps.models.forFeatureSet(set.hash);
    const asOf = req.asOf ?? req.capture?.ts ?? new Date();
    const out = await this.applyModels(models, set, vector, req.assetId, asOf);
    // One predictive distribution when a RUL model serves the asset: the point, the interval,
    // the failure probability within the horizon and the risk's P(RUL < lead time) are all read
    // from it; a failure classifier's probability stands only where there is no RUL model.
    const dist = out.rul;
    const failureProbability = dist
      ? dist.failureWithin(this.deps.failureHorizonHours)
      : out.failureProbability;
    const { risk, driver } = riskScore({
      isoZone: zone,
      anomalyScore: out.anomaly,
      failureProbability: out.failureProbability,
      failureHorizonHours: this.deps.failureHorizonHours,
      leadTimeHours: this.deps.leadTimeHours,
      rulBeforeLeadTime: dist ? dist.failureWithin(this.deps.leadTimeHours) : null,
    });
    const indicators: Record<string, number | null> = {};
    for (const name of ENV_INDICATORS) indicators[name] = featureValue(set, vector, name);
    const diagnosis = await this.diagnose(req, ctx, set.vibration.params.windowLength, diagnoses);
    return this.writer.submit({
      asset_id: asset.id,
      // Millisecond precision, set here rather than by now(): history cursors carry a JS Date,
      // which would otherwise cut PostgreSQL's microseconds and skip or repeat rows.
      scored_at: new Date(),
      as_of: asOf,
      health_index: out.health,
      anomaly_score: out.anomaly,
      iso_zone: zone,
      velocity_rms_mm_s: velocity,
      failure_probability: failureProbability,
      failure_horizon_hours: failureProbability === null ? null : this.deps.failureHorizonHours,
      rul_hours: dist?.median ?? null,
      rul_lower_hours: dist?.lower ?? null,
      rul_upper_hours: dist?.upper ?? null,
      rul_interval_level: out.rul?.level ?? null,
      risk,
      contributions: JSON.stringify(out.contributions),
      indicators: JSON.stringify(indicators),
      lineage: JSON.stringify({
        featureSet: { name: set.name, version: set.version, hash: set.hash },
        models: models.map((m) => ({ name: m.row.name, version: m.row.version, kind: m.kind })),
        inputs: req.inputIds ?? { kind: req.features ? 'features' : req.capture ? 'capture' : 'readings' },
        riskDriver: driver,
      }),
      source: req.source ?? 'api',
      diagnosis: diagnosis ? JSON.stringify(diagnosis) : null,
      input_key: req.inputIdentity === undefined ? null : inputKey(req.inputIdentity, models),
      data_received_at: req.captureStoredAt ?? null,
    });
  }

  /** The input_key a row would be stored under with the models serving its set now. */
  async inputKeyOf(row: UnscoredRow): Promise<string> {
    const set = chooseFeatureSet({ featureSet: row.set_name }, false);
    return inputKey(rowIdentity(row), await this.deps.models.forFeatureSet(set.hash));
  }

  /**
   * Scores stored feature rows keyed (the live loop): a row already scored with the same values
   * and models is skipped before any model runs, and one scored concurrently is dropped by the
   * unique index, so a replayed or retried refresh adds no forecast. `receivedAt`: when the
   * data arrived, for rows whose capture's storage time is not known.
   */
  async scoreKeyedRows(
    rows: UnscoredRow[],
    o: { receivedAt: Date; signal?: AbortSignal | undefined },
  ): Promise<{ scored: number; skipped: number }> {
    if (rows.length === 0) return { scored: 0, skipped: 0 };
    const keys = await Promise.all(rows.map((r) => this.inputKeyOf(r)));
    const ends = rows.map((r) => r.window_end.getTime());
    const stored = await repo.storedInputKeys(
      this.deps.db,
      rows[0]!.asset_id,
      new Date(Math.min(...ends)),
      new Date(Math.max(...ends)),
      keys,
    );
    let scored = 0;
    const diagnoses: DiagnosisCache = new Map();
    for (const [i, row] of rows.entries()) {
      if (stored.has(keys[i]!)) continue;
      o.signal?.throwIfAborted();
      const req = scoreRequestOf(row, 'scheduled');
      await this.score(
        { ...req, captureStoredAt: row.capture_stored_at ?? o.receivedAt, inputIdentity: rowIdentity(row) },
        diagnoses,
      );
      scored += 1;
    }
    return { scored, skipped: rows.length - scored };
  }

  /**
   * The suspected fault, from the waveform this forecast rests on: the request's capture, else
   * the stored capture its feature row was cut from (extraction keeps the link, source_id), at
   * that capture's own sample rate, over windows of the feature set's length (longer ones when
   * the capture holds them and those cannot separate the lines). Null without a
   * waveform, bearing geometry or shaft speed: nothing to read the defect lines against.
   * The whole capture is read (not the row's window), so every row cut from one capture has
   * the same diagnosis: within a batch it is computed once per capture (`diagnoses`).
   */
  private async diagnose(
    req: ScoreRequest,
    ctx: { shaftHz: number | null; bearing: ReturnType<typeof bearingOf> },
    windowLength: number,
    diagnoses?: DiagnosisCache,
  ): Promise<Diagnosis | null> {
    const { bearing, shaftHz } = ctx;
    if (!bearing || !shaftHz) return null;
    // Up to eight windows' worth of samples are read either way: averaged over windows of the
    // feature set's length, or, where those bins cannot separate the lines, as longer windows.
    const options = { shaftHz, bearing, windowLength, maxWindowLength: 8 * windowLength };
    if (req.capture)
      return diagnoseWaveform(req.capture.samples, { ...options, sampleRateHz: req.capture.sampleRateHz });
    const stored = req.diagnosisCapture;
    if (!stored) return null;
    // The asset's shaft speed and geometry can change between two rows of a batch (a PATCH).
    const key = `${stored.sensorId}:${stored.id}:${windowLength}:${shaftHz}:${JSON.stringify(bearing)}`;
    const hit = diagnoses?.get(key);
    if (hit) return hit;
    const run = (async () => {
      const c = await capturesRepository.byIdNear(this.deps.db, {
        sensorId: stored.sensorId,
        id: stored.id,
        startedBefore: stored.windowStart,
        maxSpanMs: MAX_CAPTURE_SPAN_MS,
      });
      const samples = c ? decodeFloat32(c.samples, c.n_samples) : undefined;
      return c && samples ? diagnoseWaveform(samples, { ...options, sampleRateHz: c.sample_rate_hz }) : null;
    })();
    diagnoses?.set(key, run);
    // A failed read is not remembered: the next row of the capture tries again.
    run.catch(() => diagnoses?.delete(key));
    return run;
  }

  private async applyModels(
    models: LoadedActive[],
    set: StoredFeatureSet,
    vector: Float64Array,
    assetId: number,
    asOf: Date,
  ) {
    let anomaly: number | null = null;
    let health: number | null = null;
    let contributions: Array<{ feature: string; share: number; z: number }> = [];
    let failureProbability: number | null = null;
    let rul: RulDistribution | null = null;
    for (const m of models) {
      if (m.kind === 'health') {
        const [s] = scoreHealth(m.model, m.manifest, [
          Array.from(vector, (x) => (Number.isFinite(x) ? x : 0)),
        ]);
        if (s) {
          anomaly = clamp01(s.score);
          health = healthIndex(m.manifest.calibration, s.error);
          contributions = s.contributions.map((c) => ({ feature: c.feature, share: c.share, z: c.z }));
        }
      } else if (m.kind === 'failure') {
        const [p] = predictFailure(m.model, m.manifest, [Array.from(vector)]);
        if (p) failureProbability = clamp01(p.probability);
      } else if (m.kind === 'rul') {
        rul = await this.rul(m, set, vector, assetId, asOf);
      }
    }
    return { anomaly, health, contributions, failureProbability, rul };
  }

  /** A RUL model over feature rows sees the asset's recent stored windows plus this one. */
  private async rul(
    m: Extract<LoadedActive, { kind: 'rul' }>,
    set: StoredFeatureSet,
    vector: Float64Array,
    assetId: number,
    asOf: Date,
  ) {
    const manifest = m.manifest as typeof m.manifest & {
      stepHours?: number;
      inputColumns?: number[];
      inputTransform?: InputTransform;
    };
    const need = manifest.window - 1;
    // Only windows before this one: the row being scored may already be stored.
    const recent = await scoringRepository.recentWindows(this.deps.db, {
      assetId,
      featureSetHash: set.hash,
      before: asOf,
      limit: need,
    });
    const columns = manifest.inputColumns ?? set.featureNames.map((_, i) => i);
    const pick = (v: ArrayLike<number>) =>
      columns.map((c) => transformInput(manifest.inputTransform, Number(v[c] ?? NaN)));
    const vectors = [...recent.reverse().map((r) => pick(r.values)), pick(vector)];
    if (vectors.some((v) => v.some((x) => !Number.isFinite(x)))) return null;
    // One sequence of feature windows, one condition (feature-row models have no settings).
    const steps = vectors.map((values, i) => ({ t: i + 1, conditions: [], values }));
    const [p] = predictRul(m.model, manifest, [{ key: assetId, steps }]);
    if (!p) return null;
    const step = manifest.stepHours ?? 1;
    // The point is the distribution's median, inside the interval by construction; the model
    // resolves no finer than one step of its input.
    return new RulDistribution({
      median: p.median * step,
      lower: p.lower * step,
      upper: p.upper * step,
      level: manifest.interval.level,
      resolution: step,
    });
  }

  /** The one scoring pipeline over stored features (the scheduled job and the demo): every
   * active asset's feature rows not scored yet, oldest first within an asset, through the active
   * models into forecasts; the work-order rules follow each committed batch (afterCommit). */
  async scoreNewRows(o: ScoreNewRowsOptions): Promise<{ rows: number; scored: number; failed: number }> {
    const todo = await scoringRepository.unscored(this.deps.db, {
      assetIds: o.assetIds,
      featureSetHash: o.featureSetHash,
      perAsset: o.perAsset ?? 1,
      captureSpanMs: MAX_CAPTURE_SPAN_MS,
    });
    let scored = 0;
    let failed = 0;
    const diagnoses: DiagnosisCache = new Map();
    for (const row of todo) {
      if (o.signal?.aborted) break;
      try {
        // Keyed as the live loop keys them: a row this and the loop both reach is stored once.
        await this.score({ ...scoreRequestOf(row, o.source), inputIdentity: rowIdentity(row) }, diagnoses);
        scored += 1;
      } catch (err) {
        if (!o.onFailure) throw err;
        failed += 1;
        await o.onFailure(row, err as Error);
      }
      await o.onProgress?.({ total: todo.length, scored, failed });
    }
    return { rows: todo.length, scored, failed };
  }

  async close(): Promise<void> {
    await this.writer.close();
    await this.settled();
  }
}

/** A feature row's key and values: what its forecast rests on besides the models. */
function rowIdentity(row: UnscoredRow): string {
  const values = row.values.map((v) => (Number.isFinite(v) ? v : null));
  return JSON.stringify([row.sensor_id, row.feature_set_id, row.window_start.toISOString(), values]);
}

function inputKey(identity: string, models: readonly LoadedActive[]): string {
  const versions = models.map((m) => `${m.row.name}@${m.row.version}`).sort();
  return createHash('sha256').update(identity).update(JSON.stringify(versions)).digest('hex').slice(0, 32);
}

/** The insert's result, with each skipped keyed row resolved to the forecast stored under its
 * key. `stored` is `rows` in order with the skipped ones missing. */
async function withSkipped(db: Kysely<DB>, rows: NewForecast[], stored: Forecast[]): Promise<Forecast[]> {
  const out: Array<Forecast | undefined> = [];
  let j = 0;
  const same = (r: NewForecast, f: Forecast | undefined) =>
    f !== undefined &&
    f.asset_id === r.asset_id &&
    (f.input_key ?? null) === (r.input_key ?? null) &&
    f.as_of.getTime() === new Date(r.as_of).getTime();
  for (const r of rows) out.push(same(r, stored[j]) ? stored[j++] : undefined);
  const missing = rows.filter((_, i) => out[i] === undefined);
  const found = new Map<string, Forecast>();
  for (const assetId of new Set(missing.map((r) => r.asset_id)))
    for (const f of await repo.byInputKeys(
      db,
      assetId,
      missing.filter((r) => r.asset_id === assetId).map((r) => r.input_key!),
    ))
      found.set(`${f.asset_id}:${f.input_key}`, f);
  return rows.map((r, i) => out[i] ?? found.get(`${r.asset_id}:${r.input_key}`)!);
}

/** A stored feature row as a scoring request; its key goes into the forecast's lineage. */
function scoreRequestOf(row: UnscoredRow, source: ScoreNewRowsOptions['source']): ScoreRequest {
  return {
    assetId: row.asset_id,
    featureSet: row.set_name,
    features: Object.fromEntries(
      row.names.map((n, i) => [n, Number.isFinite(row.values[i]) ? row.values[i]! : null]),
    ),
    asOf: row.window_end,
    source,
    ...(row.capture_stored_at ? { captureStoredAt: row.capture_stored_at } : {}),
    ...(row.source_id !== null
      ? {
          diagnosisCapture: {
            sensorId: Number(row.sensor_id),
            id: Number(row.source_id),
            windowStart: row.window_start,
          },
        }
      : {}),
    inputIds: {
      featureRow: {
        sensorId: row.sensor_id,
        featureSetId: row.feature_set_id,
        windowStart: row.window_start.toISOString(),
      },
    },
  };
}
