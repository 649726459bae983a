/**
 * ISO 14224:2016 codes the rules use. Failure modes are those of rotating equipment
 * (Annex B, table B.6 and the equipment-class tables B.15 ff.); failure mechanisms are
 * table B.2. The mapping from each rule (and bearing defect frequency) to a mode and a
 * mechanism is documented in src/maintenance/README.md.
 */
import type { DiagnosisFault } from '../state/diagnosis/diagnose.js';
import type { RuleName } from './rule-settings.js';

const FAILURE_MODES: Readonly<Record<string, string>> = {
  BRD: 'Breakdown',
  VIB: 'Vibration',
  PDE: 'Parameter deviation',
  OHE: 'Overheating',
  NOI: 'Noise',
  ELP: 'External leakage – process medium',
  LOO: 'Low output',
  STD: 'Structural deficiency',
  UST: 'Spurious stop',
  FTS: 'Fail to start on demand',
  AIR: 'Abnormal instrument reading',
  OTH: 'Other',
  UNK: 'Unknown',
};

const FAILURE_MECHANISMS: Readonly<Record<string, string>> = {
  '1.0': 'Mechanical failure – general',
  '1.1': 'Leakage',
  '1.2': 'Vibration',
  '1.3': 'Clearance/alignment failure',
  '1.4': 'Deformation',
  '1.5': 'Looseness',
  '1.6': 'Sticking',
  '2.0': 'Material failure – general',
  '2.1': 'Cavitation',
  '2.2': 'Corrosion',
  '2.3': 'Erosion',
  '2.4': 'Wear',
  '2.5': 'Breakage',
  '2.6': 'Fatigue',
  '2.7': 'Overheating',
  '2.8': 'Burst',
  '3.0': 'Instrument failure – general',
  '4.0': 'Electrical failure – general',
  '5.0': 'External influence – general',
  '6.0': 'Miscellaneous – general',
  '6.4': 'Unknown',
};

export interface FailureClass {
  failureMode: string;
  failureMechanism: string;
  component: string | null;
  /** When two rules point at the same mode, the more specific one names mechanism/component. */
  specificity: number;
}

/** Rule → ISO 14224 failure mode and mechanism (bearing rule: see BEARING_DEFECTS). */
export const RULE_FAILURE_CLASS: Readonly<Record<Exclude<RuleName, 'bearing_defect_trend'>, FailureClass>> = {
  // A RUL model predicts reaching the failure threshold, not how: breakdown, general material failure.
  rul_below_lead_time: { failureMode: 'BRD', failureMechanism: '2.0', component: null, specificity: 1 },
  // Broadband velocity over the ISO 20816 zone boundary: vibration, mechanism "1.2 vibration".
  iso_zone: { failureMode: 'VIB', failureMechanism: '1.2', component: null, specificity: 2 },
  // A health model out of its normal envelope: a monitored parameter deviates, cause not yet known.
  persistent_anomaly: { failureMode: 'PDE', failureMechanism: '6.4', component: null, specificity: 1 },
};

export interface BearingDefect extends FailureClass {
  indicator: string;
  frequency: string;
  /** Short name for titles. */
  part: string;
}

/** Envelope indicators at the bearing defect frequencies → the bearing part that is damaged. */
export const BEARING_DEFECTS: readonly BearingDefect[] = [
  {
    indicator: 'env_bpfo',
    frequency: 'BPFO',
    part: 'outer race',
    // Rolling-contact fatigue spalling is the typical race defect.
    failureMode: 'VIB',
    failureMechanism: '2.6',
    component: 'rolling-element bearing – outer race',
    specificity: 3,
  },
  {
    indicator: 'env_bpfi',
    frequency: 'BPFI',
    part: 'inner race',
    failureMode: 'VIB',
    failureMechanism: '2.6',
    component: 'rolling-element bearing – inner race',
    specificity: 3,
  },
  {
    indicator: 'env_bsf',
    frequency: 'BSF',
    part: 'rolling element',
    failureMode: 'VIB',
    failureMechanism: '2.6',
    component: 'rolling-element bearing – rolling elements',
    specificity: 3,
  },
  {
    indicator: 'env_ftf',
    frequency: 'FTF',
    part: 'cage',
    // Cage damage is mostly wear from poor lubrication or skidding, not fatigue.
    failureMode: 'VIB',
    failureMechanism: '2.4',
    component: 'rolling-element bearing – cage',
    specificity: 3,
  },
];

const defect = (frequency: string): FailureClass => {
  const { failureMode, failureMechanism, component, specificity } = BEARING_DEFECTS.find(
    (d) => d.frequency === frequency,
  )!;
  return { failureMode, failureMechanism, component, specificity };
};

/**
 * A forecast's diagnosis (state/diagnosis/diagnose.ts) → the class of the findings it rests on: a
 * named bearing part is as specific as the bearing rule; imbalance, misalignment and looseness are
 * the table B.2 mechanisms 1.2, 1.3 and 1.5. 'none' and 'unknown' say nothing: the rule's own class stays.
 */
export const DIAGNOSIS_FAILURE_CLASS: Readonly<Record<DiagnosisFault, FailureClass | null>> = {
  outer_race: defect('BPFO'),
  inner_race: defect('BPFI'),
  rolling_element: defect('BSF'),
  cage: defect('FTF'),
  imbalance: { failureMode: 'VIB', failureMechanism: '1.2', component: 'rotor (imbalance)', specificity: 3 },
  misalignment: {
    failureMode: 'VIB',
    failureMechanism: '1.3',
    component: 'shaft coupling (alignment)',
    specificity: 3,
  },
  looseness: {
    failureMode: 'VIB',
    failureMechanism: '1.5',
    component: 'mounting (looseness)',
    specificity: 3,
  },
  none: null,
  unknown: null,
};

export const failureModeName = (code: string): string => FAILURE_MODES[code] ?? code;
export const failureMechanismName = (code: string): string => FAILURE_MECHANISMS[code] ?? code;
