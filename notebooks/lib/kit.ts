/**
 * Everything the notebooks use, in one module: the project's own parsers, DSP and ML modules
 * (the notebooks reuse them rather than re-implementing anything), danfojs, the charts of
 * `src/plot` (the model cards draw with the same code) and the local table and data helpers.
 * Loaded by lib/load.cjs through tsx; its declarations type the cells.
 */
export * as danfo from 'danfojs-node';

export * as cmapss from '../../src/acquisition/formats/cmapss.js';
export * as cwru from '../../src/acquisition/formats/cwru.js';
export * as femto from '../../src/acquisition/formats/femto.js';
export * as files from '../../src/acquisition/formats/files.js';

export * as bearing from '../../src/signal/bearing.js';
export * as envelope from '../../src/signal/envelope.js';
export * as fft from '../../src/signal/fft.js';
export * as resample from '../../src/signal/resample.js';
export * as spectrum from '../../src/signal/spectrum.js';
export * as stats from '../../src/signal/stats.js';

export * as backend from '../../src/tf/backend.js';
export * as evaluation from '../../src/evaluation/cmapss/evaluate-cmapss.js';
export { cmapssSequences } from '../../src/evaluation/cmapss/cmapss-sequences.js';
export * as sequences from '../../src/prognostics/rul/sequences.js';
export * as metrics from '../../src/prognostics/rul/rul-metrics.js';
export * as modelStore from '../../src/prognostics/rul/rul-store.js';
export * as predict from '../../src/prognostics/rul/predict-rul.js';
export * as regimes from '../../src/prognostics/rul/regimes.js';
export * as femtoHealth from '../../src/evaluation/femto/health-indicator.js';
export * as train from '../../src/training/rul/train-rul.js';

export * as plot from '../../src/plot/index.js';

export * as data from './data.js';
export * as tables from './html-table.js';
