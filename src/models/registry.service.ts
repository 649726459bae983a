/**
 * The model registry: versions of each named model with their artifacts, manifests and
 * metrics; promote to active, roll back, archive; and the one loader scoring uses, which
 * refuses a model trained on another feature definition or whose files changed.
 *
 * This class is the one entry point callers use; adding versions lives in registration.ts,
 * which version is active in activation.ts, and manifest parsing in manifest-refs.ts.
 */
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB, ModelVersion } from '../db/schema.js';
import { AppError } from '../errors.js';
import {
  activeProblems,
  archiveVersion,
  getVersion,
  promoteVersion,
  rollbackVersion,
  verifyArtifact,
  type ActivationAction,
  type RegistryDeps,
} from './activation.js';
import { readManifest } from './artifacts.js';
import { compareOnSameData, experimentOf } from './experiments.js';
import { registerVersion, syncFromDisk, type RegisterInput } from './registration.js';
import { registryRepository as repo } from './registry.repository.js';

export { type FeatureSetRef } from './manifest-refs.js';

export interface LoadedModel {
  row: ModelVersion;
  dir: string;
  manifest: Record<string, unknown>;
}

export class ModelRegistry {
  private readonly deps: RegistryDeps;

  constructor(
    private readonly db: Kysely<DB>,
    readonly modelsDir: string,
    logger?: Logger,
  ) {
    this.deps = { db, modelsDir, logger };
  }

  /** Registers the artifact in `sourceDir` as the next version (or `version`) of `name`. */
  register(input: RegisterInput): Promise<ModelVersion> {
    return registerVersion(this.deps, input);
  }

  forTrainingRun(runId: number): Promise<ModelVersion | undefined> {
    return repo.byTrainingRun(this.db, runId);
  }

  list(filter: { name?: string; status?: string } = {}) {
    return repo.list(this.db, filter);
  }

  get(name: string, version: number): Promise<ModelVersion> {
    return getVersion(this.db, name, version);
  }

  active(name: string) {
    return repo.active(this.db, name);
  }

  events(name: string) {
    return repo.events(this.db, name);
  }

  /** Metrics of two versions side by side, with b − a for every numeric metric both have; their
   * training parameters and data; and both on one held-out set when a run scored them so. */
  async compare(name: string, a: number, b: number) {
    const [ra, rb] = await Promise.all([this.get(name, a), this.get(name, b)]);
    const keys = [...new Set([...Object.keys(ra.metrics), ...Object.keys(rb.metrics)])].sort();
    const metrics: Record<string, { a: unknown; b: unknown; delta: number | null }> = {};
    for (const k of keys) {
      const va = ra.metrics[k];
      const vb = rb.metrics[k];
      metrics[k] = {
        a: va ?? null,
        b: vb ?? null,
        delta: typeof va === 'number' && typeof vb === 'number' ? vb - va : null,
      };
    }
    const [ea, eb, sameData] = await Promise.all([
      experimentOf(this.db, ra),
      experimentOf(this.db, rb),
      compareOnSameData(this.db, ra, rb),
    ]);
    return {
      name,
      a: { version: a, status: ra.status, featureSetHash: ra.feature_set_hash, ...ea },
      b: { version: b, status: rb.status, featureSetHash: rb.feature_set_hash, ...eb },
      sameFeatureSet: ra.feature_set_hash === rb.feature_set_hash,
      metrics,
      sameData,
    };
  }

  /** Makes `version` the active one. Its artifact is verified first: a corrupt version is
   * refused and the current active version stays. */
  promote(name: string, version: number, opts: { action?: ActivationAction; reason?: string } = {}) {
    return promoteVersion(this.deps, name, version, opts);
  }

  /** Re-activates the version that was active before the current one. */
  rollback(name: string, reason?: string) {
    return rollbackVersion(this.deps, name, reason);
  }

  archive(name: string, version: number) {
    return archiveVersion(this.db, name, version);
  }

  /** Loads a version (default: the active one) for scoring, refusing a feature-set mismatch
   * or an artifact whose files no longer hash to what was registered. */
  async load(name: string, opts: { version?: number; featureSetHash?: string } = {}): Promise<LoadedModel> {
    const row =
      opts.version === undefined ? await repo.active(this.db, name) : await this.get(name, opts.version);
    if (!row) throw new AppError('no_active_model', 404, `model ${name} has no active version`);
    if (opts.featureSetHash && opts.featureSetHash !== row.feature_set_hash) {
      throw new AppError(
        'feature_set_mismatch',
        409,
        `model ${name}@${row.version} was trained on feature set ${row.feature_set_name} v${row.feature_set_version} (${row.feature_set_hash.slice(0, 12)}), not ${opts.featureSetHash.slice(0, 12)}`,
      );
    }
    await verifyArtifact(this.modelsDir, row);
    const dir = path.join(this.modelsDir, row.artifact_dir);
    return { row, dir, manifest: await readManifest(dir) };
  }

  /** Every active version whose artifact cannot be used, with the reason: what start-up logs
   * and readiness reports (scoring goes on without those models). */
  activeProblems(): Promise<Array<{ model: string; code: string; message: string }>> {
    return activeProblems(this.deps);
  }

  /** Registers artifacts found under models/ that the database does not know yet (a fresh
   * install, or a model copied in by hand), and activates the newest version of a model
   * that has no active one. */
  syncFromDisk(): Promise<ModelVersion[]> {
    return syncFromDisk(this.deps);
  }
}
