import { defectFrequencies, type BearingGeometry } from '../signal/bearing.js';
import { EnvelopeAnalyzer } from '../signal/envelope.js';
import { realFft } from '../signal/fft.js';
import { bandBins, SpectrumAnalyzer } from '../signal/spectrum.js';
import { timeStatsInto, TIME_STAT_COUNT } from '../signal/stats.js';
import { velocityWeights } from '../signal/velocity.js';
import { windowCoefficients, windowedBinPower } from '../signal/window.js';
import type { FeatureSet } from './feature-set.js';

export interface FeatureContext {
  set: FeatureSet;
  /** Shaft speed of this window; env_* are NaN without it. */
  shaftHz?: number | null;
  bearing?: BearingGeometry | null;
  /** Reused output vector (length = set.featureNames.length). */
  out?: Float64Array;
}

/**
 * Extracts one feature vector per window with preallocated buffers: one real FFT of the window
 * feeds the windowed spectrum (window applied in the frequency domain), velocity, band energies
 * and the envelope band-pass; one inverse complex FFT gives the analytic signal and one real FFT
 * the envelope spectrum. Not re-entrant: use one extractor per concurrent caller.
 */
export class FeatureExtractor {
  readonly size: number;
  private readonly spectrum: SpectrumAnalyzer;
  private readonly envelope: EnvelopeAnalyzer | null;
  private readonly velocity: Float64Array;
  private readonly velocityStart: number;
  private readonly velocityEnd: number;
  private readonly bandRanges: Int32Array;
  private readonly spectralAt: number;
  private readonly bandAt: number;
  private readonly envAt: number;

  constructor(readonly set: FeatureSet) {
    const p = set.params;
    this.size = set.featureNames.length;
    this.spectrum = new SpectrumAnalyzer(p.windowLength, p.sampleRate, p.window);
    const { bins, binHz } = this.spectrum;
    this.velocity = velocityWeights(bins, binHz, p.velocityBand);
    this.velocityStart = this.velocity.findIndex((w) => w > 0);
    this.velocityEnd = this.velocity.findLastIndex((w) => w > 0) + 1;
    this.bandRanges = new Int32Array(p.bands.flatMap((b) => bandBins(b, binHz, bins)));
    this.envelope = p.envelope
      ? new EnvelopeAnalyzer(p.windowLength, p.sampleRate, p.envelope.band, p.envelope.window)
      : null;
    this.spectralAt = TIME_STAT_COUNT;
    this.bandAt = this.spectralAt + 4;
    this.envAt = this.bandAt + p.bands.length;
  }

  extract(
    window: Float64Array | Float32Array,
    context: { shaftHz?: number | null; bearing?: BearingGeometry | null } = {},
    out: Float64Array = new Float64Array(this.size),
  ): Float64Array {
    const n = this.set.params.windowLength;
    if (window.length !== n) throw new RangeError(`window must hold ${n} samples, got ${window.length}`);
    // The stats' second pass writes x − mean straight into the FFT's input buffer.
    timeStatsInto(window, out, 0, n, realFft(n).input());
    const sp = this.spectrum;
    sp.executeRaw();
    this.spectralFeatures(out);
    const { bandRanges, bandAt } = this;
    const power = sp.power;
    for (let b = 0; b < bandRanges.length / 2; b++) {
      let s = 0;
      for (let k = bandRanges[2 * b]!; k < bandRanges[2 * b + 1]!; k++) s += power[k]!;
      out[bandAt + b] = s;
    }
    if (this.envelope) this.envelopeFeatures(out, context.shaftHz, context.bearing);
    return out;
  }

