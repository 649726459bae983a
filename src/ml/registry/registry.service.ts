/**
 * The model registry: versions of each named model with their artifacts, manifests and
 * metrics; promote to active, roll back, archive; and the one loader scoring uses, which
 * refuses a model trained on another feature definition or whose files changed.
 */
import { createHash } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { DB, ModelKind, ModelVersion } from '../../db/schema.js';
import { AppError, notFound } from '../../errors.js';
import { writeCardFor } from '../cards/cards.js';
import { compareOnSameData, experimentOf } from './experiments.js';
import { artifactProblem, hashArtifactDir, installArtifact, isDirectory, readManifest } from './artifacts.js';
import { registryRepository as repo } from './registry.repository.js';

export interface FeatureSetRef {
  name: string;
  version: string;
  hash: string;
}

const MODEL_KINDS: readonly ModelKind[] = ['rul', 'health', 'failure', 'diagnosis'];
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The feature definition a manifest declares; older manifests list raw input names only. */
export function featureSetOf(manifest: Record<string, unknown>): FeatureSetRef {
  const fs = manifest.featureSet as Partial<FeatureSetRef> | undefined;
  if (fs && typeof fs.hash === 'string' && typeof fs.name === 'string') {
    return { name: fs.name, version: String(fs.version ?? '1'), hash: fs.hash };
  }
  const names = manifest.featureNames;
  if (Array.isArray(names) && names.every((n) => typeof n === 'string')) {
    const hash = createHash('sha256').update(JSON.stringify(names)).digest('hex');
    return { name: 'raw-inputs', version: '1', hash };
  }
  throw new AppError(
    'invalid_manifest',
    400,
    'manifest.featureSet (name, version, hash) or manifest.featureNames is required',
  );
}

export function kindOf(manifest: Record<string, unknown>, fallback?: ModelKind): ModelKind {
  const k = (manifest.modelKind ?? manifest.kind) as string | undefined;
  if (k && MODEL_KINDS.includes(k as ModelKind)) return k as ModelKind;
  if (k === 'prognos.rul-model') return 'rul';
  if (fallback) return fallback;
  throw new AppError('invalid_manifest', 400, `manifest.kind must be one of ${MODEL_KINDS.join(', ')}`);
}

export interface LoadedModel {
  row: ModelVersion;
  dir: string;
  manifest: Record<string, unknown>;
}

export class ModelRegistry {
  constructor(
    private readonly db: Kysely<DB>,
    readonly modelsDir: string,
    private readonly logger?: Logger,
  ) {}

  /** Registers the artifact in `sourceDir` as the next version (or `version`) of `name`. */
  async register(input: {
    name: string;
    sourceDir: string;
    kind?: ModelKind;
    version?: number;
    metrics?: Record<string, unknown>;
    trainingRunId?: number | null;
  }): Promise<ModelVersion> {
    if (!NAME.test(input.name)) {
      throw new AppError(
        'invalid_model_name',
        400,
        'name must be lowercase letters, digits and dashes (max 63)',
      );
    }
    const manifest = await readManifest(input.sourceDir).catch((e: Error) => {
      throw new AppError('invalid_artifact', 400, `cannot read the model manifest: ${e.message}`);
    });
    const problem = await artifactProblem(input.sourceDir);
    if (problem) throw new AppError('invalid_artifact', 400, `model ${input.name}: ${problem}`);
    const featureSet = featureSetOf(manifest);
    const kind = kindOf(manifest, input.kind);
    const metrics = input.metrics ?? (manifest.metrics as Record<string, unknown> | undefined) ?? {};
    const inPlace =
      path.resolve(input.sourceDir) === path.resolve(this.modelsDir, input.name, String(input.version ?? ''));
    const row = await this.db.transaction().execute(async (trx) => {
      await repo.lockName(trx, input.name);
      // A retried run whose earlier attempt registered before it died (or a worker that lost
      // its lock and finished anyway) gets that version back, never a second one.
      const already = input.trainingRunId ? await repo.byTrainingRun(trx, input.trainingRunId) : undefined;
      if (already) return already;
      const version = input.version ?? (await repo.nextVersion(trx, input.name));
      if (await repo.get(trx, input.name, version)) {
        throw new AppError(
          'version_exists',
          409,
          `model ${input.name} version ${version} is already registered`,
        );
      }
      const rel = await installArtifact(this.modelsDir, input.name, version, input.sourceDir);
      const installed = path.join(this.modelsDir, rel);
      const copied = path.resolve(installed) !== path.resolve(input.sourceDir);
      try {
        return await this.insertVersion(trx, input, {
          version,
          kind,
          featureSet,
          manifest,
          metrics,
          rel,
          sha: await hashArtifactDir(installed),
        });
      } catch (err) {
        // The row did not commit: do not leave an orphan artifact behind for a later sync to find.
        if (copied) await rm(installed, { recursive: true, force: true });
        throw err;
      }
    });
    // The card documents the version; failing to draw it must not undo the registration.
    await writeCardFor(this.modelsDir, row, { keepExisting: inPlace }).catch((err: unknown) =>
      this.logger?.warn({ err, model: row.name, version: row.version }, 'model card not written'),
    );
    return row;
  }

