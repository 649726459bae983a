/**
 * The model card of a registered version: a Markdown page beside the artifact saying what the
 * model is, what it was trained on and how, and how it did on held-out data, with SVG figures
 * next to it. Rendering is pure and deterministic (no clock), so re-rendering the same inputs
 * gives the same files and a committed card does not churn.
 */
import { figuresFor, type Figure, type HeldOut } from './card-figures.js';

/** What a trainer or an evaluation keeps for the card (`card-heldout.json`). */
export interface CardData {
  schemaVersion: 1;
  heldOut: HeldOut;
  /** The training run's parameters, as requested. */
  params?: Record<string, unknown>;
  dataRange?: Record<string, unknown>;
  /** The version that was active when this one was trained, scored on the same held-out data. */
  baseline?: { version: number; metrics: Record<string, number> };
  primary?: { name: string; lowerIsBetter: boolean };
}

export interface CardInput {
  name: string;
  version: number;
  manifest: Record<string, unknown>;
  /** The registered metrics of this version (held-out). */
  metrics: Record<string, unknown>;
  trainingRunId?: number | null;
  data: CardData;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/** Markdown-safe table cell: no pipes or line breaks from the data. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function formatValue(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  }
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    const shown = v.slice(0, 12).map(formatValue).join(', ');
    return v.length > 12 ? `${shown}, … (${v.length})` : shown;
  }
  return JSON.stringify(v);
}

function table(rows: [string, unknown][], head = ['', '']): string {
  const kept = rows.filter(([, v]) => v !== undefined);
  if (kept.length === 0) return '_not recorded_';
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...kept.map(([k, v]) => `| ${cell(k)} | ${cell(formatValue(v))} |`),
  ].join('\n');
}

function identity(input: CardInput): [string, unknown][] {
  const m = input.manifest;
  const t = obj(m.training);
  const fs = obj(m.featureSet);
  const kind = String(m.modelKind ?? m.kind);
  const interval = obj(m.interval);
  const inputs = (m.inputNames ?? m.featureNames) as unknown[] | undefined;
  return [
    ['kind', kind === 'prognos.rul-model' ? 'rul' : kind],
    ['architecture', m.architecture],
    ['ensemble members', m.members],
    ['layers', m.layers ?? m.hidden],
    ['window', m.window],
    [
      'feature set',
      fs.name ? `${String(fs.name)} v${String(fs.version)} (${String(fs.hash).slice(0, 12)})` : undefined,
    ],
    ['inputs', inputs ? `${inputs.length}: ${formatValue(inputs)}` : undefined],
    ['RUL cap', m.cap],
    ['step (hours)', m.stepHours],
    [
      'interval',
      interval.level !== undefined
        ? `${Number(interval.level) * 100} % split-conformal, binned by prediction`
        : undefined,
    ],
    ['positive class', m.label],
    ['alarm threshold', m.threshold],
    ['backend', t.backend ?? m.backend],
    ['TF.js', t.tfjsVersion ?? m.tfjsVersion],
    ['created', m.createdAt],
    ['training run', input.trainingRunId ?? undefined],
  ];
}

const range = (v: unknown) =>
  Array.isArray(v) && v.length === 2 ? `${formatValue(v[0])}–${formatValue(v[1])}` : v;

function trainingData(input: CardInput): [string, unknown][] {
  const r = obj(input.data.dataRange);
  const d = obj(obj(input.manifest.training).data);
  const assets = r.assets as unknown[] | undefined;
  return [
    ['source', r.source ?? d.source ?? obj(input.manifest.training).source],
    ['from', r.from],
    ['to', r.to],
    ['assets', assets ? `${assets.length}: ${formatValue(assets)}` : undefined],
    ['held-out assets', r.holdoutAssets],
    ['failed assets', r.failedAssets],
    ['labels', r.labels],
    ['rows', r.rows ?? d.rows ?? obj(input.manifest.training).rows],
    ['healthy rows', r.healthyRows ?? obj(input.manifest.training).healthyRows],
    ['units', d.units],
    ['unit range', range(d.unitRange)],
    ['cycle range', range(d.cycleRange)],
    [
      'features not modelled',
      (r.ignoredFeatures as unknown[] | undefined)?.length ? r.ignoredFeatures : undefined,
    ],
  ];
}

function trainingParams(input: CardInput): [string, unknown][] {
  const t = obj(input.manifest.training);
  const rows: [string, unknown][] = Object.entries(input.data.params ?? {}).map(([k, v]) => [
    `${k} (requested)`,
    v,
  ]);
  rows.push(['seed', t.seed ?? input.manifest.seed]);
  for (const [k, v] of Object.entries(obj(t.hyperparameters))) rows.push([k, v]);
  rows.push(
    ['best epochs', t.bestEpochs ?? t.bestEpoch],
    ['epochs run', t.epochsRun],
    ['stopped by', t.stoppedBy],
    ['validation RMSE', t.validationRmse],
    ['training seconds', t.trainSeconds],
  );
  return rows;
}

function evaluation(input: CardInput): string {
  const base = input.data.baseline;
  // One level of nesting (e.g. an evaluation's `test: {…}`) is shown as `test.rocAuc`.
  const flat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input.metrics)) {
    if (typeof v === 'number') flat[k] = v;
    else if (k !== 'baseline')
      for (const [k2, v2] of Object.entries(obj(v))) if (typeof v2 === 'number') flat[`${k}.${k2}`] = v2;
  }
  const keys = Object.keys(flat);
  if (keys.length === 0) return '_no numeric held-out metrics recorded_';
  const primary = input.data.primary?.name;
  const head = [
    'metric',
    `v${input.version}`,
    ...(base ? [`v${base.version} (active then)`, 'difference'] : []),
  ];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const k of keys) {
    const a = flat[k] as number;
    const b = base?.metrics[k];
    const label = k === primary ? `**${k}** (primary)` : k;
    const extra = base ? [formatValue(b), typeof b === 'number' ? formatValue(a - b) : '—'] : [];
    lines.push(`| ${[cell(label), formatValue(a), ...extra].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The card's Markdown and its figures. */
export function renderModelCard(input: CardInput): { markdown: string; figures: Figure[] } {
  const figures = figuresFor(input.data.heldOut);
  const direction = input.data.primary
    ? ` Versions are compared on **${input.data.primary.name}** (${input.data.primary.lowerIsBetter ? 'lower' : 'higher'} is better).`
    : '';
  const md = [
    `# Model card: ${input.name} v${input.version}`,
    '',
    'Drawn by Prognos from the held-out predictions kept beside the artifact (`card-heldout.json`);',
    `redraw with \`prognos models card ${input.name} ${input.version} --regenerate\`.`,
    '',
    '## What it is',
    '',
    table(identity(input)),
    '',
    '## Training data',
    '',
    table(trainingData(input)),
    '',
    '## Training parameters',
    '',
    table(trainingParams(input)),
    '',
    '## Held-out evaluation',
    '',
    `Held-out data: ${input.data.heldOut.source}.${direction}`,
    '',
    evaluation(input),
    '',
    '## Figures',
    '',
    ...figures.flatMap((f) => [
      `![${f.file.slice(5, -4).replace(/-/g, ' ')}](${f.file})`,
      '',
      `_${f.caption}_`,
      '',
    ]),
  ];
  return { markdown: `${md.join('\n').trimEnd()}\n`, figures };
}
