/**
 * The diagnosis a forecast carries: which bearing part is suspected, how sure, and the lines that
 * say so, from the waveform of a capture (or of one feature window) at its own sample rate.
 *
 * It is the measurement `prognos eval cwru` scores: the squared envelope spectrum of the
 * pre-whitened window and each family's ln(line / local floor) scores (ses-signatures.ts, the
 * same lines, tolerances and floors as the ses_* features), tested the way stage B of the staged
 * classifier tests them (signaturePresence: robust σ above a null, the same threshold and slope).
 * What differs is where the null comes from. In eval the null is the training windows without the
 * defect; live, an asset has no labelled windows, so the null is the same line score read at
 * orders where no defect, shaft or cage line can sit, in the same spectrum: "does BPFO stand out
 * of this spectrum more than an arbitrary frequency does?". A family mean of k lines is compared
 * with σ/√k of that null (k independent noise lines average down). The dimensionless score makes
 * this independent of fault size, gain and load, as in eval.
 *
 * Families: outer race (BPFO harmonics), inner race (BPFI harmonics and ±1× shaft sidebands),
 * rolling element (BSF, 2×BSF, FTF sidebands), cage (FTF harmonics). 1× and 2× shaft lines of the
 * raw spectrum over its local floor are reported as evidence but do not decide anything: without
 * a level reference for the machine (a baseline), a strong 1× line is not by itself imbalance,
 * so imbalance, misalignment and looseness are left to rules that have one. Lines the window's
 * bins cannot separate from another family's are left out; with too few clear probes for a null
 * (a short window against a slow shaft) the answer is 'unknown', not a guess; a longer waveform
 * is then read in longer windows (maxWindowLength), the resolution the decision needs.
 */
import { defectFrequencies, type BearingGeometry } from '../../signal/bearing.js';
import { SpectrumAnalyzer } from '../../signal/spectrum.js';
import { ANALYSED_NYQUIST_FRACTION } from './diagnosis-features.js';
import { SesSignatures, signatureLines } from './ses-signatures.js';
import { DEFAULT_THRESHOLD, robustLocation, signaturePresence } from './staged-classifier.js';

export const DIAGNOSIS_FAULTS = [
  'none',
  'outer_race',
  'inner_race',
  'rolling_element',
  'cage',
  'imbalance',
  'misalignment',
  'looseness',
  'unknown',
] as const;
export type DiagnosisFault = (typeof DIAGNOSIS_FAULTS)[number];
export const DIAGNOSIS_LINES = ['BPFO', 'BPFI', 'BSF', 'FTF', '1x', '2x'] as const;
type DiagnosisLine = (typeof DIAGNOSIS_LINES)[number];

interface DiagnosisEvidence {
  line: DiagnosisLine;
  /** Frequency of the fundamental line, Hz and shaft orders. */
  hz: number;
  orders: number;
  /** Harmonic numbers (≥ 2) of the family whose own line stands out (above the threshold). */
  harmonics: number[];
  /** The fundamental over its local floor, dB (20·log10 of the magnitude ratio); null when the
   * line lies outside the analysed spectrum. */
  strengthDb: number | null;
  /** Family test: robust σ of the family mean above the null; null for 1×/2× (not tested). */
  z: number | null;
  present: boolean;
}

export interface Diagnosis {
  fault: DiagnosisFault;
  /** P(fault named) under the soft decision; for 'none', P(no family present). */
  confidence: number;
  /** Bearing families first, strongest first, then 1× and 2× shaft. */
  evidence: DiagnosisEvidence[];
  windows: number;
  sampleRateHz: number;
  shaftHz: number;
}

interface Family {
  line: DiagnosisLine;
  fault: DiagnosisFault;
  /** Fundamental order, and every line of the family (orders) with its harmonic number (0: sideband). */
  fundamental: number;
  lines: { order: number; harmonic: number }[];
}

function families(bearing: BearingGeometry): Family[] {
  const o = defectFrequencies(bearing, 1);
  const sig = signatureLines(bearing);
  const harmonicOf = (f0: number) => (order: number) => {
    const h = order / f0;
    return Math.abs(h - Math.round(h)) < 0.01 ? Math.round(h) : 0;
  };
  const tag = (orders: number[], f0: number) =>
    orders.map((order) => ({ order, harmonic: harmonicOf(f0)(order) }));
  return [
    { line: 'BPFO', fault: 'outer_race', fundamental: o.bpfo, lines: tag(sig.outer, o.bpfo) },
    { line: 'BPFI', fault: 'inner_race', fundamental: o.bpfi, lines: tag(sig.inner, o.bpfi) },
    { line: 'BSF', fault: 'rolling_element', fundamental: o.bsf, lines: tag(sig.ball, o.bsf) },
    {
      line: 'FTF',
      fault: 'cage',
      fundamental: o.ftf,
      lines: tag(
        [1, 2, 3].map((h) => h * o.ftf),
        o.ftf,
      ),
    },
  ];
}

