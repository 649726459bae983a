/**
 * The live loop: stored captures and readings become feature rows, forecasts and work-order
 * advice with no manual call. Ingestion marks the asset in the storing transaction
 * (acquisition/ingest-marks.repository.ts) and wakes it here after commit; the wake-up enqueues
 * the asset's `refresh-asset` job, debounced, and `refreshAsset` does the work. At-least-once:
 * the mark outlives a lost wake-up or a failed job, and the scheduled `refresh-pending` finds it.
 * Idempotent: extraction rewrites its range, and each forecast carries its input key.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { IngestHook } from '../acquisition/ingest-hook.js';
import { ingestMarksRepository, type IngestMark } from '../acquisition/ingest-marks.repository.js';
import type { DB } from '../db/schema.js';
import { AppError } from '../errors.js';
import { listSensors } from '../features/features.repository.js';
import { extractForAsset, MAX_CAPTURE_SPAN_MS } from '../features/features.service.js';
import { DEFAULT_STORED_FEATURE_SET, featureSetForRate } from '../features/stored-feature-sets.js';
import { JOBS } from '../jobs/names.js';
import { inStage } from '../metrics.js';
import type { JobQueue } from '../jobs/types.js';
import type { ScoringService } from './scoring.service.js';
import { scoringRepository } from './scoring.repository.js';

const PAGE = 200;

/** Enqueues each woken asset's refresh, `debounceMs` after the first data of a burst. */
export function liveLoopHook(jobs: () => JobQueue, debounceMs: number, logger?: Logger): IngestHook {
  return {
    stored(assetIds) {
      for (const assetId of new Set(assetIds)) {
        jobs()
          .enqueue(
            JOBS.refreshAsset,
            { assetId },
            { debounceKey: String(assetId), ...(debounceMs > 0 ? { delayMs: debounceMs } : {}) },
          )
          // The data and its mark are stored: refresh-pending enqueues it once the queue is back.
          .catch((err: unknown) =>
            logger?.debug({ err, assetId }, 'live loop: refresh not queued; the scheduled sweep will'),
          );
      }
    },
  };
}

export interface RefreshResult {
  assetId: number;
  /** False when no mark was pending (the work was done by an earlier job). */
  pending: boolean;
  rowsWritten: number;
  scored: number;
  /** Rows whose forecast with these inputs and models was stored already. */
  skipped: number;
  /** False when data arrived during the refresh: the mark stays, and the next job takes it. */
  cleared: boolean;
}

/**
 * The feature-row range a mark's data may touch. Windows of a new capture start within it (its
 * span runs to its end); a reading may change the temperature or speed context of windows up to
 * a capture length around it.
 */
function refreshRange(m: IngestMark): { from: Date; to: Date } | undefined {
  const froms: number[] = [];
  const tos: number[] = [];
  if (m.capture_from && m.capture_to) {
    froms.push(m.capture_from.getTime());
    tos.push(m.capture_to.getTime() + MAX_CAPTURE_SPAN_MS);
  }
  if (m.reading_from && m.reading_to) {
    froms.push(m.reading_from.getTime() - MAX_CAPTURE_SPAN_MS);
    tos.push(m.reading_to.getTime() + MAX_CAPTURE_SPAN_MS);
  }
  if (froms.length === 0) return undefined;
  return { from: new Date(Math.min(...froms)), to: new Date(Math.max(...tos) + 1) };
}

/**
 * The feature sets an asset's captures are extracted with: per sample rate of its vibration
 * sensors, the set of that rate, with temperature features when the asset has a temperature
 * sensor (featureSetForRate, as live scoring picks one). A sensor with no configured rate gets
 * the default set; a rate no set serves, none.
 */
function featureSetsFor(sensors: ReadonlyArray<{ kind: string; sample_rate_hz: number | null }>): string[] {
  const withTemperature = sensors.some((s) => s.kind === 'temperature');
  const out = new Set<string>();
  for (const s of sensors) {
    if (s.kind !== 'vibration') continue;
    if (s.sample_rate_hz === null) {
      out.add(DEFAULT_STORED_FEATURE_SET);
      continue;
    }
    const pick = featureSetForRate(s.sample_rate_hz, withTemperature);
    if (pick) out.add(pick.name);
  }
  return [...out];
}

export async function refreshAsset(
  deps: { db: Kysely<DB>; scoring: ScoringService },
  assetId: number,
  signal?: AbortSignal,
): Promise<RefreshResult> {
  const result: RefreshResult = {
    assetId,
    pending: false,
    rowsWritten: 0,
    scored: 0,
    skipped: 0,
    cleared: false,
  };
  const mark = await ingestMarksRepository.get(deps.db, assetId);
  if (!mark) return result;
  result.pending = true;
  const range = refreshRange(mark);
  const sets = range ? featureSetsFor(await listSensors(deps.db, assetId)) : [];
  for (const set of sets) {
    let extracted;
    try {
      extracted = await inStage('extract', () =>
        extractForAsset(deps.db, {
          assetId,
          ...range!,
          featureSet: set,
          ...(signal ? { signal } : {}),
        }),
      );
    } catch (err) {
      // Deleted meanwhile: its mark went with it (ON DELETE CASCADE).
      if (err instanceof AppError && err.statusCode === 404) return result;
      throw err;
    }
    result.rowsWritten += extracted.rowsWritten;
    const featureSetId = extracted.featureSet.id;
    await inStage('score', async () => {
      let after: { windowStart: Date; sensorId: number } | null = null;
      for (;;) {
        signal?.throwIfAborted();
        const page = await scoringRepository.rowsBetween(deps.db, {
          assetId,
          featureSetId,
          ...range!,
          after,
          limit: PAGE,
          captureSpanMs: MAX_CAPTURE_SPAN_MS,
        });
        const r = await deps.scoring.scoreKeyedRows(page, { receivedAt: mark.last_received_at, signal });
        result.scored += r.scored;
        result.skipped += r.skipped;
        if (page.length < PAGE) break;
        const last = page.at(-1)!;
        after = { windowStart: last.window_start, sensorId: Number(last.sensor_id) };
      }
    });
  }
  // The advice (work-order rules) follows each committed batch: wait for it, so a finished
  // refresh means forecasts and suggestions are both stored.
  if (result.scored > 0) await deps.scoring.settled();
  result.cleared = await ingestMarksRepository.clear(deps.db, assetId, mark.version);
  return result;
}
