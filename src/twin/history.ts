/**
 * One machine's history without waveforms: the time steps of its captures and temperature
 * readings, the ground truth at each (severity, health, RUL, load, shaft speed, injected sensor
 * fault) and the temperature series itself. Waveforms are rendered per capture on demand
 * (vibration.ts), so a fleet's history costs kilobytes until its captures are drawn.
 */
import { defectFrequencies, type DefectFrequencies } from '../signal/bearing.js';
import { FAULT_CODE, type FaultRates, type FleetConfig, type MachineConfig } from './config.js';
import { TwinRandom } from './random.js';
import { ambientAt, loadAt, MS_PER_DAY, rulHoursAt, severityAt, shaftHzAt } from './state.js';

interface CaptureTruth {
  /** Epoch milliseconds. */
  ts: Float64Array;
  shaftHz: Float64Array;
  load: Float64Array;
  severity: Float64Array;
  /** 1 − severity. */
  health: Float64Array;
  /** Hours to end of life; NaN for a machine without a failure mode. */
  rulHours: Float64Array;
  /** FAULT_CODE of the sensor fault injected into the capture (dropout: not delivered). */
  fault: Uint8Array;
}

interface ReadingSeries {
  ts: Float64Array;
  /** As measured, sensor faults included; NaN where the reading dropped out. */
  value: Float64Array;
  /** The housing temperature the sensor should have read. */
  trueValue: Float64Array;
  severity: Float64Array;
  fault: Uint8Array;
}

export interface MachineHistory {
  fleet: FleetConfig;
  index: number;
  machine: MachineConfig;
  startMs: number;
  /** End of the data (exclusive): the failure, or the horizon. */
  endMs: number;
  onsetMs: number | null;
  endOfLifeMs: number | null;
  /** End of life when it falls within the horizon: the machine stops there. */
  failureMs: number | null;
  /** Defect frequencies at nominal speed, for reference (each capture's speed follows load). */
  defectHz: DefectFrequencies;
  samplesPerCapture: number;
  captures: CaptureTruth;
  readings: ReadingSeries;
}

const WEATHER_SIGMA_C = 1.5;
const WEATHER_CORRELATION_DAYS = 2;

export function generateMachine(fleet: FleetConfig, index: number): MachineHistory {
  const machine = fleet.machines[index];
  if (!machine) throw new RangeError(`machine index ${index} is not in the fleet`);
  const startMs = Date.parse(fleet.start);
  const horizonMs = startMs + fleet.days * MS_PER_DAY;
  const d = machine.degradation;
  const failing = d.mode !== 'none';
  const endOfLifeMs = failing ? startMs + d.endOfLifeDay * MS_PER_DAY : null;
  const failureMs = endOfLifeMs !== null && endOfLifeMs < horizonMs ? endOfLifeMs : null;
  const endMs = failureMs ?? horizonMs;
  const b = machine.bearing;
  return {
    fleet,
    index,
    machine,
    startMs,
    endMs,
    onsetMs: failing ? startMs + d.onsetDay * MS_PER_DAY : null,
    endOfLifeMs,
    failureMs,
    defectHz: defectFrequencies(
      {
        nBalls: b.nBalls,
        ballDiameter: b.ballDiameterMm,
        pitchDiameter: b.pitchDiameterMm,
        contactAngleDeg: b.contactAngleDeg,
      },
      machine.shaftRpm / 60,
    ),
    samplesPerCapture: Math.round(fleet.sampleRateHz * fleet.captureSeconds),
    captures: captureTruth(fleet, index, machine, startMs, endMs),
    readings: temperatureReadings(fleet, index, machine, startMs, endMs),
  };
}

function steps(startMs: number, endMs: number, everyMin: number): Float64Array {
  const every = everyMin * 60_000;
  const n = Math.max(0, Math.ceil((endMs - startMs) / every));
  const ts = new Float64Array(n);
  for (let k = 0; k < n; k++) ts[k] = startMs + k * every;
  return ts;
}

