import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { getFeatureSet } from '../src/features/stored-feature-sets.js';
import { initSignal } from '../src/signal/fft.js';
import { createTestContext } from './helpers/context.js';
import { activeHealthModel, vibrationRows } from './helpers/health-artifact.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;
const SET = getFeatureSet('prognos-vibration')!;
const FS = SET.vibration.params.sampleRate; // 12 kHz
const N = SET.vibration.params.windowLength;

/** 1× shaft sine of `amp` g plus outer-race impulses that ring at 3 kHz, `defect` g each. */
function capture(amp: number, defect: number, seed = 1): number[] {
  const shaftHz = 29.93;
  const bpfo = 3.5848 * shaftHz;
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.02;
  return Array.from({ length: 2 * N }, (_, i) => {
    const t = i / FS;
    const since = t % (1 / bpfo);
    return (
      amp * Math.sin(2 * Math.PI * shaftHz * t) +
      defect * Math.exp(-since * 800) * Math.sin(2 * Math.PI * 3000 * since) +
      rnd()
    );
  });
}

describe('live scoring', () => {
  let ctx: Ctx;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let assetId: number;
  beforeAll(async () => {
    await initSignal();
    ctx = await createTestContext();
    app = await buildApp(ctx);
    const asset = await ctx.database.db
      .insertInto('assets')
      .values({
        name: 'Pump P-101',
        type: 'pump',
        site: 'north',
        iso_machine_group: 2,
        iso_foundation: 'rigid',
        nominal_speed_rpm: 1796,
        bearing_n_balls: 9,
        bearing_ball_diameter_mm: 7.94,
        bearing_pitch_diameter_mm: 39.04,
        bearing_contact_angle_deg: 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    assetId = asset.id;
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const score = (payload: unknown) =>
    app.inject({ method: 'POST', url: '/v1/score', payload: payload as object });

  it('scores a capture without models: ISO zone, indicators and lineage, stored before the 200', async () => {
    const res = await score({
      assetId,
      featureSet: 'prognos-vibration',
      capture: { ts: '2026-01-01T00:00:00Z', sampleRateHz: FS, samples: capture(0.3, 0.5) },
    });
    expect(res.statusCode).toBe(200);
    const f = res.json();
    expect(['A', 'B', 'C', 'D']).toContain(f.isoZone);
    expect(f.velocityRmsMmS).toBeGreaterThan(0);
    expect(f.indicators.env_bpfo).toBeGreaterThan(f.indicators.env_bpfi);
    expect(f.lineage.featureSet.hash).toBe(SET.hash);
    expect(f.lineage.models).toEqual([]);
    expect(f.rul).toBeNull();
    const row = await ctx.database.db
      .selectFrom('forecasts')
      .selectAll()
      .where('id', '=', f.id)
      .executeTakeFirstOrThrow();
    expect(row.risk).toBeCloseTo(f.risk, 10);
  });

  it('uses the active health model for the feature set: anomaly and top contributors', async () => {
    // Healthy = small shaft vibration, no defect; train, register, promote.
    const windows = Array.from({ length: 60 }, (_, k) =>
      Float64Array.from(capture(0.1 + 0.002 * k, 0, k + 2).slice(0, N)),
    );
    const healthy = vibrationRows(SET, windows, 29.93);
    await activeHealthModel(ctx, 'pump-health', SET, healthy, { seed: 3, epochs: 30 });
    await new Promise((r) => setTimeout(r, 2100)); // the active-model cache re-reads the registry
    const ok = (
      await score({
        assetId,
        featureSet: 'prognos-vibration',
        capture: { ts: '2026-01-02T00:00:00Z', sampleRateHz: FS, samples: capture(0.12, 0) },
      })
    ).json();
    const bad = (
      await score({
        assetId,
        featureSet: 'prognos-vibration',
        capture: { ts: '2026-01-03T00:00:00Z', sampleRateHz: FS, samples: capture(0.12, 2.0) },
      })
    ).json();
    expect(ok.lineage.models).toEqual([{ name: 'pump-health', version: 1, kind: 'health' }]);
    expect(bad.anomalyScore).toBeGreaterThan(ok.anomalyScore);
    expect(bad.healthIndex).toBeLessThan(ok.healthIndex);
    expect(bad.contributions.length).toBeGreaterThan(0);
    expect(bad.risk).toBeGreaterThanOrEqual(ok.risk);
  });

  it('group-commits concurrent requests: every 200 is a stored row', async () => {
    const before = await ctx.database.db
      .selectFrom('forecasts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        score({
          assetId,
          featureSet: 'prognos-vibration',
          features: { rms: 0.1 + i / 1000, velocity_rms_mm_s: 1 + i / 10 },
        }),
      ),
    );
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    const ids = new Set(results.map((r) => r.json().id));
    expect(ids.size).toBe(40);
    const after = await ctx.database.db
      .selectFrom('forecasts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(40);
  });

  it('reads the latest health with trend, the history paged, and the fleet ranking', async () => {
    const health = await app.inject(`/v1/assets/${assetId}/health?trend=5`);
    expect(health.statusCode).toBe(200);
    expect(health.json().trend).toHaveLength(5);
    const seen = new Set<number>();
    let cursor: string | null = null;
    do {
      const res = await app.inject(
        `/v1/assets/${assetId}/forecasts?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      );
      const body = res.json() as { items: { id: number }[]; nextCursor: string | null };
      for (const f of body.items) {
        expect(seen.has(f.id)).toBe(false);
        seen.add(f.id);
      }
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(43);
    const fleet = await app.inject('/v1/fleet/risk?site=north');
    expect(fleet.json().items).toHaveLength(1);
    expect((await app.inject('/v1/fleet/risk?site=south')).json().items).toHaveLength(0);
  });

  it('refuses bad input with the field named, writing nothing', async () => {
    const count = async () =>
      Number(
        (
          await ctx.database.db
            .selectFrom('forecasts')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const cases: Array<[unknown, number, RegExp]> = [
      [{ assetId: 999999, features: { rms: 1 } }, 404, /asset 999999/],
      [{ assetId }, 400, /capture, readings or features/],
      [
        {
          assetId,
          featureSet: 'prognos-vibration',
          capture: { ts: '2026-01-01T00:00:00Z', sampleRateHz: FS, samples: [1, 2, 3] },
        },
        400,
        /at least 4096 samples/,
      ],
      [
        {
          assetId,
          featureSet: 'prognos-vibration',
          capture: { ts: '2026-01-01T00:00:00Z', sampleRateHz: 8000, samples: capture(1, 0) },
        },
        400,
        /sampleRateHz must be 12000/,
      ],
      [
        { assetId, capture: { ts: 'yesterday', sampleRateHz: FS, samples: capture(1, 0) } },
        400,
        /capture\.ts/,
      ],
      [
        { assetId, capture: { ts: '2026-01-01T00:00:00Z', sampleRateHz: FS, samples: ['x'] } },
        400,
        /capture\/samples\/0/,
      ],
      [
        { assetId, featureSet: 'prognos-vibration', features: { not_a_feature: 1 } },
        400,
        /features\.not_a_feature/,
      ],
      [{ assetId, featureSet: 'nope', features: { rms: 1 } }, 400, /featureSet "nope"/],
      [{ assetId: 'x', features: {} }, 400, /assetId/],
    ];
    for (const [payload, status, message] of cases) {
      const res = await score(payload);
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(status);
      expect(res.json().error.message).toMatch(message);
    }
    expect(await count()).toBe(before);
  });
});
