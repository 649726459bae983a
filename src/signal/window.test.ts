import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniformNoise } from '../../tests/helpers/signals.js';
import { initSignal, realFft } from './fft.js';
import {
  makeWindow,
  periodicWindowSums,
  WINDOW_NAMES,
  windowedBinPower,
  windowSpectrumInto,
  windowSums,
} from './window.js';

beforeAll(async () => {
  await initSignal({ backend: 'f64' }); // exactness check: compare in float64
});
afterAll(async () => {
  await initSignal({ backend: 'auto' });
});

describe('windows', () => {
  it('Hann is periodic by default and symmetric on request', () => {
    const w = makeWindow('hann', 8);
    expect(w[0]).toBe(0);
    expect(w[4]).toBeCloseTo(1, 15);
    const s = makeWindow('hann', 9, true);
    expect(s[0]).toBeCloseTo(0, 15);
    expect(s[8]).toBeCloseTo(0, 15);
  });

  it.each(WINDOW_NAMES)('closed-form sums match, %s', (name) => {
    const w = makeWindow(name, 1024);
    const direct = windowSums(w);
    const closed = periodicWindowSums(name, 1024);
    expect(closed.sum).toBeCloseTo(direct.sum, 8);
    expect(closed.sumSq).toBeCloseTo(direct.sumSq, 8);
  });

  it.each(WINDOW_NAMES.flatMap((w) => [[w, 256] as const, [w, 255] as const]))(
    'windowing in the frequency domain equals FFT(x·w), %s n = %i',
    (name, n) => {
      const x = uniformNoise(n, 11);
      const w = makeWindow(name, n);
      const bins = Math.floor(n / 2) + 1;
      const raw = new Float64Array(2 * bins);
      const direct = new Float64Array(2 * bins);
      const viaKernel = new Float64Array(2 * bins);
      realFft(n).forward(x, raw);
      realFft(n).forward(
        x.map((v, i) => v * w[i]!),
        direct,
      );
      windowSpectrumInto(name, raw, n, viaKernel);
      for (let i = 0; i < 2 * bins; i++) expect(viaKernel[i]).toBeCloseTo(direct[i]!, 10);
      for (const k of [0, 1, bins - 1]) {
        expect(windowedBinPower(name, raw, n, k)).toBeCloseTo(
          direct[2 * k]! ** 2 + direct[2 * k + 1]! ** 2,
          9,
        );
      }
    },
  );
});
