/**
 * Feature vector of one vibration window for bearing fault diagnosis: the project's versioned
 * feature set (time statistics, spectrum, band energies, envelope amplitudes at the defect
 * frequencies) plus order-normalised envelope features.
 *
 * Why the extra features: absolute amplitudes grow with fault size, load and sensor mounting, so a
 * classifier trained on 0.007 in and 0.014 in faults meets 0.021 in amplitudes it has never seen.
 * The ratio of the envelope peak at a defect order to the envelope spectrum's median (its noise
 * floor) is dimensionless and says "this defect's periodicity is present" whatever the size. They
 * are computed in two demodulation bands (the feature set's band and a wide one) because which
 * structural resonance a defect excites varies between records. Scale-like features go through
 * log so that a 10× larger fault is a shift, not an outlier.
 *
 * `ses_bpfo`, `ses_bpfi`, `ses_bsf`: the same idea done the benchmark way (cepstrum pre-whitening,
 * squared envelope spectrum over the whole analysed band, several lines per family; see
 * ses-signatures.ts). They are what the staged classifier reads to say which part is damaged.
 */
import { median } from '../../maths/order-statistics.js';
import { defectFrequencies, SKF_6205, type BearingGeometry } from '../../signal/bearing.js';
import { EnvelopeAnalyzer, peakNear, type PeakTolerance } from '../../signal/envelope.js';
import type { Band } from '../../signal/spectrum.js';
import { defineFeatureSet, type FeatureSet } from '../../features/feature-set.js';
import { FeatureExtractor } from '../../features/extract-features.js';
import { SesSignatures } from './ses-signatures.js';

/** SES family scores, in SIGNATURE_FAMILIES order (outer, inner, ball). */
const SES_FEATURES = ['ses_bpfo', 'ses_bpfi', 'ses_bsf'] as const;

/** Feature-set features that are amplitudes or energies (log-transformed, see header). */
const LOG_FEATURES = new Set([
  'std',
  'rms',
  'peak',
  'peak_to_peak',
  'velocity_rms_mm_s',
  'env_bpfo',
  'env_bpfi',
  'env_bsf',
  'env_ftf',
]);
/** Dropped: the mean is the sensor's DC offset, not the bearing's condition. */
const DROPPED_FEATURES = new Set(['mean']);

/**
 * Highest frequency analysed, as a fraction of Nyquist. A decimated record (CWRU's 48 kHz normal
 * baseline) keeps nothing above the anti-alias cut-off (0.8 × the new Nyquist, resample.ts), while
 * natively sampled records do: bands above it would tell records apart by how they were
 * resampled, not by their condition.
 */
export const ANALYSED_NYQUIST_FRACTION = 0.8;

const ORDER_KEYS = ['bpfo', 'bpfi', 'bsf', 'ftf'] as const;
const ORDER_NAMES = [...ORDER_KEYS, 'bpfi_sidebands', 'shaft'] as const;
const ORDER_HARMONICS = 3;
const ORDER_TOLERANCE: PeakTolerance = { fraction: 0.015, bins: 1 };

export interface DiagnosisFeatureOptions {
  sampleRate: number;
  windowLength: number;
  bearing?: BearingGeometry;
  /** Keeps only the features whose name passes (for ablations); all by default. */
  filter?: (name: string) => boolean;
}

export interface DiagnosisFeatures {
  readonly featureSet: FeatureSet;
  readonly names: readonly string[];
  readonly bearing: BearingGeometry;
  /**
   * Feature vector of one window (length `names.length`); shaftHz is required for the orders.
   * `bearing`: the geometry of the bearing under the sensor when it is not the default one.
   */
  extract(window: Float64Array, shaftHz: number, bearing?: BearingGeometry): Float64Array;
}

const safeLog = (v: number): number => Math.log(Math.max(v, 1e-12));

/**
 * Demodulation bands fs/12 wide every fs/24, from fs/24 up to the analysed limit (at 12 kHz: 0.5–1.5,
 * 1–2, …, 3.5–4.5 kHz). Which resonance a defect excites differs between records, so the order
 * features take the best band (max) as well as the average over bands.
 */
function diagnosisEnvelopeBands(sampleRate: number): Band[] {
  const bands: Band[] = [];
  const step = sampleRate / 24;
  const top = ANALYSED_NYQUIST_FRACTION * (sampleRate / 2);
  for (let lo = step; lo + 2 * step <= top + 1e-9; lo += step) bands.push([lo, lo + 2 * step]);
  return bands;
}

