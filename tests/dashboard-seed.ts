/**
 * A small fleet for the dashboard tests: three running assets, a vibration sensor with
 * outer-race-fault captures and a temperature sensor on the first, forecasts inserted directly,
 * one open work-order suggestion (through the maintenance repository) and one maintenance event;
 * beside them a pump that failed ten days ago (its last forecasts at 100 % risk, as a dead
 * machine's are) and a fan silent for two days against its hourly rhythm (offline).
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../src/db/schema.js';
import { lockSuggestionWrites, suggestionsRepository } from '../src/maintenance/suggestions.repository.js';
import { defectFrequencies } from '../src/signal/bearing.js';
import { diagnoseWaveform } from '../src/state/diagnosis/diagnose.js';
import { isoZone } from '../src/state/iso20816.js';
import { gaussianNoise } from './helpers/signals.js';

const HOUR = 3_600_000;
const SAMPLE_RATE = 12_000;
export const CAPTURE_SAMPLES = 8_192;
const RPM = 1796;
export const FORECASTS_A = 24;
export const READINGS = 48;
/** SKF 6205 in mm: the CWRU drive-end bearing, whose ratio SKF_6205 stores in inches. */
const BEARING = { nBalls: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 };
export const BPFO = defectFrequencies(
  { nBalls: 9, ballDiameter: 7.94, pitchDiameter: 39.04, contactAngleDeg: 0 },
  RPM / 60,
).bpfo;

/** Impacts at BPFO ringing a 3.5 kHz resonance, in noise: what an outer-race spall looks like. */
function outerRaceSignal(seed: number): number[] {
  const x = gaussianNoise(CAPTURE_SAMPLES, seed, 0.05);
  const period = SAMPLE_RATE / BPFO;
  for (let t0 = 0; t0 < CAPTURE_SAMPLES; t0 += period) {
    const start = Math.round(t0);
    for (let i = 0; i < 240 && start + i < CAPTURE_SAMPLES; i++) {
      x[start + i]! += Math.exp(-i / 40) * Math.sin((2 * Math.PI * 3500 * i) / SAMPLE_RATE);
    }
  }
  return Array.from(x, (v) => Math.round(v * 1e5) / 1e5);
}

async function post(app: FastifyInstance, url: string, payload: unknown, headers = {}) {
  const res = await app.inject({ method: 'POST', url, payload: payload as object, headers });
  if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json() as { id: number };
}

export interface Seeded {
  pump: number;
  fan: number;
  motor: number;
  vibration: number;
  temperature: number;
  suggestion: number;
  end: number;
  failed: number;
  failedAt: number;
  offline: number;
}