/** Orders away from every family line, shaft harmonic and cage multiple: the null's probes. */
function nullOrders(fams: readonly Family[], top: number): number[] {
  const taken = [
    ...fams.flatMap((f) => [
      ...f.lines.map((l) => l.order),
      ...[1, 2, 3, 4, 5, 6].map((h) => h * f.fundamental),
    ]),
    ...Array.from({ length: Math.ceil(top) + 1 }, (_, i) => i + 1),
  ];
  const out: number[] = [];
  // An irrational step so the probes do not line up with any family.
  for (let order = 0.5; order <= top; order += Math.SQRT2 / 8) {
    if (taken.every((t) => Math.abs(order - t) > 0.015 * t + 0.08)) out.push(order);
  }
  return out;
}

const MIN_NULL_PROBES = 20;
const DB_PER_NEPER = 20 / Math.LN10;
const SLOPE_BETWEEN = 2;

/** One analyser per (window length, rate, geometry): SES buffers and the line plan. */
class Diagnoser {
  private readonly ses: SesSignatures;
  private readonly raw: SpectrumAnalyzer;
  private readonly fams: Family[];
  private readonly probes: number[];

  constructor(
    readonly n: number,
    readonly sampleRate: number,
    bearing: BearingGeometry,
  ) {
    this.ses = new SesSignatures(n, sampleRate, ANALYSED_NYQUIST_FRACTION * (sampleRate / 2), bearing);
    this.raw = new SpectrumAnalyzer(n, sampleRate);
    this.fams = families(bearing);
    const top = Math.max(...this.fams.flatMap((f) => f.lines.map((l) => l.order)));
    this.probes = nullOrders(this.fams, top * 1.05);
  }

  /** Line scores of one window: families' lines (flattened), null probes, then 1× and 2× shaft. */
  scores(window: Float64Array | Float32Array, shaftHz: number): Float64Array {
    const { magnitude, binHz } = this.ses.spectrum(window);
    const out: number[] = [];
    for (const f of this.fams)
      for (const l of f.lines) out.push(this.ses.lineScore(magnitude, binHz, l.order * shaftHz));
    for (const p of this.probes) out.push(this.ses.lineScore(magnitude, binHz, p * shaftHz));
    this.raw.analyze(window);
    for (const h of [1, 2]) out.push(this.ses.lineScore(this.raw.magnitude, this.raw.binHz, h * shaftHz));
    return Float64Array.from(out);
  }

