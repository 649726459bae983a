/**
 * An active health model for the soak's pumps, so that scoring runs a model as in production:
 * an autoencoder trained on healthy captures (as tests/scoring.test.ts does), registered and
 * promoted through the registry (tests/helpers/health-artifact.ts).
 */
import type { AppContext } from '../src/context.js';
import { getFeatureSet } from '../src/features/stored-feature-sets.js';
import { activeHealthModel, vibrationRows } from '../tests/helpers/health-artifact.js';

export async function promoteHealthModel(ctx: AppContext, tmp: string): Promise<void> {
  const set = getFeatureSet('prognos-vibration')!;
  const fs = set.vibration.params.sampleRate;
  const n = set.vibration.params.windowLength;
  const shaftHz = 29.93;
  const windows = Array.from({ length: 60 }, (_, k) => {
    const amp = 0.1 + 0.002 * k;
    return Float64Array.from({ length: n }, (_, i) => {
      const t = i / fs;
      return amp * Math.sin(2 * Math.PI * shaftHz * t) + 0.01 * Math.sin(i * 12.9898 + k);
    });
  });
  await activeHealthModel(ctx, 'soak-health', set, vibrationRows(set, windows, shaftHz), {
    seed: 3,
    epochs: 30,
    parent: tmp,
  });
}
