/** Every query of the model registry. Returns rows; the service decides. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, ModelKind, ModelVersion } from '../db/schema.js';

type Q = Kysely<DB> | Transaction<DB>;

export interface NewModelVersionRow {
  name: string;
  version: number;
  kind: ModelKind;
  featureSet: { name: string; version: string; hash: string };
  artifactDir: string;
  artifactSha256: string;
  manifest: Record<string, unknown>;
  metrics: Record<string, unknown>;
  trainingRunId: number | null;
}

export const registryRepository = {
  /** Serialises writers of one model name (version numbering, promotion) across processes. */
  async lockName(trx: Transaction<DB>, name: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${`model:${name}`}))`.execute(trx);
  },

  async nextVersion(q: Q, name: string): Promise<number> {
    const row = await q
      .selectFrom('model_versions')
      .select((eb) => eb.fn.max('version').as('max'))
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(row?.max ?? 0) + 1;
  },

  /** The version a training run registered, if it got that far. */
  byTrainingRun(q: Q, runId: number): Promise<ModelVersion | undefined> {
    return q.selectFrom('model_versions').selectAll().where('training_run_id', '=', runId).executeTakeFirst();
  },

  insert(q: Q, r: NewModelVersionRow): Promise<ModelVersion> {
    return q
      .insertInto('model_versions')
      .values({
        name: r.name,
        version: r.version,
        kind: r.kind,
        feature_set_name: r.featureSet.name,
        feature_set_version: r.featureSet.version,
        feature_set_hash: r.featureSet.hash,
        artifact_dir: r.artifactDir,
        artifact_sha256: r.artifactSha256,
        manifest: JSON.stringify(r.manifest),
        metrics: JSON.stringify(r.metrics),
        training_run_id: r.trainingRunId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  list(q: Q, filter: { name?: string; status?: string } = {}): Promise<ModelVersion[]> {
    let query = q.selectFrom('model_versions').selectAll();
    if (filter.name) query = query.where('name', '=', filter.name);
    if (filter.status) query = query.where('status', '=', filter.status as ModelVersion['status']);
    return query.orderBy('name').orderBy('version', 'desc').execute();
  },

  get(q: Q, name: string, version: number): Promise<ModelVersion | undefined> {
    return q
      .selectFrom('model_versions')
      .selectAll()
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
  },

  byId(q: Q, id: number): Promise<ModelVersion | undefined> {
    return q.selectFrom('model_versions').selectAll().where('id', '=', id).executeTakeFirst();
  },

  active(q: Q, name: string): Promise<ModelVersion | undefined> {
    return q
      .selectFrom('model_versions')
      .selectAll()
      .where('name', '=', name)
      .where('status', '=', 'active')
      .executeTakeFirst();
  },

  async setStatus(q: Q, id: number, status: ModelVersion['status']): Promise<void> {
    await q
      .updateTable('model_versions')
      .set({
        status,
        ...(status === 'active' ? { promoted_at: new Date() } : {}),
        ...(status === 'archived' ? { archived_at: new Date() } : {}),
      })
      .where('id', '=', id)
      .execute();
  },

  async addEvent(
    q: Q,
    e: {
      name: string;
      modelVersionId: number;
      action: string;
      previousActiveId: number | null;
      reason?: string;
    },
  ): Promise<void> {
    await q
      .insertInto('model_events')
      .values({
        name: e.name,
        model_version_id: e.modelVersionId,
        action: e.action as never,
        previous_active_id: e.previousActiveId,
        reason: e.reason ?? null,
      })
      .execute();
  },

  /** Activation history, newest first: promote/rollback/auto-promote events. */
  activations(q: Q, name: string) {
    return q
      .selectFrom('model_events')
      .selectAll()
      .where('name', '=', name)
      .where('action', 'in', ['promote', 'rollback', 'auto-promote'])
      .orderBy('id', 'desc')
      .execute();
  },

  /** The run that trained a version. Read here because models/ sits below training/, whose
   * training.repository.ts writes the runs. */
  trainingRun(q: Q, id: number) {
    return q.selectFrom('training_runs').selectAll().where('id', '=', id).executeTakeFirst();
  },

  events(q: Q, name: string) {
    return q.selectFrom('model_events').selectAll().where('name', '=', name).orderBy('id', 'desc').execute();
  },
};
