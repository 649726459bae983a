/**
 * Bearing defect signatures read the way the Smith & Randall (2015) CWRU benchmark reads them:
 * cepstrum pre-whitening of the window (signal/prewhiten.ts), then the squared envelope spectrum
 * (SES) over the whole analysed band, then, per defect family, how far its lines stand out of the
 * SES's local noise floor.
 *
 * Why these choices, as a diagnostician would make them:
 * - pre-whitening removes the discrete components (shaft harmonics, 6× lines, resonances) that
 *   otherwise dominate the raw envelope (IR014 read as "no BPFI" in the 2–5 kHz raw envelope
 *   because of them) and makes band selection unnecessary;
 * - the score of a line is ln(peak / median of the SES around it): dimensionless, so a 0.021 in
 *   fault and a 0.007 in fault both read "line present" and a classifier trained on two sizes
 *   cannot learn amplitude; lines are in shaft orders (shaft speed from the record's RPM), so the
 *   same score means the same thing at 1730 rpm and at 1797 rpm;
 * - each family averages several lines (harmonics and, for the inner race, the ±1× shaft
 *   sidebands of its rotating load modulation), which raises the line-to-noise contrast of a
 *   short window;
 * - a line of one race family that coincides with a line of the other (on the 6205, 3×BPFO =
 *   10.75 and 2×BPFI = 10.83 orders) is dropped from both: it would say "defect" without saying
 *   which.
 */
import { median } from '../../maths/order-statistics.js';
import { defectFrequencies, type BearingGeometry } from '../../signal/bearing.js';
import { EnvelopeAnalyzer, peakNear, type PeakTolerance } from '../../signal/envelope.js';
import { prewhitenSpectrum } from '../../signal/prewhiten.js';
import { SpectrumAnalyzer } from '../../signal/spectrum.js';

const SIGNATURE_FAMILIES = ['outer', 'inner', 'ball'] as const;
export type SignatureFamily = (typeof SIGNATURE_FAMILIES)[number];

/** Lines closer than this (relative) to a line of the other race family are ambiguous. */
const COLLISION = 0.02;
const PEAK_TOLERANCE: PeakTolerance = { fraction: 0.01, bins: 1 };
/** Local floor: median of the SES within ±20 % of the line (at least ±10 bins). */
const FLOOR_FRACTION = 0.2;
const FLOOR_MIN_BINS = 10;

/** Lines of each family in shaft orders (multiples of the shaft frequency). */
export function signatureLines(bearing: BearingGeometry): Record<SignatureFamily, number[]> {
  const o = defectFrequencies(bearing, 1);
  const outer = [1, 2, 3, 4].map((h) => h * o.bpfo);
  const inner = [...[1, 2, 3].map((h) => h * o.bpfi), o.bpfi - 1, o.bpfi + 1];
  // A ball defect strikes both races once per spin turn (bsf = 2 × spin) and is carried round
  // by the cage: cage (FTF) sidebands.
  const ball = [o.bsf, 2 * o.bsf, o.bsf - o.ftf, o.bsf + o.ftf];
  const clash = (f: number, others: number[]): boolean =>
    others.some((g) => Math.abs(f - g) < COLLISION * Math.max(f, g));
  return {
    outer: outer.filter((f) => !clash(f, inner)),
    inner: inner.filter((f) => !clash(f, outer)),
    ball,
  };
}

/** Per-window family scores; one instance per window length and rate (buffers are reused). */
export class SesSignatures {
  readonly lines: Record<SignatureFamily, number[]>;
  private readonly analyzer: EnvelopeAnalyzer;
  /** Only its raw (unwindowed, mean-removed) DFT is used: the input of the whitening. */
  private readonly dft: SpectrumAnalyzer;

  /** `topHz`: highest frequency analysed (content above it is not trusted, see diagnosis-features). */
  constructor(
    readonly n: number,
    readonly sampleRate: number,
    topHz: number,
    bearing: BearingGeometry,
  ) {
    this.lines = signatureLines(bearing);
    // From bin 1: the whitened DC bin carries no information.
    this.analyzer = new EnvelopeAnalyzer(n, sampleRate, [sampleRate / n, topHz], 'hann', true);
    this.dft = new SpectrumAnalyzer(n, sampleRate);
  }

  /** SES magnitude of the pre-whitened window (valid until the next call). */
  spectrum(window: Float64Array | Float32Array): { magnitude: Float64Array; binHz: number } {
    this.dft.transformRaw(window);
    prewhitenSpectrum(this.dft.raw);
    this.analyzer.fromSpectrum(this.dft.raw, true);
    return { magnitude: this.analyzer.spectrum.magnitude, binHz: this.analyzer.binHz };
  }

  /** ln(peak / local floor) of one line at `hz`; NaN when it is outside the spectrum. */
  lineScore(magnitude: Float64Array, binHz: number, hz: number): number {
    const peak = peakNear(magnitude, binHz, hz, PEAK_TOLERANCE).amplitude;
    if (!Number.isFinite(peak)) return NaN;
    const half = Math.max(FLOOR_FRACTION * hz, FLOOR_MIN_BINS * binHz);
    const lo = Math.max(1, Math.ceil((hz - half) / binHz));
    const hi = Math.min(magnitude.length - 1, Math.floor((hz + half) / binHz));
    const floor = median(magnitude.subarray(lo, hi + 1));
    return Math.log(Math.max(peak, 1e-300) / Math.max(floor, 1e-300));
  }

  /** Mean line score per family (SIGNATURE_FAMILIES order) into `out`. */
  scores(window: Float64Array | Float32Array, shaftHz: number, out = new Float64Array(3)): Float64Array {
    const { magnitude, binHz } = this.spectrum(window);
    SIGNATURE_FAMILIES.forEach((family, j) => {
      let s = 0;
      let count = 0;
      for (const order of this.lines[family]) {
        const v = this.lineScore(magnitude, binHz, order * shaftHz);
        if (Number.isFinite(v)) {
          s += v;
          count++;
        }
      }
      out[j] = count > 0 ? s / count : 0;
    });
    return out;
  }
}
