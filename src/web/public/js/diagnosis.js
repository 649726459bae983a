/** The forecast's diagnosis (state/diagnosis/diagnose.ts) in one sentence, for the envelope chart. */
import { fmtPct } from './dom.js';

const PART = {
  outer_race: ['Outer-race', 'BPFO'],
  inner_race: ['Inner-race', 'BPFI'],
  rolling_element: ['Rolling-element', 'BSF'],
  cage: ['Cage', 'FTF'],
};
const SHAFT_FAULT = { imbalance: 'Imbalance', misalignment: 'Misalignment', looseness: 'Looseness' };

const one = (x) => (Math.round(x * 10) / 10).toFixed(1);
const db = (e) =>
  e.strengthDb === null ? 'not measurable' : `${Math.round(e.strengthDb)} dB over the floor`;

function line(e) {
  const h = e.harmonics.length;
  const harmonics = h === 0 ? '' : ` and ${h} harmonic${h === 1 ? '' : 's'}`;
  return `${e.line} ${one(e.hz)} Hz (${e.orders.toFixed(2)}×)${harmonics}, ${db(e)}`;
}

export function diagnosisSentence(d) {
  if (!d)
    return 'No diagnosis: the forecast rests on no waveform, or the asset has no bearing geometry or speed.';
  if (d.fault === 'unknown') {
    return 'No diagnosis: the spectrum cannot separate the defect lines (capture too short for this shaft speed).';
  }
  if (d.fault === 'none') {
    const strongest = d.evidence.find((e) => e.z !== null);
    return (
      'No bearing defect suspected: no defect line stands out of the envelope spectrum' +
      (strongest ? ` (strongest ${strongest.line}, ${db(strongest)}).` : '.')
    );
  }
  const part = PART[d.fault];
  if (part) {
    const e = d.evidence.find((x) => x.line === part[1]);
    return `${part[0]} defect suspected: ${e ? line(e) : part[1]} (confidence ${fmtPct(d.confidence)}).`;
  }
  return `${SHAFT_FAULT[d.fault] ?? d.fault} suspected (confidence ${fmtPct(d.confidence)}).`;
}
