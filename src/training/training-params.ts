/**
 * The parameters each trainable model kind takes, for people: `prognos train --kind K --help`
 * prints them, and a run missing a required one is refused when it is started (400
 * `missing_param` naming it) instead of failing later in its job. The trainers read the same
 * names (health-trainer.ts, rul-trainer.ts, feature-rul-trainer.ts).
 */
import { TRAIN_DEFAULTS } from './rul/train-rul.js';

interface ParamDoc {
  name: string;
  what: string;
  /** Always required (true), or only when `when` holds of the run's params (`label` says when). */
  required?: true | { when: (params: Record<string, unknown>) => boolean; label: string };
}

const FEATURE_SET = 'the stored feature set to train on (GET /v1/feature-sets)';

const ASSET_FILTER: ParamDoc[] = [
  { name: 'assetIds', what: 'train on these asset ids only (JSON array)' },
  { name: 'externalRefPrefix', what: 'train on assets whose external ref starts with this' },
  { name: 'type', what: 'train on assets of this type (pump, motor, …)' },
  { name: 'site', what: 'train on assets of this site' },
];

const RUL_KNOBS: ParamDoc[] = [
  { name: 'holdoutFraction', what: 'share of the failed assets held out for scoring (default 0.2)' },
  { name: 'members', what: `ensemble members (default ${TRAIN_DEFAULTS.members})` },
  { name: 'maxEpochs', what: `epochs per member at most (default ${TRAIN_DEFAULTS.maxEpochs})` },
  { name: 'patience', what: `early-stopping patience in epochs (default ${TRAIN_DEFAULTS.patience})` },
  { name: 'window', what: `steps a prediction sees (default ${TRAIN_DEFAULTS.window})` },
  { name: 'cap', what: `RUL target cap, in steps (default ${TRAIN_DEFAULTS.cap})` },
  { name: 'samplesPerEpoch', what: `windows drawn per epoch (default ${TRAIN_DEFAULTS.samplesPerEpoch})` },
  { name: 'maxTrainSeconds', what: 'stop training members after this long' },
  { name: 'seed', what: `random seed (default ${TRAIN_DEFAULTS.seed})` },
];

export const TRAINING_PARAMS: Readonly<Record<'rul' | 'health', { what: string; params: ParamDoc[] }>> = {
  health: {
    what: 'autoencoder health index from stored feature rows; each asset’s early life is taken as healthy',
    params: [
      { name: 'featureSet', what: FEATURE_SET, required: true },
      { name: 'healthyHours', what: 'each asset’s first hours taken as healthy (else healthyFraction)' },
      { name: 'healthyFraction', what: 'share of each asset’s rows taken as healthy (default 0.2)' },
      { name: 'holdoutFraction', what: 'share of the healthy rows held out (default 0.25)' },
      {
        name: 'endOfLifeFraction',
        what: 'share of a failed asset’s life scored as end of life (default 0.1)',
      },
      { name: 'epochs', what: 'training epochs (default 60)' },
      { name: 'patience', what: 'early-stopping patience in epochs' },
      { name: 'hidden', what: 'hidden layer width (default 2 × features, 8–64)' },
      { name: 'bottleneck', what: 'bottleneck width' },
      { name: 'seed', what: 'random seed (default 42)' },
      ...ASSET_FILTER,
    ],
  },
  rul: {
    what: 'remaining useful life ensemble with an interval, on assets with a failure event',
    params: [
      {
        name: 'source',
        what: '"readings" (scalar sensor histories, the default) or "feature-rows" (a stored feature set)',
      },
      {
        name: 'featureSet',
        what: FEATURE_SET,
        required: { when: (p) => p.source === 'feature-rows', label: 'with source feature-rows' },
      },
      {
        name: 'labels',
        what: 'with source "readings": "failure-events" (default) or "run-to-failure" (each history ends in a failure)',
      },
      ...RUL_KNOBS,
      ...ASSET_FILTER,
    ],
  },
};

/** The first required parameter `params` lacks for `kind`: its name and a message naming it. */
export function missingParam(
  kind: string,
  params: Record<string, unknown>,
): { name: string; message: string } | undefined {
  const doc = TRAINING_PARAMS[kind as keyof typeof TRAINING_PARAMS];
  const p = doc?.params.find(
    (d) =>
      (d.required === true || d.required?.when(params) === true) &&
      (params[d.name] === undefined || params[d.name] === ''),
  );
  if (!p) return undefined;
  const when = p.required === true || !p.required ? '' : ` ${p.required.label}`;
  return { name: p.name, message: `params.${p.name} is required for kind "${kind}"${when}: ${p.what}` };
}

/** `prognos train --kind K --help`: one line per parameter, required ones first. */
export function describeParams(kind: 'rul' | 'health'): string {
  const doc = TRAINING_PARAMS[kind];
  const width = Math.max(...doc.params.map((p) => p.name.length));
  const flag = (p: ParamDoc) =>
    p.required === true ? '(required) ' : p.required ? `(required ${p.required.label}) ` : '';
  const line = (p: ParamDoc) => `  ${p.name.padEnd(width)}  ${flag(p)}${p.what}`;
  return [
    `kind ${kind}: ${doc.what}`,
    'params (--set name=value or --params JSON):',
    ...doc.params.map(line),
  ].join('\n');
}
