import { SpectrumAnalyzer, type Band } from './spectrum.js';
import type { WindowName } from './window.js';

/** Standard gravity, m/s² per g. */
export const STANDARD_GRAVITY = 9.80665;

/** ISO 20816 broadband velocity range for machines running at 600–12 000 rpm. */
export const ISO_VELOCITY_BAND: Band = [10, 1000];

/**
 * Per-bin weights turning an acceleration power spectrum in g² into a velocity power spectrum in
 * (mm/s)²: integration in the frequency domain divides the amplitude by 2πf. Bins outside the
 * band get weight 0, which is the ideal band-pass ISO 20816 asks for.
 */
export function velocityWeights(bins: number, binHz: number, band: Band = ISO_VELOCITY_BAND): Float64Array {
  const w = new Float64Array(bins);
  const mmPerG = STANDARD_GRAVITY * 1000;
  for (let k = 1; k < bins; k++) {
    const f = k * binHz;
    if (f < band[0] || f > band[1]) continue;
    const gain = mmPerG / (2 * Math.PI * f);
    w[k] = gain * gain;
  }
  return w;
}

/** Velocity RMS (mm/s) from a one-sided power spectrum in g² (see SpectrumAnalyzer.power). */
function velocityRmsFromPower(power: Float64Array, weights: Float64Array): number {
  let s = 0;
  for (let k = 0; k < power.length; k++) s += power[k]! * weights[k]!;
  return Math.sqrt(s);
}

/**
 * Velocity RMS in mm/s over `band` (default 10–1000 Hz) of an acceleration signal in g. The
 * window's power is corrected by its noise bandwidth, so a steady sine reads its true RMS.
 */
export function velocityRms(
  accelG: Float64Array | Float32Array,
  sampleRate: number,
  band: Band = ISO_VELOCITY_BAND,
  window: WindowName = 'hann',
): number {
  const a = new SpectrumAnalyzer(accelG.length, sampleRate, window).analyze(accelG);
  return velocityRmsFromPower(a.power, velocityWeights(a.bins, a.binHz, band));
}
