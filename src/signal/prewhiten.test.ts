import { beforeAll, describe, expect, it } from 'vitest';
import { gaussianNoise, seededRandom } from '../../tests/helpers/signals.js';
import { EnvelopeAnalyzer } from './envelope.js';
import { initSignal, realFft } from './fft.js';
import { prewhitenSpectrum } from './prewhiten.js';

beforeAll(async () => {
  await initSignal();
});

describe('cepstrum pre-whitening', () => {
  it('sets every bin to unit magnitude, keeps its phase, and leaves empty bins at zero', () => {
    const raw = Float64Array.from([3, 4, 0, 0, -2, 0, 0, -0.5]);
    prewhitenSpectrum(raw);
    expect(Array.from(raw)).toEqual([0.6, 0.8, 0, 0, -1, 0, 0, -1]);
  });

  it('keeps the rate of a weak impulse train under a strong tone', () => {
    // A 3 kHz tone 10× the impacts' level plus a 100 Hz train of 3.3 kHz ringing impacts: after
    // whitening the tone is one unit bin among thousands, and the train's rate (carried by the
    // phases) is the strongest line of the squared envelope. The impacts slip by up to ±1 % as a
    // bearing's do (see ses-signatures.test.ts).
    const fs = 12_000;
    const n = 4096;
    const x = gaussianNoise(n, 7, 0.01);
    for (let i = 0; i < n; i++) x[i]! += 3 * Math.sin((2 * Math.PI * 3000 * i) / fs);
    const rnd = seededRandom(11);
    for (let t0 = 0; t0 < n; t0 += (fs / 100) * (1 + 0.02 * (rnd() - 0.5))) {
      for (let j = 0; j < 60 && t0 + j < n; j++) {
        const i = Math.floor(t0) + j;
        x[i]! += 0.3 * Math.exp(-j / 10) * Math.sin((2 * Math.PI * 3300 * j) / fs);
      }
    }
    const raw = new Float64Array(2 * (n / 2 + 1));
    realFft(n).forward(x, raw);
    prewhitenSpectrum(raw);
    const a = new EnvelopeAnalyzer(n, fs, [fs / n, 4800], 'hann', true).fromSpectrum(raw);
    const mag = a.spectrum.magnitude;
    let best = 5;
    for (let k = 5; k * a.binHz < 400; k++) if (mag[k]! > mag[best]!) best = k;
    expect(Math.abs(best * a.binHz - 100)).toBeLessThan(a.binHz * 1.01);
  });
});
