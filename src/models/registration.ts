/**
 * Adding versions to the registry: install an artifact directory as the next version of a
 * name (idempotent per training run), and adopt artifacts found under models/ that the
 * database does not know yet.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Transaction } from 'kysely';
import type { DB, ModelKind, ModelVersion } from '../db/schema.js';
import { AppError } from '../errors.js';
import { writeCardFor } from './cards/cards.js';
import { promoteVersion, type RegistryDeps } from './activation.js';
import { artifactProblem, hashArtifactDir, installArtifact, isDirectory, readManifest } from './artifacts.js';
import { featureSetOf, kindOf, MODEL_NAME, type FeatureSetRef } from './manifest-refs.js';
import { registryRepository as repo } from './registry.repository.js';

export interface RegisterInput {
  name: string;
  sourceDir: string;
  kind?: ModelKind;
  version?: number;
  metrics?: Record<string, unknown>;
  trainingRunId?: number | null;
}

/** Registers the artifact in `sourceDir` as the next version (or `version`) of `name`. */
export async function registerVersion(deps: RegistryDeps, input: RegisterInput): Promise<ModelVersion> {
  const { modelsDir } = deps;
  if (!MODEL_NAME.test(input.name)) {
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
    path.resolve(input.sourceDir) === path.resolve(modelsDir, input.name, String(input.version ?? ''));
  const row = await deps.db.transaction().execute(async (trx) => {
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
    const rel = await installArtifact(modelsDir, input.name, version, input.sourceDir);
    const installed = path.join(modelsDir, rel);
    const copied = path.resolve(installed) !== path.resolve(input.sourceDir);
    try {
      return await insertVersion(trx, input, {
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
  await writeCardFor(modelsDir, row, { keepExisting: inPlace }).catch((err: unknown) =>
    deps.logger?.warn({ err, model: row.name, version: row.version }, 'model card not written'),
  );
  return row;
}

async function insertVersion(
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

/** Registers artifacts found under models/ that the database does not know yet (a fresh
 * install, or a model copied in by hand), and activates the newest version of a model
 * that has no active one. */
export async function syncFromDisk(deps: RegistryDeps): Promise<ModelVersion[]> {
  const { db, modelsDir } = deps;
  const added: ModelVersion[] = [];
  if (!(await isDirectory(modelsDir))) return added;
  for (const name of (await readdir(modelsDir)).sort()) {
    if (!MODEL_NAME.test(name) || !(await isDirectory(path.join(modelsDir, name)))) continue;
    const versions = (await readdir(path.join(modelsDir, name))).filter((v) => /^\d+$/.test(v)).map(Number);
    for (const version of versions.sort((x, y) => x - y)) {
      if (await repo.get(db, name, version)) continue;
      try {
        added.push(
          await registerVersion(deps, {
            name,
            version,
            sourceDir: path.join(modelsDir, name, String(version)),
          }),
        );
      } catch (err) {
        deps.logger?.warn({ err, model: name, version }, 'skipping an unreadable model artifact');
      }
    }
    if (!(await repo.active(db, name))) {
      const newest = (await repo.list(db, { name })).find((r) => r.status === 'candidate');
      if (newest) await promoteVersion(deps, name, newest.version, { reason: 'first version found on disk' });
    }
  }
  return added;
}
