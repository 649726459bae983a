/**
 * The machine's state at a time: defect severity (growth law), load (operating conditions) and
 * ambient temperature. Closed forms of time, so any capture can be rendered on its own.
 */
import type { DegradationSpec, LoadSegment, MachineConfig, ThermalSpec } from './config.js';

export const MS_PER_DAY = 86_400_000;

/**
 * Severity in [0, 1]: 0 before onset, s0 at onset, 1 at end of life. Exponential growth, or
 * Paris-law crack growth da/dN = C·ΔK^m with ΔK ∝ √a, i.e. da/dt = C'·a^(m/2), integrated:
 * a(u) = [a0^(−k) − (a0^(−k) − 1)·u]^(−1/k), k = m/2 − 1, u the fraction of the defect's life.
 * The Paris form starts slower and ends steeper (it blows up in finite time, like real spalls).
 */
export function severityAt(d: DegradationSpec, day: number): number {
  if (d.mode === 'none' || day < d.onsetDay) return 0;
  if (day >= d.endOfLifeDay) return 1;
  const u = (day - d.onsetDay) / (d.endOfLifeDay - d.onsetDay);
  const s0 = d.initialSeverity;
  if (d.law === 'exponential') return s0 * Math.exp(-Math.log(s0) * u);
  const k = d.parisExponent / 2 - 1;
  const a0k = Math.pow(s0, -k);
  return Math.min(1, Math.pow(a0k - (a0k - 1) * u, -1 / k));
}

/** Remaining useful life in hours at `day`; NaN for a machine that never degrades. */
export function rulHoursAt(d: DegradationSpec, day: number): number {
  if (d.mode === 'none') return NaN;
  return Math.max(0, (d.endOfLifeDay - day) * 24);
}

export function loadAt(segments: readonly LoadSegment[], day: number): number {
  let load = segments[0]?.load ?? 1;
  for (const s of segments) {
    if (s.fromDay > day) break;
    load = s.load;
  }
  return load;
}

/** Shaft speed in Hz: induction-motor slip grows with load. */
export function shaftHzAt(m: MachineConfig, load: number): number {
  return (m.shaftRpm / 60) * (1 - m.slipAtFullLoad * load);
}

/** Ambient °C without weather: daily cycle (warmest 15:00 UTC) plus season (warmest mid-July). */
export function ambientAt(t: ThermalSpec, epochMs: number): number {
  const hour = (epochMs / 3_600_000) % 24;
  const yearDay = (epochMs / MS_PER_DAY) % 365.2425;
  return (
    t.ambientMeanC +
    t.ambientDailyC * Math.cos((2 * Math.PI * (hour - 15)) / 24) +
    t.ambientSeasonalC * Math.cos((2 * Math.PI * (yearDay - 196)) / 365.2425)
  );
}
