/**
 * An active health model for the soak's pumps, so that scoring runs a model as in production:
 * an autoencoder trained on healthy captures (as tests/scoring.test.ts does), registered and
 * promoted through the registry.
 */
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../src/context.js';
import { FeatureExtractor } from '../src/features/feature-set.js';
import { getFeatureSet } from '../src/features/registry.js';
import { trainHealthModel } from '../src/ml/health/health-model.js';
import { saveHealthModel } from '../src/ml/health/health-store.js';

export async function promoteHealthModel(ctx: AppContext, tmp: string): Promise<void> {
  const set = getFeatureSet('prognos-vibration')!;
  const fs = set.vibration.params.sampleRate;
  const n = set.vibration.params.windowLength;
  const ex = new FeatureExtractor(set.vibration);
  const shaftHz = 29.93;
  const healthy: number[][] = [];
  for (let k = 0; k < 60; k++) {
    const amp = 0.1 + 0.002 * k;
    const x = Float64Array.from({ length: n }, (_, i) => {
      const t = i / fs;
      return amp * Math.sin(2 * Math.PI * shaftHz * t) + 0.01 * Math.sin(i * 12.9898 + k);
    });
    healthy.push(
      Array.from(
        ex.extract(x, {
          shaftHz,
          bearing: { nBalls: 9, ballDiameter: 7.94, pitchDiameter: 39.04, contactAngleDeg: 0 },
        }),
      ),
    );
  }
  const { model, manifest } = await trainHealthModel({
    featureNames: set.featureNames,
    featureSet: { name: set.name, version: set.version, hash: set.hash },
    healthy,
    seed: 3,
    epochs: 30,
  });
  const dir = mkdtempSync(path.join(tmp, 'health-'));
  await saveHealthModel(dir, model, manifest);
  await ctx.models.register({ name: 'soak-health', sourceDir: dir });
  await ctx.models.promote('soak-health', 1);
}
