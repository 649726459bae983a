/**
 * Which version of a model is active: promote (after verifying the artifact), roll back to the
 * previously active version, archive; and the artifact check that promotion, loading and
 * readiness share. Writers of one name are serialised by the repository's advisory lock.
 */
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB, ModelVersion } from '../db/schema.js';
import { AppError, notFound } from '../errors.js';
import { artifactProblem, hashArtifactDir } from './artifacts.js';
import { registryRepository as repo } from './registry.repository.js';

export interface RegistryDeps {
  db: Kysely<DB>;
  modelsDir: string;
  logger?: Logger;
}

export type ActivationAction = 'promote' | 'auto-promote' | 'rollback';

export async function getVersion(db: Kysely<DB>, name: string, version: number): Promise<ModelVersion> {
  const row = await repo.get(db, name, version);
  if (!row) throw notFound('model version', `${name}@${version}`);
  return row;
}

/** Makes `version` the active one. Its artifact is verified first: a corrupt version is
 * refused and the current active version stays. */
export async function promoteVersion(
  deps: RegistryDeps,
  name: string,
  version: number,
  opts: { action?: ActivationAction; reason?: string } = {},
): Promise<ModelVersion> {
  const target = await getVersion(deps.db, name, version);
  if (target.status === 'archived')
    throw new AppError('model_archived', 409, `${name}@${version} is archived`);
  await verifyArtifact(deps.modelsDir, target);
  return deps.db.transaction().execute(async (trx) => {
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
    deps.logger?.info({ model: name, version, previous: current?.version }, 'model promoted');
    return (await repo.byId(trx, target.id))!;
  });
}

/** Re-activates the version that was active before the current one. */
export async function rollbackVersion(deps: RegistryDeps, name: string, reason?: string) {
  const current = await repo.active(deps.db, name);
  if (!current)
    throw new AppError('no_active_model', 409, `model ${name} has no active version to roll back from`);
  const history = await repo.activations(deps.db, name);
  const last = history.find((e) => e.model_version_id === current.id);
  const previousId = last?.previous_active_id;
  const previous = previousId ? await repo.byId(deps.db, previousId) : undefined;
  if (!previous || previous.status === 'archived') {
    throw new AppError(
      'no_previous_version',
      409,
      `model ${name} has no earlier active version to roll back to`,
    );
  }
  return promoteVersion(deps, name, previous.version, { action: 'rollback', reason });
}

export async function archiveVersion(db: Kysely<DB>, name: string, version: number) {
  const row = await getVersion(db, name, version);
  if (row.status === 'active') {
    throw new AppError(
      'model_active',
      409,
      `${name}@${version} is active: promote another version or roll back first`,
    );
  }
  await db.transaction().execute(async (trx) => {
    await repo.setStatus(trx, row.id, 'archived');
    await repo.addEvent(trx, { name, modelVersionId: row.id, action: 'archive', previousActiveId: null });
  });
  return getVersion(db, name, version);
}

/** Refuses a version whose artifact is gone, or whose files no longer hash to what was
 * registered or are inconsistent. */
export async function verifyArtifact(modelsDir: string, row: ModelVersion): Promise<void> {
  const dir = path.join(modelsDir, row.artifact_dir);
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
export async function activeProblems(
  deps: RegistryDeps,
): Promise<Array<{ model: string; code: string; message: string }>> {
  const out: Array<{ model: string; code: string; message: string }> = [];
  for (const row of await repo.list(deps.db, { status: 'active' })) {
    try {
      await verifyArtifact(deps.modelsDir, row);
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
