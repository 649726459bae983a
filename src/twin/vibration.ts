/**
 * One vibration capture (acceleration in g at the drive-end bearing), rendered from the
 * machine's state at the capture's time step:
 * - shaft harmonics: residual 1× (imbalance) and 2× (misalignment), grown by those faults, and
 *   1×–5× "looseness" harmonics as a bearing wears (late-stage clearance);
 * - bearing impacts at BPFO / BPFI / BSF, each interval jittered by the rolling-element slip,
 *   amplitude-modulated by the load zone (inner race: once per shaft turn; ball: once per cage
 *   turn at FTF), each ringing the structural resonance (envelope band) and a low pedestal mode
 *   (which carries the damage into the 10–1000 Hz velocity band the ISO zones are judged in);
 * - broadband noise that rises in the last stage; then sensor faults and clipping at ±range.
 * Impacts and looseness scale with load. Deterministic per (seed, machine, capture).
 */
import { defectFrequencies } from '../signal/bearing.js';
import { STANDARD_GRAVITY } from '../signal/velocity.js';
import { FAULT_CODE, isBearingMode, type FailureMode, type MachineConfig } from './config.js';
import type { MachineHistory } from './history.js';
import { TwinRandom } from './random.js';

/** How a fault's velocity splits over shaft harmonics 1×, 2×, ... (normalised to unit RSS). */
const HARMONIC_SHAPES: Partial<Record<FailureMode, readonly number[]>> = {
  imbalance: [1],
  misalignment: [0.45, 0.85, 0.3],
  outer_race: [0.6, 0.5, 0.4, 0.3, 0.2],
  inner_race: [0.6, 0.5, 0.4, 0.3, 0.2],
  ball: [0.6, 0.5, 0.4, 0.3, 0.2],
};
/** Share of a bearing fault's velocity power carried by the impacts (the rest: looseness). */
const IMPACT_POWER_SHARE = 0.4;
const AMPLITUDE_SCATTER = 0.1;

interface Scratch {
  x: Float64Array;
  hf: Float64Array;
  ped: Float64Array;
}
let scratch: Scratch | null = null;

function scratchOf(n: number): Scratch {
  if (scratch?.x.length !== n) {
    scratch = { x: new Float64Array(n), hf: new Float64Array(n), ped: new Float64Array(n) };
  }
  return scratch;
}

/** Peak acceleration (g) of a sinusoid at f Hz whose velocity RMS is v mm/s. */
function accelPeakG(velocityRmsMmS: number, hz: number): number {
  return (velocityRmsMmS * Math.SQRT2 * 2 * Math.PI * hz) / (STANDARD_GRAVITY * 1000);
}

/** Renders capture `k` of the history into `out` (allocated when absent). Dropouts render too. */
export function renderCapture(h: MachineHistory, k: number, out?: Float32Array): Float32Array {
  const n = h.samplesPerCapture;
  if (!(k >= 0 && k < h.captures.ts.length)) throw new RangeError(`capture ${k} is not in the history`);
  const samples = out ?? new Float32Array(n);
  if (samples.length !== n) throw new RangeError(`out must hold ${n} samples`);
  const m = h.machine;
  const v = m.vibration;
  const fs = h.fleet.sampleRateHz;
  const mode = m.degradation.mode;
  const s = h.captures.severity[k]!;
  const load = h.captures.load[k]!;
  const fr = h.captures.shaftHz[k]!;
  const loadFactor = 0.5 + 0.5 * load;
  const rng = new TwinRandom(h.fleet.seed, 'capture', h.index, k);
  const { x, hf, ped } = scratchOf(n);

  // Late-stage bearing wear raises the broadband floor.
  rng.fillNormal(x, v.noiseG * (1 + 2 * s * s));

  const harmonics = [v.oneXMmS, v.twoXMmS * (0.7 + 0.3 * load)];
  const shape = HARMONIC_SHAPES[mode];
  if (shape && s > 0) {
    const norm = Math.hypot(...shape);
    const bearing = isBearingMode(mode);
    const level = bearing
      ? v.damageMmS * Math.sqrt(1 - IMPACT_POWER_SHARE) * s * s * loadFactor
      : v.damageMmS * s * (mode === 'misalignment' ? loadFactor : 1);
    shape.forEach((w, i) => (harmonics[i] = (harmonics[i] ?? 0) + (level * w) / norm));
  }
  harmonics.forEach((vRms, i) => {
    const f = (i + 1) * fr;
    if (vRms > 0 && f < fs / 2) addSine(x, accelPeakG(vRms, f), f / fs, rng.uniform(0, 2 * Math.PI));
  });

  if (isBearingMode(mode) && s > 0) {
    hf.fill(0);
    ped.fill(0);
    impacts(m, mode, fr, fs, s * loadFactor, rng, hf, ped);
    ring(hf, v.resonanceHz, v.dampingRatio, fs);
    ring(ped, v.pedestalHz, v.pedestalDamping, fs);
    for (let i = 0; i < n; i++) x[i] = x[i]! + hf[i]! + ped[i]!;
  }

  injectFault(h.captures.fault[k]!, x, v.rangeG, fs, rng);
  const range = v.rangeG;
  for (let i = 0; i < n; i++) samples[i] = Math.min(range, Math.max(-range, x[i]!));
  return samples;
}