  private async insertVersion(
    trx: Transaction<DB>,
    input: { name: string; trainingRunId?: number | null },
    v: {
      version: number;
      kind: ModelKind;
      featureSet: FeatureSetRef;
      manifest: Record<string, unknown>;
      metrics: Record<string, unknown>;
      rel: string;
      sha: string;
    },
  ): Promise<ModelVersion> {
    const row = await repo.insert(trx, {
      name: input.name,
      version: v.version,
      kind: v.kind,
      featureSet: v.featureSet,
      artifactDir: v.rel,
      artifactSha256: v.sha,
      manifest: v.manifest,
      metrics: v.metrics,
      trainingRunId: input.trainingRunId ?? null,
    });
    await repo.addEvent(trx, {
      name: input.name,
      modelVersionId: row.id,
      action: 'register',
      previousActiveId: null,
    });
    return row;
  }

  forTrainingRun(runId: number): Promise<ModelVersion | undefined> {
    return repo.byTrainingRun(this.db, runId);
  }

  list(filter: { name?: string; status?: string } = {}) {
    return repo.list(this.db, filter);
  }

  async get(name: string, version: number): Promise<ModelVersion> {
    const row = await repo.get(this.db, name, version);
    if (!row) throw notFound('model version', `${name}@${version}`);
    return row;
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
  async promote(
    name: string,
    version: number,
    opts: { action?: 'promote' | 'auto-promote' | 'rollback'; reason?: string } = {},
  ) {
    const target = await this.get(name, version);
    if (target.status === 'archived')
      throw new AppError('model_archived', 409, `${name}@${version} is archived`);
    await this.verifyArtifact(target);
    return this.db.transaction().execute(async (trx) => {
      await repo.lockName(trx, name);
      const current = await repo.active(trx, name);
      if (current?.id === target.id) return target;
      if (current) await repo.setStatus(trx, current.id, 'candidate');
      await repo.setStatus(trx, target.id, 'active');
      await repo.addEvent(trx, {
        name,
        modelVersionId: target.id,
        action: opts.action ?? 'promote',
        previousActiveId: current?.id ?? null,
        reason: opts.reason,
      });
      this.logger?.info({ model: name, version, previous: current?.version }, 'model promoted');
      return (await repo.byId(trx, target.id))!;
    });
  }

  /** Re-activates the version that was active before the current one. */
  async rollback(name: string, reason?: string) {
    const current = await repo.active(this.db, name);
    if (!current)
      throw new AppError('no_active_model', 409, `model ${name} has no active version to roll back from`);
    const history = await repo.activations(this.db, name);
    const last = history.find((e) => e.model_version_id === current.id);
    const previousId = last?.previous_active_id;
    const previous = previousId ? await repo.byId(this.db, previousId) : undefined;
    if (!previous || previous.status === 'archived') {
      throw new AppError(
        'no_previous_version',
        409,
        `model ${name} has no earlier active version to roll back to`,
      );
    }
    return this.promote(name, previous.version, { action: 'rollback', reason });
  }

  async archive(name: string, version: number) {
    const row = await this.get(name, version);
    if (row.status === 'active') {
      throw new AppError(
        'model_active',
        409,
        `${name}@${version} is active: promote another version or roll back first`,
      );
    }
    await this.db.transaction().execute(async (trx) => {
      await repo.setStatus(trx, row.id, 'archived');
      await repo.addEvent(trx, { name, modelVersionId: row.id, action: 'archive', previousActiveId: null });
    });
    return this.get(name, version);
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
    await this.verifyArtifact(row);
    const dir = path.join(this.modelsDir, row.artifact_dir);
    return { row, dir, manifest: await readManifest(dir) };
  }

  private async verifyArtifact(row: ModelVersion): Promise<void> {
    const dir = path.join(this.modelsDir, row.artifact_dir);
    const sha = await hashArtifactDir(dir).catch(() => null);
    if (sha === null) {
      throw new AppError(
        'artifact_missing',
        409,
        `model ${row.name}@${row.version}: artifact directory ${row.artifact_dir} is missing`,
      );
    }
    if (sha !== row.artifact_sha256) {
      throw new AppError(
        'artifact_corrupt',
        409,
        `model ${row.name}@${row.version}: artifact files changed since registration (hash mismatch)`,
      );
    }
    // Registered before this check existed, or hand-copied and synced: consistent files only.
    const problem = await artifactProblem(dir);
    if (problem) throw new AppError('artifact_corrupt', 409, `model ${row.name}@${row.version}: ${problem}`);
  }

  /** Every active version whose artifact cannot be used, with the reason: what start-up logs
   * and readiness reports (scoring goes on without those models). */
  async activeProblems(): Promise<Array<{ model: string; code: string; message: string }>> {
    const out: Array<{ model: string; code: string; message: string }> = [];
    for (const row of await repo.list(this.db, { status: 'active' })) {
      try {
        await this.verifyArtifact(row);
      } catch (err) {
        const e = err as AppError;
        out.push({
          model: `${row.name}@${row.version}`,
          code: e.code ?? 'artifact_corrupt',
          message: e.message,
        });
      }
    }
    return out;
  }

  /** Registers artifacts found under models/ that the database does not know yet (a fresh
   * install, or a model copied in by hand), and activates the newest version of a model
   * that has no active one. */
  async syncFromDisk(): Promise<ModelVersion[]> {
    const added: ModelVersion[] = [];
    if (!(await isDirectory(this.modelsDir))) return added;
    for (const name of (await readdir(this.modelsDir)).sort()) {
      if (!NAME.test(name) || !(await isDirectory(path.join(this.modelsDir, name)))) continue;
      const versions = (await readdir(path.join(this.modelsDir, name)))
        .filter((v) => /^\d+$/.test(v))
        .map(Number);
      for (const version of versions.sort((x, y) => x - y)) {
        if (await repo.get(this.db, name, version)) continue;
        try {
          added.push(
            await this.register({
              name,
              version,
              sourceDir: path.join(this.modelsDir, name, String(version)),
            }),
          );
        } catch (err) {
          this.logger?.warn({ err, model: name, version }, 'skipping an unreadable model artifact');
        }
      }
      if (!(await repo.active(this.db, name))) {
        const newest = (await repo.list(this.db, { name })).find((r) => r.status === 'candidate');
        if (newest) await this.promote(name, newest.version, { reason: 'first version found on disk' });
      }
    }
    return added;
  }
}