  decide(mean: Float64Array, windows: number, shaftHz: number, threshold: number): Diagnosis {
    let at = 0;
    const perFamily = this.fams.map((f) => {
      const s = mean.subarray(at, at + f.lines.length);
      at += f.lines.length;
      return s;
    });
    // Resolution: the peak search reaches a bin either side, so a line within two bins of a line
    // of another family (a probe within 1.5 bins of any line) cannot be told apart from it, and
    // a line below three bins sits in the envelope's DC skirt. Those are left out of the test.
    const binHz = this.sampleRate / this.n;
    const lineHz = this.fams.map((f) => f.lines.map((l) => l.order * shaftHz));
    const shaftLines = Array.from({ length: 40 }, (_, i) => (i + 1) * shaftHz);
    const apart = (hz: number, others: readonly number[], bins = 2) =>
      others.every((o) => Math.abs(hz - o) > Math.max(bins * binHz, 0.02 * Math.max(hz, o)));
    const usable = lineHz.map((hzs, j) =>
      hzs.map((hz) => hz >= 3 * binHz && apart(hz, lineHz.filter((_, k) => k !== j).flat())),
    );
    const allLines = [...lineHz.flat(), ...shaftLines];
    const nulls = this.probes
      .map((p, i) => (apart(p * shaftHz, allLines, 1.5) ? mean[at + i]! : NaN))
      .filter(Number.isFinite);
    at += this.probes.length;
    const shaft = [mean[at]!, mean[at + 1]!];
    const base = { windows, sampleRateHz: this.sampleRate, shaftHz };
    const shaftEvidence: DiagnosisEvidence[] = [1, 2].map((h, i) => ({
      line: h === 1 ? '1x' : '2x',
      hz: round(h * shaftHz, 2),
      orders: h,
      harmonics: [],
      strengthDb: decibels(shaft[i]!),
      z: null,
      present: false,
    }));
    if (nulls.length < MIN_NULL_PROBES) {
      return { fault: 'unknown', confidence: 0, evidence: shaftEvidence, ...base };
    }
    const { median: center, scale } = robustLocation(Float64Array.from(nulls));
    const tested = this.fams.map((f, j) => {
      const lines = f.lines
        .map((l, i) => ({ ...l, score: usable[j]![i] ? perFamily[j]![i]! : NaN }))
        .filter((l) => Number.isFinite(l.score));
      if (lines.length === 0) return null;
      const familyMean = lines.reduce((a, l) => a + l.score, 0) / lines.length;
      const z = (familyMean - center) / (scale / Math.sqrt(lines.length));
      const fundamental = lines.find((l) => l.harmonic === 1);
      const evidence: DiagnosisEvidence = {
        line: f.line,
        hz: round(f.fundamental * shaftHz, 2),
        orders: round(f.fundamental, 3),
        harmonics: lines
          .filter((l) => l.harmonic >= 2 && (l.score - center) / scale > threshold)
          .map((l) => l.harmonic),
        strengthDb: decibels(fundamental?.score ?? NaN),
        z: round(z, 2),
        present: z > threshold,
      };
      return { fault: f.fault, z, p: signaturePresence(z, threshold), evidence };
    });
    const valid = tested.filter((t): t is NonNullable<typeof t> => t !== null).sort((a, b) => b.z - a.z);
    const evidence = [...valid.map((t) => t.evidence), ...shaftEvidence];
    if (valid.length === 0) return { fault: 'unknown', confidence: 0, evidence, ...base };
    const [best, second] = valid;
    if (!best!.evidence.present) {
      const pNone = valid.reduce((p, t) => p * (1 - t.p), 1);
      return { fault: 'none', confidence: round(pNone, 3), evidence, ...base };
    }
    // As in stage B: when two families stand out, the larger z wins softly.
    const wins = second ? 1 / (1 + Math.exp(-SLOPE_BETWEEN * (best!.z - second.z))) : 1;
    const confidence = best!.p * (second ? 1 - second.p + second.p * wins : 1);
    return { fault: best!.fault, confidence: round(confidence, 3), evidence, ...base };
  }
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;
/** ln ratio → dB, one decimal; null for a line outside the spectrum. */
const decibels = (neper: number): number | null =>
  Number.isFinite(neper) ? round(neper * DB_PER_NEPER, 1) : null;

const diagnosers = new Map<string, Diagnoser>();
function diagnoserFor(n: number, sampleRate: number, bearing: BearingGeometry): Diagnoser {
  const key = `${n}|${sampleRate}|${bearing.nBalls}|${bearing.ballDiameter}|${bearing.pitchDiameter}|${bearing.contactAngleDeg}`;
  let d = diagnosers.get(key);
  if (!d) {
    // A handful of (rate, window, geometry) combinations in a fleet; bound it anyway.
    if (diagnosers.size >= 64) diagnosers.clear();
    diagnosers.set(key, (d = new Diagnoser(n, sampleRate, bearing)));
  }
  return d;
}

export interface DiagnoseOptions {
  sampleRateHz: number;
  shaftHz: number;
  bearing: BearingGeometry;
  /** Samples per analysed window (the feature set's window length). */
  windowLength: number;
  /** At most this many consecutive windows are averaged (default 8). */
  maxWindows?: number;
  /**
   * When the answer is 'unknown' (the bins cannot separate the lines, or leave too few probes for
   * a null: no test was made), it is read again on windows twice as long, while the waveform and
   * this many samples allow: the finest resolution needed, no finer (a line smeared by slip or a
   * shaft speed off its nominal value is a reason not to go finer). Default: `windowLength` only.
   */
  maxWindowLength?: number;
  threshold?: number;
}

/**
 * Diagnosis of a waveform: line scores averaged over its whole windows, then the family test.
 * Needs the signal/ FFT initialised (initSignal). Null when no whole window fits or the shaft
 * speed is unknown.
 */
export function diagnoseWaveform(samples: ArrayLike<number>, o: DiagnoseOptions): Diagnosis | null {
  let d = diagnoseWindows(samples, o, o.windowLength);
  const limit = Math.min(o.maxWindowLength ?? o.windowLength, samples.length);
  for (let n = 2 * o.windowLength; d?.fault === 'unknown' && n <= limit; n *= 2)
    d = diagnoseWindows(samples, o, n);
  return d;
}

function diagnoseWindows(samples: ArrayLike<number>, o: DiagnoseOptions, n: number): Diagnosis | null {
  const windows = Math.min(o.maxWindows ?? 8, Math.floor(samples.length / n));
  if (windows < 1 || !(o.shaftHz > 0) || !(o.sampleRateHz > 0)) return null;
  const d = diagnoserFor(n, o.sampleRateHz, o.bearing);
  const buf = new Float64Array(n);
  let sum: Float64Array | null = null;
  for (let w = 0; w < windows; w++) {
    for (let i = 0; i < n; i++) buf[i] = Number(samples[w * n + i]);
    const s = d.scores(buf, o.shaftHz);
    if (!sum) sum = new Float64Array(s.length);
    for (let i = 0; i < s.length; i++) sum[i]! += s[i]! / windows;
  }
  return d.decide(sum!, windows, o.shaftHz, o.threshold ?? DEFAULT_THRESHOLD);
}
