/**
 * What the dashboard plots for the latest capture: the amplitude spectrum, the envelope
 * spectrum, and where the bearing defect frequencies and their harmonics fall. Pure (typed
 * arrays in, plain numbers out) so the markers are computed once, here, with src/signal, rather
 * than re-derived in the browser.
 */
import { DEFECT_KEYS, defectFrequencies, type BearingGeometry, type DefectKey } from '../signal/bearing.js';
import { envelopeSpectrum, peakNear } from '../signal/envelope.js';
import { magnitudeSpectrum } from '../signal/spectrum.js';

/** Longest window transformed: enough resolution for a dashboard, bounded work per request. */
const MAX_WINDOW = 16_384;
/** Points per plotted spectrum at most; above it bins are max-pooled so peaks survive. */
const MAX_POINTS = 2_048;
const HARMONICS = 3;

interface Marker {
  defect: DefectKey;
  label: string;
  harmonic: number;
  hz: number;
  /** Largest envelope-spectrum amplitude within ±max(2 %, 1 bin) of hz. */
  amplitude: number | null;
}

interface Series {
  hz: number[];
  amplitude: number[];
}

export interface AssetSpectrum {
  windowSamples: number;
  binHz: number;
  spectrum: Series;
  envelope: Series & { bandHz: [number, number] };
  defects: Record<DefectKey, number> | null;
  markers: Marker[];
}

const round = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(5)) : 0);

/** Bins 1..last (DC dropped), max-pooled down to at most MAX_POINTS points. */
function pool(magnitude: Float64Array, binHz: number, lastBin: number): Series {
  const bins = Math.max(0, Math.min(lastBin, magnitude.length - 1));
  const step = Math.max(1, Math.ceil(bins / MAX_POINTS));
  const out: Series = { hz: [], amplitude: [] };
  for (let k = 1; k <= bins; k += step) {
    let best = k;
    for (let j = k + 1; j < Math.min(k + step, bins + 1); j++) if (magnitude[j]! > magnitude[best]!) best = j;
    out.hz.push(round(best * binHz));
    out.amplitude.push(round(magnitude[best]!));
  }
  return out;
}

export const MIN_SPECTRUM_SAMPLES = 16;

export function assetSpectrum(
  samples: Float32Array,
  sampleRate: number,
  machine: { shaftHz: number | null; bearing: BearingGeometry | null },
): AssetSpectrum {
  const n = Math.min(samples.length, MAX_WINDOW);
  if (n < MIN_SPECTRUM_SAMPLES)
    throw new RangeError(`a capture needs at least ${MIN_SPECTRUM_SAMPLES} samples, got ${samples.length}`);
  const x = samples.subarray(0, n);
  const nyquist = sampleRate / 2;
  const spec = magnitudeSpectrum(x, sampleRate);
  // The default feature set's resonance band (feature-set.ts), so the plot matches env_* features.
  const band: [number, number] = [sampleRate / 6, (5 * sampleRate) / 12];
  const env = envelopeSpectrum(x, sampleRate, band);

  const defects =
    machine.bearing && machine.shaftHz && machine.shaftHz > 0
      ? defectFrequencies(machine.bearing, machine.shaftHz)
      : null;
  const highest = defects ? Math.max(...DEFECT_KEYS.map((k) => defects[k])) * HARMONICS : 0;
  // Envelope spectra are read at low frequencies: show a little beyond the highest marker.
  const envMaxHz = Math.min(nyquist, Math.max(500, highest * 1.15));
  const markers: Marker[] = [];
  if (defects) {
    for (const key of DEFECT_KEYS) {
      for (let h = 1; h <= HARMONICS; h++) {
        const hz = defects[key] * h;
        if (hz >= envMaxHz) continue;
        const peak = peakNear(env.magnitude, env.binHz, hz).amplitude;
        markers.push({
          defect: key,
          label: h === 1 ? key.toUpperCase() : `${h}×${key.toUpperCase()}`,
          harmonic: h,
          hz: round(hz),
          amplitude: Number.isFinite(peak) ? round(peak) : null,
        });
      }
    }
  }
  return {
    windowSamples: n,
    binHz: spec.binHz,
    spectrum: pool(spec.magnitude, spec.binHz, spec.magnitude.length - 1),
    envelope: { ...pool(env.magnitude, env.binHz, Math.floor(envMaxHz / env.binHz)), bandHz: band },
    defects: defects
      ? {
          bpfo: round(defects.bpfo),
          bpfi: round(defects.bpfi),
          bsf: round(defects.bsf),
          ftf: round(defects.ftf),
        }
      : null,
    markers,
  };
}
