import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEMTO_TEMP_SATURATION_C, parseFemtoTempCsv } from '../src/acquisition/formats/femto.js';
import { QUALITY_FLAGS as F, UNUSABLE_FLAGS } from '../src/acquisition/quality.js';
import { createAsset, createSensor, startApp, type Page, type TestCtx } from './acquisition-helpers.js';
import { sampleDir } from './helpers/datasets.js';
import { gaussianNoise } from './helpers/signals.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');

describe('data quality report and flags', () => {
  let ctx: TestCtx;
  let app: FastifyInstance;
  let assetId: number;
  beforeAll(async () => {
    ({ ctx, app } = await startApp());
    assetId = await createAsset(app);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const ingest = async (id: number, readings: Array<{ ts: number; value: number }>) => {
    for (let i = 0; i < readings.length; i += 5_000) {
      const res = await app.inject({
        method: 'POST',
        url: `/v1/sensors/${id}/readings`,
        payload: { readings: readings.slice(i, i + 5_000) },
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
    }
  };
  const allReadings = async (id: number) => {
    const out: Array<{ ts: string; value: number; qualityFlags: number }> = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = cursor ? { limit: '1000', cursor } : { limit: '1000' };
      const body = (await app.inject({ url: `/v1/sensors/${id}/readings`, query })).json() as Page<{
        ts: string;
        value: number;
        qualityFlags: number;
      }>;
      out.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    return out;
  };

  it('reports known gaps, duplicates, stuck values, spikes and out-of-range values, and recompute stores the flags', async () => {
    const id = await createSensor(app, assetId, { rangeMin: 0, rangeMax: 100, sampleRateHz: 1 });
    const noise = gaussianNoise(2000, 42, 0.1);
    const readings: Array<{ ts: number; value: number }> = [];
    for (let i = 0; i < 2000; i++) {
      if ((i >= 500 && i < 510) || (i >= 1200 && i < 1300)) continue;
      let v = 50 + 2 * Math.sin((2 * Math.PI * i) / 300) + noise[i]!;
      if (i >= 800 && i < 830) v = 51.234;
      if (i === 300 || i === 1500) v += 15;
      if (i === 1700) v = 150;
      readings.push({ ts: T0 + i * 1000, value: v });
    }
    await ingest(id, readings);
    await ingest(id, readings.slice(0, 25)); // a retried part: 25 duplicates

    const report = (await app.inject(`/v1/sensors/${id}/quality`)).json();
    expect(report.readings).toMatchObject({
      samples: 1890,
      duplicatesDropped: 25,
      outOfRange: 1,
      gaps: { count: 2, largestMs: 101_000, largestIntervals: 101, missingSamples: 110 },
      stuck: { runs: 1, samples: 30, longestRun: 30 },
      spikes: 3,
      sampling: { irregular: false },
      usable: { samples: 1890 - 30 - 3 },
    });
    // Only the range check ran at ingestion: the window checks are pending until recompute.
    expect(report.readings.storedFlagsStale).toBe(2 + 30 + 3);
    expect((await allReadings(id)).filter((r) => r.qualityFlags !== 0)).toHaveLength(1);

    const re = await app.inject({ method: 'POST', url: `/v1/sensors/${id}/quality/recompute` });
    expect(re.statusCode).toBe(200);
    expect(re.json().readings).toMatchObject({ analysed: 1890, updated: 35 });
    const stored = await allReadings(id);
    const flagged = (bit: number) =>
      stored.filter((r) => r.qualityFlags & bit).map((r) => (Date.parse(r.ts) - T0) / 1000);
    expect(flagged(F.STUCK)).toEqual(Array.from({ length: 30 }, (_, i) => 800 + i));
    expect(flagged(F.SPIKE)).toEqual([300, 1500, 1700]);
    expect(flagged(F.GAP_BEFORE)).toEqual([510, 1300]);
    expect(flagged(F.OUT_OF_RANGE)).toEqual([1700]);
    expect((await app.inject(`/v1/sensors/${id}/quality`)).json().readings.storedFlagsStale).toBe(0);

    // A window: counts only its rows, and recompute of a sub-window leaves others alone.
    const sub = (
      await app.inject({
        url: `/v1/sensors/${id}/quality`,
        query: { from: String(T0 + 790_000), to: String(T0 + 840_000) },
      })
    ).json();
    expect(sub.readings).toMatchObject({ samples: 50, stuck: { runs: 1, samples: 30 }, gaps: { count: 0 } });
    const bad = await app.inject({
      url: `/v1/sensors/${id}/quality`,
      query: { from: String(T0 + 1), to: String(T0) },
    });
    expect(bad.json().error.code).toBe('invalid_window');
    expect((await app.inject('/v1/sensors/999999/quality')).statusCode).toBe(404);
  });

  it('flags the saturated FEMTO Bearing2_7 temperature sensor (committed sample)', async () => {
    const id = await createSensor(app, assetId, {
      name: 'Bearing2_7 temperature',
      unit: '°C',
      rangeMin: -40,
      rangeMax: 150,
      sampleRateHz: 10,
    });
    const base = Date.parse('2012-01-01T00:00:00Z');
    const readings: Array<{ ts: number; value: number }> = [];
    for (const file of ['temp_00001.csv', 'temp_00038.csv']) {
      const s = parseFemtoTempCsv(
        readFileSync(`${sampleDir('femto-sample')}/Bearing2_7/${file}`, 'utf8'),
        file,
      );
      s.timeSec.forEach((t, i) =>
        readings.push({ ts: base + Math.round(t * 1000), value: Math.round(s.celsius[i]! * 1000) / 1000 }),
      );
    }
    await ingest(id, readings);
    const pinned = readings.filter((r) => r.value >= FEMTO_TEMP_SATURATION_C).length;
    const implausible = readings.filter((r) => r.value > 150).length;
    expect(pinned).toBe(44);

    const report = (await app.inject(`/v1/sensors/${id}/quality`)).json();
    expect(report.readings.samples).toBe(737);
    expect(report.readings.outOfRange).toBe(implausible);
    expect(report.readings.saturated.values).toEqual([1254.005]);
    expect(report.readings.saturated.samples).toBeGreaterThanOrEqual(pinned);
    expect(report.readings.gaps.count).toBe(1);
    expect(report.readings.usable.share).toBeLessThan(0.6);

    await app.inject({ method: 'POST', url: `/v1/sensors/${id}/quality/recompute` });
    const stored = await allReadings(id);
    const pinnedRows = stored.filter((r) => r.value >= FEMTO_TEMP_SATURATION_C);
    expect(
      pinnedRows.every(
        (r) => (r.qualityFlags & (F.SATURATED | F.OUT_OF_RANGE)) === (F.SATURATED | F.OUT_OF_RANGE),
      ),
    ).toBe(true);
    // What feature extraction will see: nothing above the physical range survives.
    const usable = stored.filter((r) => (r.qualityFlags & UNUSABLE_FLAGS) === 0);
    expect(usable.every((r) => r.value <= 150)).toBe(true);
    expect(usable.length).toBe(report.readings.usable.samples);
  });
});
