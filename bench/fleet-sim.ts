/**
 * The simulated pump fleet the live-loop benches stream (live-loop-lag.ts, fleet-stream.ts):
 * each pump's vibration captures (shaft line, a harmonic, noise growing with wear, two feature
 * windows a capture), its asset and sensors created through the API, and the health model the
 * loop scores with, trained on healthy captures of the same signal.
 */
import type { Kysely } from 'kysely';
import type { AppContext } from '../src/context.js';
import type { DB } from '../src/db/schema.js';
import { getFeatureSet } from '../src/features/stored-feature-sets.js';
import { createRng } from '../src/maths/random.js';
import { BEARING_MM, RPM } from '../tests/helpers/feature-fixtures.js';
import { activeHealthModel, vibrationRows } from '../tests/helpers/health-artifact.js';

export const RATE = 12_000;
export const SET = getFeatureSet('prognos-vibration')!;
/** What the loop extracts for a pump that has a temperature sensor too. */
export const TEMPERATURE_SET = getFeatureSet('prognos-vibration-temperature')!;
export const WINDOW = SET.vibration.params.windowLength;
/** Two windows, two forecasts per capture. */
export const SAMPLES = 2 * WINDOW;

/** A pump's vibration: shaft line, its harmonics, noise; amplitude growing slowly with wear. */
export function capture(seed: number, wear: number): Float32Array {
  const rng = createRng(seed);
  const shaft = RPM / 60;
  const out = new Float32Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    const t = i / RATE;
    out[i] =
      0.3 * Math.sin(2 * Math.PI * shaft * t) +
      0.1 * Math.sin(4 * Math.PI * shaft * t) +
      (0.05 + 0.02 * wear) * (rng() - 0.5);
  }
  return out;
}

/**
 * Registers and promotes the health model the loop scores the fleet with: on the vibration set,
 * or, for pumps with a temperature sensor (the loop then extracts the temperature set), on that
 * set with the temperatures the fleet streams (40 to 45 °C, flat).
 */
export async function fleetHealthModel(
  ctx: Pick<AppContext, 'models'>,
  name: string,
  opts: { temperature?: boolean } = {},
) {
  const set = opts.temperature ? TEMPERATURE_SET : SET;
  const rng = createRng(2);
  const healthy = vibrationRows(
    SET,
    Array.from({ length: 64 }, (_, k) => Float64Array.from(capture(10_000 + k, 0).subarray(0, WINDOW))),
    RPM / 60,
  ).map((row) =>
    opts.temperature ? [...row, 42.5 + rng() - 0.5, 44.5 + rng(), rng() - 0.5, rng() - 0.5] : row,
  );
  return activeHealthModel(ctx, name, set, healthy, { seed: 1, epochs: 20 });
}

/** POSTs a JSON body to an API path; the status and parsed answer. */
export type PostJson = (url: string, payload: unknown) => Promise<{ statusCode: number; body: string }>;

/** One pump through the API: the asset, its vibration sensor and, with `temperature`, a
 * temperature sensor; `ref` becomes both externalRefs' stem (the MQTT topic's levels). */
export async function createPump(
  post: PostJson,
  n: number,
  opts: { ref?: string; temperature?: boolean } = {},
): Promise<{ assetId: number; vibration: number; temperature?: number }> {
  const asset = await post('/v1/assets', {
    name: `bench pump ${n}`,
    type: 'pump',
    ...(opts.ref ? { externalRef: opts.ref } : {}),
    nominalSpeedRpm: RPM,
    bearing: {
      nBalls: BEARING_MM.nBalls,
      ballDiameterMm: BEARING_MM.ballDiameter,
      pitchDiameterMm: BEARING_MM.pitchDiameter,
    },
  });
  if (asset.statusCode !== 201) throw new Error(`asset: ${asset.statusCode} ${asset.body}`);
  const assetId = (JSON.parse(asset.body) as { id: number }).id;
  const sensor = async (payload: Record<string, unknown>) => {
    const res = await post(`/v1/assets/${assetId}/sensors`, payload);
    if (res.statusCode !== 201) throw new Error(`sensor: ${res.statusCode} ${res.body}`);
    return (JSON.parse(res.body) as { id: number }).id;
  };
  const vibration = await sensor({ name: 'de', kind: 'vibration', unit: 'g', sampleRateHz: RATE });
  if (!opts.temperature) return { assetId, vibration };
  const temperature = await sensor({ name: 'temp', kind: 'temperature', unit: '°C' });
  return { assetId, vibration, temperature };
}

/** The live loop's forecasts (those carrying an input key), their lags (scored_at − the data's
 * storage time) sorted, and the last commit. */
export async function loopForecasts(db: Kysely<DB>) {
  const rows = await db
    .selectFrom('forecasts')
    .select(['scored_at', 'data_received_at', 'health_index'])
    .where('input_key', 'is not', null)
    .execute();
  const lags = rows.map((r) => r.scored_at.getTime() - r.data_received_at!.getTime()).sort((x, y) => x - y);
  return { rows, lags, lastScored: Math.max(...rows.map((r) => r.scored_at.getTime())) };
}