  private spectralFeatures(out: Float64Array): void {
    const sp = this.spectrum;
    const { power, binHz, raw, n, ampScale, powScale, window } = sp;
    const coeffs = windowCoefficients(window);
    const bins = power.length;
    // Hann/Hamming are windowed inline (3-tap kernel, see window.ts); other windows and the
    // Nyquist bin go through windowedBinPower.
    const inlineEnd = coeffs.length === 2 ? Math.floor(n / 2) : 1;
    const a0 = coeffs[0]!;
    const c = coeffs.length === 2 ? -coeffs[1]! / 2 : 0;
    let bestM = -1;
    let best = 1;
    let sumKMag = 0;
    let sumMag = 0;
    let sumP = 0;
    let sumPlogP = 0;
    // One fused pass over bins 1..n/2: window, power, magnitude, dominant, centroid, entropy.
    // Kept branch-free inside: a generic-window branch in this loop made V8 emit code ~2x slower.
    for (let k = 1; k < inlineEnd; k++) {
      const i = 2 * k;
      const re = a0 * raw[i]! + c * (raw[i - 2]! + raw[i + 2]!);
      const im = a0 * raw[i + 1]! + c * (raw[i - 1]! + raw[i + 3]!);
      const sq = re * re + im * im;
      const p = sq * powScale;
      power[k] = p;
      const m = Math.sqrt(sq) * ampScale;
      if (m > bestM) {
        bestM = m;
        best = k;
      }
      sumKMag += k * m;
      sumMag += m;
      if (p > 0) {
        sumP += p;
        sumPlogP += p * Math.log(p);
      }
    }
    for (let k = Math.max(1, inlineEnd); k < bins; k++) {
      const edge = 2 * k === n ? 0.5 : 1; // Nyquist has no mirror image (spectrum.ts)
      const sq = windowedBinPower(window, raw, n, k);
      const p = sq * powScale * edge;
      power[k] = p;
      const m = Math.sqrt(sq) * ampScale * edge;
      if (m > bestM) {
        bestM = m;
        best = k;
      }
      sumKMag += k * m;
      sumMag += m;
      if (p > 0) {
        sumP += p;
        sumPlogP += p * Math.log(p);
      }
    }
    let v = 0;
    const w = this.velocity;
    for (let k = this.velocityStart; k < this.velocityEnd; k++) v += power[k]! * w[k]!;
    const at = this.spectralAt;
    out[at] = Math.sqrt(v);
    out[at + 1] = best * binHz;
    out[at + 2] = sumMag > 0 ? (sumKMag / sumMag) * binHz : NaN;
    out[at + 3] = sumP > 0 && bins > 2 ? (Math.log(sumP) - sumPlogP / sumP) / Math.log(bins - 1) : NaN;
  }

  private envelopeFeatures(
    out: Float64Array,
    shaftHz: number | null | undefined,
    bearing: BearingGeometry | null | undefined,
  ): void {
    const at = this.envAt;
    const env = this.set.params.envelope!;
    if (!bearing || !(typeof shaftHz === 'number' && shaftHz > 0)) {
      out.fill(NaN, at, at + 4);
      return;
    }
    // Only the ~50 envelope-spectrum bins the defect searches read are windowed and measured.
    const a = this.envelope!.fromSpectrum(this.spectrum.raw, false);
    const f = defectFrequencies(bearing, shaftHz);
    out[at] = a.defectAmplitude(f.bpfo, env.harmonics, env.tolerance);
    out[at + 1] = a.defectAmplitude(f.bpfi, env.harmonics, env.tolerance);
    out[at + 2] = a.defectAmplitude(f.bsf, env.harmonics, env.tolerance);
    out[at + 3] = a.defectAmplitude(f.ftf, env.harmonics, env.tolerance);
  }
}

const extractors = new WeakMap<FeatureSet, FeatureExtractor>();

/** Feature vector of one window in `context.set.featureNames` order (extractor cached per set). */
export function extractFeatures(window: Float64Array | Float32Array, context: FeatureContext): Float64Array {
  let ex = extractors.get(context.set);
  if (!ex) {
    ex = new FeatureExtractor(context.set);
    extractors.set(context.set, ex);
  }
  return ex.extract(window, context, context.out);
}

/** Names → values, for JSON output and debugging. */
export function featureRecord(set: FeatureSet, values: Float64Array): Record<string, number> {
  const rec: Record<string, number> = {};
  set.featureNames.forEach((name, i) => (rec[name] = values[i]!));
  return rec;
}