export async function seedFleet(app: FastifyInstance, db: Kysely<DB>, headers = {}): Promise<Seeded> {
  const asset = (body: Record<string, unknown>) => post(app, '/v1/assets', body, headers);
  const pump = (
    await asset({
      name: 'Pump P-101',
      type: 'pump',
      site: 'North',
      isoMachineGroup: 2,
      isoFoundation: 'rigid',
      nominalSpeedRpm: RPM,
      bearing: BEARING,
      temperatureBaselineC: 45,
    })
  ).id;
  const fan = (
    await asset({
      name: 'Fan F-7',
      type: 'fan',
      site: 'South',
      isoMachineGroup: 1,
      isoFoundation: 'flexible',
    })
  ).id;
  const motor = (
    await asset({
      name: 'Motor M-3',
      type: 'motor',
      site: 'North',
      isoMachineGroup: 2,
      isoFoundation: 'flexible',
    })
  ).id;
  const sensor = (body: Record<string, unknown>) => post(app, `/v1/assets/${pump}/sensors`, body, headers);
  const vibration = (
    await sensor({ name: 'DE accelerometer', kind: 'vibration', unit: 'g', sampleRateHz: SAMPLE_RATE })
  ).id;
  const temperature = (await sensor({ name: 'DE bearing temperature', kind: 'temperature', unit: '°C' })).id;

  // Whole hours, ending an hour ago: inside the ingest window. The fleet clock is this end (the
  // newest data), so the running assets' "last data" reads "0 min ago".
  const end = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
  for (let i = 0; i < 3; i++) {
    await post(
      app,
      `/v1/sensors/${vibration}/captures`,
      {
        ts: new Date(end - (2 - i) * 6 * HOUR).toISOString(),
        sampleRateHz: SAMPLE_RATE,
        samples: outerRaceSignal(i + 1),
      },
      headers,
    );
  }
  const readings = Array.from({ length: READINGS }, (_, i) => ({
    ts: new Date(end - (READINGS - 1 - i) * HOUR).toISOString(),
    value: 45 + i * 0.25 + Math.sin(i / 3),
  }));
  await post(app, `/v1/sensors/${temperature}/readings`, { readings }, headers);

  const lineage = {
    featureSet: { name: 'prognos-vibration', version: 1, hash: 'ab12cd34ef56ab12cd34ef56' },
    models: [{ name: 'rul-bearing', version: 3, kind: 'rul' }],
    inputs: { captureId: 3 },
    riskDriver: 'ISO zone C',
  };
  // The diagnosis scoring would give the pump's capture (the seed inserts forecasts directly).
  const diagnosis = JSON.stringify(
    diagnoseWaveform(outerRaceSignal(1), {
      sampleRateHz: SAMPLE_RATE,
      shaftHz: RPM / 60,
      bearing: { nBalls: 9, ballDiameter: 7.94, pitchDiameter: 39.04, contactAngleDeg: 0 },
      windowLength: 4096,
    }),
  );
  const rows = [];
  for (let i = 0; i < FORECASTS_A; i++) {
    const v = 1.0 + (2.3 * i) / (FORECASTS_A - 1);
    const rul = 900 - i * 25;
    rows.push(
      forecast(pump, end - (FORECASTS_A - 1 - i) * HOUR, {
        health_index: 0.92 - i * 0.02,
        velocity_rms_mm_s: v,
        iso_zone: isoZone(v, 2, 'rigid'),
        rul_hours: rul,
        rul_lower_hours: rul * 0.7,
        rul_upper_hours: rul * 1.3,
        rul_interval_level: 0.9,
        failure_probability: 0.05 + i * 0.012,
        risk: 0.2 + i * 0.02,
        contributions: JSON.stringify([
          { feature: 'env_bpfo', share: 0.55, z: 6.1 },
          { feature: 'kurtosis', share: 0.25, z: 3.2 },
          { feature: 'velocity_rms_mm_s', share: 0.2, z: 2.4 },
        ]),
        lineage: JSON.stringify(lineage),
        diagnosis,
      }),
    );
  }
  rows.push(
    ...hourly(fan, end, { velocity_rms_mm_s: 1.1, iso_zone: 'A', risk: 0.1, health_index: 0.95 }),
    ...hourly(motor, end, { velocity_rms_mm_s: 3.0, iso_zone: 'B', risk: 0.3, health_index: 0.8 }),
  );
  await db.insertInto('forecasts').values(rows).execute();

  const suggestion = await db.transaction().execute(async (tx) => {
    await lockSuggestionWrites(tx);
    return suggestionsRepository.insert(tx, pump, 'VIB', {
      failure_mechanism: '1.2',
      component: 'drive-end bearing',
      rules: ['bearing-envelope'],
      priority: 2,
      title: 'Outer-race defect on the drive-end bearing',
      description: 'Envelope amplitude at BPFO is 4x its baseline.',
      recommended_action: 'Inspect and plan bearing replacement',
      due_at: new Date(end + 7 * 24 * HOUR),
      evidence: { envBpfo: 0.4 },
      forecast_ids: [],
    });
  });
  await db
    .insertInto('maintenance_events')
    .values({
      asset_id: pump,
      kind: 'inspection',
      component: 'drive-end bearing',
      description: 'Noise reported',
      occurred_at: new Date(end - 30 * 24 * HOUR),
      work_order_ref: 'WO-1000',
    })
    .execute();
  const { failed, failedAt, offline } = await outOfService(app, db, end, headers);
  return { pump, fan, motor, vibration, temperature, suggestion, end, failed, failedAt, offline };
}

/** A pump that failed ten days before `end` (reported by the CMMS) and a fan silent for two days. */
async function outOfService(app: FastifyInstance, db: Kysely<DB>, end: number, headers: object) {
  const failed = (await post(app, '/v1/assets', { name: 'Pump P-102', type: 'pump', site: 'North' }, headers))
    .id;
  const offline = (await post(app, '/v1/assets', { name: 'Fan F-9', type: 'fan', site: 'South' }, headers))
    .id;
  const failedAt = end - 10 * 24 * HOUR;
  const rows = [
    ...hourly(failed, failedAt, {
      velocity_rms_mm_s: 14,
      iso_zone: 'D',
      risk: 1,
      health_index: 0,
      rul_hours: 0,
    }),
    ...hourly(offline, end - 2 * 24 * HOUR, { iso_zone: 'A', risk: 0.6 }),
  ];
  await db.insertInto('forecasts').values(rows).execute();
  await post(
    app,
    '/v1/maintenance-events',
    {
      assetId: failed,
      kind: 'failure',
      component: 'drive-end bearing',
      failureMode: 'VIB',
      occurredAt: new Date(failedAt).toISOString(),
      workOrderRef: 'WO-2001',
    },
    headers,
  );
  return { failed, failedAt, offline };
}

/** Ten hourly forecasts of the asset, the last at `last`. */
function hourly(assetId: number, last: number, f: Record<string, unknown>) {
  return Array.from({ length: 10 }, (_, i) => forecast(assetId, last - (9 - i) * HOUR, f));
}

function forecast(assetId: number, at: number, f: Record<string, unknown>) {
  return {
    asset_id: assetId,
    as_of: new Date(at),
    scored_at: new Date(at),
    anomaly_score: 0.1,
    risk: 0.1,
    lineage: JSON.stringify({ models: [] }),
    source: 'api' as const,
    indicators: JSON.stringify({}),
    contributions: JSON.stringify([]),
    ...f,
  };
}
