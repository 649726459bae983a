/** Every query on training_runs. */
import { sql, type Kysely } from 'kysely';
import type { DB, ModelKind, TrainingRun, TrainingStatus } from '../db/schema.js';

export const trainingRepository = {
  create(
    db: Kysely<DB>,
    r: { modelName: string; kind: ModelKind; params: Record<string, unknown> },
  ): Promise<TrainingRun> {
    return db
      .insertInto('training_runs')
      .values({ model_name: r.modelName, kind: r.kind, params: JSON.stringify(r.params) })
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  get(db: Kysely<DB>, id: number): Promise<TrainingRun | undefined> {
    return db.selectFrom('training_runs').selectAll().where('id', '=', id).executeTakeFirst();
  },

  list(db: Kysely<DB>, f: { modelName?: string; limit: number; beforeId?: number }): Promise<TrainingRun[]> {
    let q = db.selectFrom('training_runs').selectAll();
    if (f.modelName) q = q.where('model_name', '=', f.modelName);
    if (f.beforeId) q = q.where('id', '<', f.beforeId);
    return q.orderBy('id', 'desc').limit(f.limit).execute();
  },

  async setJob(db: Kysely<DB>, id: number, jobId: string): Promise<void> {
    await db.updateTable('training_runs').set({ job_id: jobId }).where('id', '=', id).execute();
  },

  /** False when the run was cancelled meanwhile. A retried attempt starts over: its epochs
   * are those of this attempt only. */
  async start(db: Kysely<DB>, id: number): Promise<boolean> {
    const r = await db
      .updateTable('training_runs')
      .set((eb) => ({
        status: 'running',
        started_at: new Date(),
        epochs: '[]',
        error: null,
        finished_at: null,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', '=', id)
      .where('status', '<>', 'cancelled')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },

  async progress(db: Kysely<DB>, id: number, progress: Record<string, unknown>): Promise<void> {
    await db
      .updateTable('training_runs')
      .set({ progress: JSON.stringify(progress) })
      .where('id', '=', id)
      .execute();
  },

  async appendEpoch(db: Kysely<DB>, id: number, epoch: Record<string, unknown>): Promise<void> {
    await db
      .updateTable('training_runs')
      .set({ epochs: sql`epochs || ${JSON.stringify([epoch])}::jsonb` as never })
      .where('id', '=', id)
      .execute();
  },

  async finish(
    db: Kysely<DB>,
    id: number,
    r: {
      status: TrainingStatus;
      metrics?: Record<string, unknown>;
      dataRange?: Record<string, unknown>;
      error?: string | null;
      modelVersionId?: number | null;
    },
  ): Promise<void> {
    await db
      .updateTable('training_runs')
      .set({
        status: r.status,
        finished_at: new Date(),
        ...(r.metrics ? { metrics: JSON.stringify(r.metrics) } : {}),
        ...(r.dataRange ? { data_range: JSON.stringify(r.dataRange) } : {}),
        ...(r.error !== undefined ? { error: r.error } : {}),
        ...(r.modelVersionId !== undefined ? { model_version_id: r.modelVersionId } : {}),
      })
      .where('id', '=', id)
      .execute();
  },
};
