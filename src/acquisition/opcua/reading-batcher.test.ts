import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { notFound } from '../../errors.js';
import type { ReadingsService } from '../readings.service.js';
import { ReadingBatcher } from './reading-batcher.js';

type Batch = { sensorId: number; readings: Array<{ ts: number; value: number }> };

/** ReadingsService.ingestMany as a script: each call takes the next outcome. */
function fakeReadings(outcomes: Array<'ok' | Error | ((b: Batch[]) => Error | undefined)>) {
  const written: Batch[][] = [];
  const service = {
    async ingestMany(batches: Batch[]) {
      const next = outcomes.shift() ?? 'ok';
      const err = typeof next === 'function' ? next(batches) : next === 'ok' ? undefined : next;
      if (err) throw err;
      written.push(batches);
      return batches.map((b) => ({
        sensorId: b.sensorId,
        received: b.readings.length,
        inserted: b.readings.length,
        duplicates: 0,
      }));
    },
  };
  return { service: service as unknown as ReadingsService, written };
}

const t = Date.parse('2024-06-01T00:00:00Z');
const logger = pino({ level: 'silent' });

describe('ReadingBatcher', () => {
  it('writes a window of several sensors in one call, split at the batch limit', async () => {
    const { service, written } = fakeReadings([]);
    const b = new ReadingBatcher({ readings: service, windowMs: 1000, maxPerBatch: 2, logger });
    for (let i = 0; i < 3; i++) b.add(1, t + i, i);
    b.add(2, t, 9);
    await b.flush();
    expect(written).toEqual([
      [
        {
          sensorId: 1,
          readings: [
            { ts: t, value: 0 },
            { ts: t + 1, value: 1 },
          ],
        },
        { sensorId: 1, readings: [{ ts: t + 2, value: 2 }] },
        { sensorId: 2, readings: [{ ts: t, value: 9 }] },
      ],
    ]);
    expect(b.snapshot()).toMatchObject({ windowsStored: 1, inserted: 4, pending: 0 });
  });

  it('keeps a window the database refused for being down and writes it, in order, with the next', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const { service, written } = fakeReadings([down]);
    const b = new ReadingBatcher({ readings: service, windowMs: 1000, maxPerBatch: 100, logger });
    b.add(1, t, 1);
    await b.flush();
    expect(b.snapshot().pending).toBe(1);
    b.add(1, t + 1, 2);
    await b.flush();
    expect(written).toEqual([
      [
        {
          sensorId: 1,
          readings: [
            { ts: t, value: 1 },
            { ts: t + 1, value: 2 },
          ],
        },
      ],
    ]);
    expect(b.snapshot()).toMatchObject({ inserted: 2, pending: 0, rejected: {} });
  });

  it('drops only the refused sensor of a refused window, and refuses bad timestamps before they spoil one', async () => {
    const sensor2Gone = (batches: Batch[]) =>
      batches.some((x) => x.sensorId === 2) ? notFound('sensor', 2) : undefined;
    const { service, written } = fakeReadings([sensor2Gone, sensor2Gone, sensor2Gone]);
    const b = new ReadingBatcher({ readings: service, windowMs: 1000, maxPerBatch: 100, logger });
    b.add(1, t, 1);
    b.add(2, t, 2);
    b.add(3, t, 3);
    expect(b.add(1, Date.now() + 48 * 3600_000, 3)).toBe(false); // past ingestion's 24 h of clock skew
    await b.flush();
    expect(written).toEqual([
      [{ sensorId: 1, readings: [{ ts: t, value: 1 }] }],
      [{ sensorId: 3, readings: [{ ts: t, value: 3 }] }],
    ]);
    expect(b.snapshot().rejected).toEqual({ invalid_timestamp: 1, not_found: 1 });
    // The window counts once, however many sensor-by-sensor retries stored it.
    expect(b.snapshot().windowsStored).toBe(1);
  });

  it('bounds what it keeps while the database is down, dropping the oldest and counting them', async () => {
    const down = Object.assign(new Error('Connection terminated unexpectedly'), {});
    const { service, written } = fakeReadings([down]);
    const b = new ReadingBatcher({
      readings: service,
      windowMs: 1000,
      maxPerBatch: 100,
      logger,
      maxPending: 2,
    });
    b.add(1, t, 1);
    b.add(1, t + 1, 2);
    await b.flush();
    b.add(1, t + 2, 3);
    await b.flush();
    expect(written).toEqual([
      [
        {
          sensorId: 1,
          readings: [
            { ts: t + 1, value: 2 },
            { ts: t + 2, value: 3 },
          ],
        },
      ],
    ]);
    expect(b.snapshot().rejected).toEqual({ dropped_backlog: 1 });
  });
});