/** x[i] += a·sin(2π·cyclesPerSample·i + phase), by phasor rotation (no sin per sample). */
function addSine(x: Float64Array, a: number, cyclesPerSample: number, phase: number): void {
  const w = 2 * Math.PI * cyclesPerSample;
  const cw = Math.cos(w);
  const sw = Math.sin(w);
  let re = a * Math.cos(phase);
  let im = a * Math.sin(phase);
  for (let i = 0; i < x.length; i++) {
    x[i] = x[i]! + im;
    const nr = re * cw - im * sw;
    im = re * sw + im * cw;
    re = nr;
  }
}

/** Stribeck load zone (ε = 0.5) over a floor: the rotating part of the load still loads a defect a little. */
function loadZone(theta: number): number {
  return 0.15 + 0.85 * Math.pow(Math.max(0, Math.cos(theta)), 1.1);
}

/**
 * Places the impacts as unit-response excitations: `hf` for the structural resonance, `ped`
 * for the pedestal mode, the latter scaled so that at severity·load factor 1 the pedestal
 * response carries its share of `damageMmS` (incoherent impulse-train power).
 */
function impacts(
  m: MachineConfig,
  mode: 'outer_race' | 'inner_race' | 'ball',
  fr: number,
  fs: number,
  strength: number,
  rng: TwinRandom,
  hf: Float64Array,
  ped: Float64Array,
): void {
  const b = m.bearing;
  const freqs = defectFrequencies(
    {
      nBalls: b.nBalls,
      ballDiameter: b.ballDiameterMm,
      pitchDiameter: b.pitchDiameterMm,
      contactAngleDeg: b.contactAngleDeg,
    },
    fr,
  );
  const fd = mode === 'outer_race' ? freqs.bpfo : mode === 'inner_race' ? freqs.bpfi : freqs.bsf;
  // The outer race is fixed (the defect sits in the load zone); the others turn through it.
  const fm = mode === 'inner_race' ? fr : mode === 'ball' ? freqs.ftf : 0;
  const v = m.vibration;
  const meanSq = fm > 0 ? meanSquareLoadZone() : loadZone(0) ** 2;
  const r = Math.exp((-v.pedestalDamping * 2 * Math.PI * v.pedestalHz) / fs);
  const energy = 1 / (2 * (1 - r * r)); // Σ h² of the unit-peak resonator response
  const targetRmsG = accelPeakG(v.damageMmS * Math.sqrt(IMPACT_POWER_SHARE), v.pedestalHz) / Math.SQRT2;
  const pedGain = targetRmsG / Math.sqrt((fd / fs) * meanSq * (1 + AMPLITUDE_SCATTER ** 2) * energy);
  const n = hf.length;
  const period = 1 / fd;
  // A fixed outer-race spall sits at the centre of the load zone (where spalls initiate).
  const phase = fm > 0 ? rng.uniform(0, 2 * Math.PI) : 0;
  for (let t = rng.uniform(0, period); ;) {
    const i = Math.round(t * fs);
    if (i >= n) break;
    const zone = loadZone(2 * Math.PI * fm * t + phase);
    const a = strength * zone * (1 + AMPLITUDE_SCATTER * rng.normal());
    hf[i] = hf[i]! + v.impactG * a;
    ped[i] = ped[i]! + pedGain * a;
    t += period * Math.max(0.5, 1 + v.slip * rng.normal());
  }
}

let loadZoneMeanSq = NaN;
function meanSquareLoadZone(): number {
  if (Number.isNaN(loadZoneMeanSq)) {
    let s = 0;
    for (let i = 0; i < 360; i++) s += loadZone((2 * Math.PI * i) / 360) ** 2;
    loadZoneMeanSq = s / 360;
  }
  return loadZoneMeanSq;
}

/** In place: the response of a damped mode (unit first peak per unit impulse) to excitation e. */
function ring(e: Float64Array, hz: number, zeta: number, fs: number): void {
  const wn = (2 * Math.PI * hz) / fs;
  const r = Math.exp(-zeta * wn);
  const theta = wn * Math.sqrt(1 - zeta * zeta);
  const a1 = 2 * r * Math.cos(theta);
  const a2 = -r * r;
  const b0 = Math.sin(theta);
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < e.length; i++) {
    const y = b0 * e[i]! + a1 * y1 + a2 * y2;
    y2 = y1;
    y1 = y;
    e[i] = y;
  }
}

/**
 * Spike: 1–3 single-sample glitches. Saturation: a mechanical shock (a knock on the housing)
 * beyond the range, which the clipping then flattens. Stuck: the ADC repeats one value.
 */
function injectFault(code: number, x: Float64Array, rangeG: number, fs: number, rng: TwinRandom): void {
  const n = x.length;
  if (code === FAULT_CODE.spike) {
    for (let j = rng.int(1, 3); j > 0; j--) {
      x[rng.int(0, n - 1)] = (rng.uniform() < 0.5 ? -1 : 1) * rng.uniform(0.3, 0.9) * rangeG;
    }
  } else if (code === FAULT_CODE.saturation) {
    const at = rng.int(0, Math.floor(n / 2));
    const a = rng.uniform(1.5, 4) * rangeG;
    const w = (2 * Math.PI * Math.min(1500, rng.uniform(0.04, 0.1) * fs)) / fs;
    const decay = Math.exp(-1 / (0.01 * fs));
    let env = a;
    for (let i = at; i < n && env > 1e-3; i++, env *= decay) x[i] = x[i]! + env * Math.sin(w * (i - at));
  } else if (code === FAULT_CODE.stuck) {
    x.fill(x[rng.int(0, n - 1)]!);
  }
}