function captureTruth(fleet: FleetConfig, index: number, m: MachineConfig, startMs: number, endMs: number) {
  const ts = steps(startMs, endMs, fleet.captureEveryMin);
  const n = ts.length;
  const truth: CaptureTruth = {
    ts,
    shaftHz: new Float64Array(n),
    load: new Float64Array(n),
    severity: new Float64Array(n),
    health: new Float64Array(n),
    rulHours: new Float64Array(n),
    fault: new Uint8Array(n),
  };
  const faults = new TwinRandom(fleet.seed, 'capture-faults', index);
  for (let k = 0; k < n; k++) {
    const day = (ts[k]! - startMs) / MS_PER_DAY;
    const load = loadAt(m.load, day);
    const s = severityAt(m.degradation, day);
    truth.load[k] = load;
    truth.shaftHz[k] = shaftHzAt(m, load);
    truth.severity[k] = s;
    truth.health[k] = 1 - s;
    truth.rulHours[k] = rulHoursAt(m.degradation, day);
    const code = drawFault(faults.uniform(), m.faults, 1);
    truth.fault[k] = code;
  }
  return truth;
}

/**
 * Housing temperature: a first-order lag (time constant τ) towards ambient + weather + a load
 * rise + a degradation rise (friction), stepped exactly: T ← T* + (T − T*)·e^(−Δt/τ).
 * Weather is an AR(1) drawn per site, so machines of a site share it.
 */
function temperatureReadings(
  fleet: FleetConfig,
  index: number,
  m: MachineConfig,
  startMs: number,
  endMs: number,
): ReadingSeries {
  const ts = steps(startMs, endMs, fleet.readingEveryMin);
  const n = ts.length;
  const out: ReadingSeries = {
    ts,
    value: new Float64Array(n),
    trueValue: new Float64Array(n),
    severity: new Float64Array(n),
    fault: new Uint8Array(n),
  };
  const th = m.thermal;
  const weatherRng = new TwinRandom(fleet.seed, 'weather', m.site);
  const noise = new TwinRandom(fleet.seed, 'temperature-noise', index);
  const faults = new TwinRandom(fleet.seed, 'reading-faults', index);
  const dtH = fleet.readingEveryMin / 60;
  const decay = Math.exp(-dtH / th.timeConstantH);
  const rho = Math.exp(-dtH / (24 * WEATHER_CORRELATION_DAYS));
  const heat = m.degradation.mode === 'imbalance' ? 0.3 : 1;
  let weather = WEATHER_SIGMA_C * weatherRng.normal();
  let temp = NaN;
  let stuckLeft = 0;
  let stuckValue = NaN;
  let last = NaN;
  const r = m.faults;
  for (let k = 0; k < n; k++) {
    const t = ts[k]!;
    const day = (t - startMs) / MS_PER_DAY;
    const s = severityAt(m.degradation, day);
    const target =
      ambientAt(th, t) + weather + th.riseAtFullLoadC * loadAt(m.load, day) + th.degradationRiseC * heat * s;
    temp = Number.isNaN(temp) ? target : target + (temp - target) * decay;
    weather = rho * weather + WEATHER_SIGMA_C * Math.sqrt(1 - rho * rho) * weatherRng.normal();
    const clean = temp + th.noiseC * noise.normal();
    out.trueValue[k] = temp;
    out.severity[k] = s;
    let value = clean;
    // A stuck run lasts 6–36 readings (mean 21): starting 1/21 as often affects `stuck` of them.
    const code = stuckLeft > 0 ? FAULT_CODE.stuck : drawFault(faults.uniform(), r, 1 / 21);
    if (stuckLeft > 0) {
      stuckLeft--;
      value = stuckValue;
    } else if (code === FAULT_CODE.dropout) value = NaN;
    else if (code === FAULT_CODE.spike) value = clean + faults.uniform(20, 60);
    else if (code === FAULT_CODE.saturation) value = th.rangeMaxC;
    else if (code === FAULT_CODE.stuck) {
      stuckValue = Number.isNaN(last) ? clean : last;
      stuckLeft = faults.int(6, 36) - 1;
      value = stuckValue;
    }
    // The transmitter cannot report outside its range.
    if (!Number.isNaN(value)) value = Math.min(th.rangeMaxC, Math.max(th.rangeMinC, value));
    out.value[k] = value;
    out.fault[k] = code;
    if (!Number.isNaN(value)) last = value;
  }
  return out;
}

/** One draw u ~ U(0, 1) against the cumulative fault rates (at most one fault per step). */
function drawFault(u: number, r: FaultRates, stuckScale: number): number {
  const limits: Array<[number, number]> = [
    [r.dropout, FAULT_CODE.dropout],
    [r.spike, FAULT_CODE.spike],
    [r.saturation, FAULT_CODE.saturation],
    [r.stuck * stuckScale, FAULT_CODE.stuck],
  ];
  let edge = 0;
  for (const [rate, code] of limits) {
    edge += rate;
    if (u < edge) return code;
  }
  return FAULT_CODE.none;
}