export function createDiagnosisFeatures(options: DiagnosisFeatureOptions): DiagnosisFeatures {
  const bearing = options.bearing ?? SKF_6205;
  const featureSet = defineFeatureSet({ sampleRate: options.sampleRate, windowLength: options.windowLength });
  const extractor = new FeatureExtractor(featureSet);
  const base = featureSet.featureNames
    .map((name, i) => ({ name, i }))
    .filter((f) => !DROPPED_FEATURES.has(f.name));
  const bands = diagnosisEnvelopeBands(options.sampleRate);
  const analyzers = bands.map((b) => new EnvelopeAnalyzer(options.windowLength, options.sampleRate, b));
  const allNames = [
    ...base.map((f) => (LOG_FEATURES.has(f.name) ? `log_${f.name}` : f.name)),
    ...ORDER_NAMES.flatMap((k) => [`env_order_${k}_max`, `env_order_${k}_mean`]),
    ...SES_FEATURES,
  ];
  // One per bearing geometry met (its lines differ); the buffers are per instance.
  const signatures = new Map<BearingGeometry, SesSignatures>();
  const signaturesFor = (g: BearingGeometry): SesSignatures => {
    let s = signatures.get(g);
    if (!s) {
      s = new SesSignatures(
        options.windowLength,
        options.sampleRate,
        ANALYSED_NYQUIST_FRACTION * (options.sampleRate / 2),
        g,
      );
      signatures.set(g, s);
    }
    return s;
  };
  const ses = new Float64Array(SES_FEATURES.length);
  const raw = new Float64Array(featureSet.featureNames.length);
  const full = new Float64Array(allNames.length);
  const perBand = new Float64Array(bands.length * ORDER_NAMES.length);
  const keep = allNames.map((name, i) => ({ name, i })).filter((f) => options.filter?.(f.name) ?? true);
  const names = keep.map((f) => f.name);

  return {
    featureSet,
    names,
    bearing,
    extract(window: Float64Array, shaftHz: number, geometry: BearingGeometry = bearing): Float64Array {
      extractor.extract(window, { shaftHz, bearing: geometry }, raw);
      const out = full;
      let at = 0;
      for (const f of base) {
        const v = raw[f.i]!;
        out[at++] = LOG_FEATURES.has(f.name) ? safeLog(v) : v;
      }
      const freqs = defectFrequencies(geometry, shaftHz);
      const orders = ORDER_NAMES.length;
      perBand.fill(0);
      analyzers.forEach((analyzer, b) => {
        analyzer.analyze(window, true);
        const { magnitude, binHz } = analyzer.spectrum;
        // Noise floor over the orders of interest (up to 3× BPFI), skipping the lowest bins.
        const lo = Math.max(1, Math.floor((0.5 * shaftHz) / binHz));
        const hi = Math.min(magnitude.length, Math.ceil((ORDER_HARMONICS * freqs.bpfi * 1.1) / binHz));
        const floor = Math.max(median(magnitude.subarray(lo, hi)), 1e-12);
        const ratio = (f: number): number => {
          const a = peakNear(magnitude, binHz, f, ORDER_TOLERANCE).amplitude;
          return Number.isFinite(a) ? a / floor : 1;
        };
        // Mean over harmonics of the peak-to-floor ratio, in log: 0 means "no line".
        ORDER_KEYS.forEach((key, j) => {
          let s = 0;
          for (let h = 1; h <= ORDER_HARMONICS; h++) s += ratio(h * freqs[key]);
          perBand[b * orders + j] = safeLog(s / ORDER_HARMONICS);
        });
        // An inner-race defect turns with the shaft: its lines carry ±1× shaft sidebands.
        perBand[b * orders + 4] = safeLog((ratio(freqs.bpfi - shaftHz) + ratio(freqs.bpfi + shaftHz)) / 2);
        perBand[b * orders + 5] = safeLog(ratio(shaftHz));
      });
      for (let j = 0; j < orders; j++) {
        let max = -Infinity;
        let sum = 0;
        for (let b = 0; b < analyzers.length; b++) {
          const v = perBand[b * orders + j]!;
          max = Math.max(max, v);
          sum += v;
        }
        out[at++] = max;
        out[at++] = sum / analyzers.length;
      }
      signaturesFor(geometry).scores(window, shaftHz, ses);
      for (const v of ses) out[at++] = v;
      return Float64Array.from(keep, (f) => full[f.i]!);
    },
  };
}
