/**
 * The active models that serve a feature set, loaded once and kept until the registry's active
 * version changes. Scoring asks this on every request, so the registry is re-read at most every
 * `refreshMs`; a model whose artifact fails to load is skipped (logged) and the others still
 * score, so one broken artifact never takes scoring down.
 */
import type * as tf from '../tf/tfjs.js';
import type { Logger } from 'pino';
import type { ModelKind, ModelVersion } from '../db/schema.js';
import { initBackend } from '../tf/backend.js';
import { loadFailureModel } from '../prognostics/failure/failure-store.js';
import { loadHealthModel } from '../health/health-store.js';
import { loadRulModel } from '../prognostics/rul/rul-store.js';
import type { ModelRegistry } from '../models/registry.service.js';

export type LoadedActive =
  | {
      kind: 'health';
      row: ModelVersion;
      model: tf.LayersModel;
      manifest: Awaited<ReturnType<typeof loadHealthModel>>['manifest'];
    }
  | {
      kind: 'rul';
      row: ModelVersion;
      model: tf.LayersModel;
      manifest: Awaited<ReturnType<typeof loadRulModel>>['manifest'];
    }
  | {
      kind: 'failure';
      row: ModelVersion;
      model: tf.LayersModel;
      manifest: Awaited<ReturnType<typeof loadFailureModel>>['manifest'];
    };

const LOADERS: Partial<
  Record<ModelKind, (dir: string) => Promise<{ model: tf.LayersModel; manifest: unknown }>>
> = {
  health: loadHealthModel,
  rul: loadRulModel,
  failure: loadFailureModel,
};

export class ActiveModels {
  private readonly loaded = new Map<number, LoadedActive>();
  private readonly failed = new Set<number>();
  private active: ModelVersion[] = [];
  private readAt = 0;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly registry: ModelRegistry,
    private readonly logger?: Logger,
    private readonly refreshMs = 2_000,
  ) {}

  /** Active models trained on the feature set with this hash, one per kind at most. */
  async forFeatureSet(hash: string): Promise<LoadedActive[]> {
    if (Date.now() - this.readAt > this.refreshMs) await this.refresh();
    const out: LoadedActive[] = [];
    for (const row of this.active) {
      if (row.feature_set_hash !== hash || this.failed.has(row.id)) continue;
      const m = this.loaded.get(row.id) ?? (await this.load(row));
      if (m) out.push(m);
    }
    return out;
  }

  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      this.active = await this.registry.list({ status: 'active' });
      this.readAt = Date.now();
      const ids = new Set(this.active.map((r) => r.id));
      for (const [id, m] of this.loaded) {
        if (!ids.has(id)) {
          m.model.dispose();
          this.loaded.delete(id);
        }
      }
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async load(row: ModelVersion): Promise<LoadedActive | undefined> {
    const loader = LOADERS[row.kind];
    if (!loader) return undefined;
    try {
      await initBackend();
      // Verifies the artifact hash and the feature set before any weights are read.
      const { dir } = await this.registry.load(row.name, {
        version: row.version,
        featureSetHash: row.feature_set_hash,
      });
      const { model, manifest } = await loader(dir);
      const m = { kind: row.kind, row, model, manifest } as LoadedActive;
      this.loaded.set(row.id, m);
      return m;
    } catch (err) {
      this.failed.add(row.id);
      this.logger?.error(
        { err, model: `${row.name}@${row.version}` },
        'active model could not be loaded; scoring without it',
      );
      return undefined;
    }
  }

  close(): void {
    for (const m of this.loaded.values()) m.model.dispose();
    this.loaded.clear();
  }
}
