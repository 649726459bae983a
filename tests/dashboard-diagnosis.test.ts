/** The dashboard's sentence for a forecast's diagnosis (src/web/public/js/diagnosis.js). */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SKF_6205 } from '../src/signal/bearing.js';
import { initSignal } from '../src/signal/fft.js';
import { diagnoseWaveform, type Diagnosis } from '../src/state/diagnosis/diagnose.js';
import { cwruSampleDir, readF32Sample } from './helpers/cwru-drive-end.js';

type Sentence = (d: Diagnosis | null) => string;

describe('diagnosis sentence beside the envelope spectrum', () => {
  let sentence: Sentence;
  beforeAll(async () => {
    await initSignal();
    const file = pathToFileURL(path.resolve('src/web/public/js/diagnosis.js')).href;
    sentence = ((await import(file)) as { diagnosisSentence: Sentence }).diagnosisSentence;
  });

  it('names the part, the line in Hz and orders, its harmonics and its strength', () => {
    // CWRU outer-race record 130 at 1796 rpm: BPFO = 3.5848 × 29.93 Hz = 107.3 Hz.
    const d = diagnoseWaveform(readF32Sample(path.join(cwruSampleDir, 'OR007@6_0_130_DE_first12000.f32')), {
      sampleRateHz: 12_000,
      shaftHz: 1796 / 60,
      bearing: SKF_6205,
      windowLength: 4096,
    })!;
    const bpfo = d.evidence.find((e) => e.line === 'BPFO')!;
    const h = bpfo.harmonics.length;
    expect(sentence(d)).toBe(
      `Outer-race defect suspected: BPFO 107.3 Hz (3.58×)${h ? ` and ${h} harmonic${h === 1 ? '' : 's'}` : ''}, ` +
        `${Math.round(bpfo.strengthDb!)} dB over the floor (confidence ${Math.round(d.confidence * 100)} %).`,
    );
  });

  it('says when nothing is suspected and when there is no diagnosis', () => {
    expect(sentence(null)).toMatch(/^No diagnosis: the forecast rests on no waveform/);
    const none: Diagnosis = {
      fault: 'none',
      confidence: 0.9,
      windows: 1,
      sampleRateHz: 12_000,
      shaftHz: 30,
      evidence: [
        { line: 'BPFO', hz: 107.5, orders: 3.585, harmonics: [], strengthDb: 4.2, z: 1.1, present: false },
      ],
    };
    expect(sentence(none)).toBe(
      'No bearing defect suspected: no defect line stands out of the envelope spectrum (strongest BPFO, 4 dB over the floor).',
    );
  });
});
