/**
 * The work-order rules: pure functions from an asset's recent forecasts (newest first) to
 * findings. Each finding carries its ISO 14224 class, priority (1 = urgent), due date, the
 * numbers behind it and the forecasts it rests on. Thresholds come from RuleSettings.
 */
import { median } from '../maths/order-statistics.js';
import { zoneBoundaries, type Foundation, type MachineGroup } from '../state/iso20816.js';
import type { DiagnosisFault } from '../state/diagnosis/diagnose.js';
import {
  BEARING_DEFECTS,
  DIAGNOSIS_FAILURE_CLASS,
  RULE_FAILURE_CLASS,
  type FailureClass,
} from './iso14224.js';
import type { RuleName, RuleSettings } from './rule-settings.js';
import { formatAgainst, formatNumber, ofLastText, withUnit, withinText } from './wording.js';

export type Priority = 1 | 2 | 3 | 4;

/** The forecast columns the rules read. */
export interface RuleForecast {
  id: number;
  as_of: Date;
  scored_at: Date;
  health_index: number | null;
  anomaly_score: number | null;
  iso_zone: 'A' | 'B' | 'C' | 'D' | null;
  velocity_rms_mm_s: number | null;
  rul_hours: number | null;
  rul_lower_hours: number | null;
  rul_upper_hours: number | null;
  rul_interval_level: number | null;
  contributions: Array<{ feature: string; share: number }>;
  indicators: Record<string, number | null>;
  /** The suspected fault (forecasts.diagnosis, migration 0019); only the fields the rules read. */
  diagnosis?: { fault: DiagnosisFault; confidence: number } | null;
}

export interface RuleAsset {
  name: string;
  iso_machine_group: 1 | 2 | null;
  iso_foundation: 'rigid' | 'flexible' | null;
}

export interface Finding extends FailureClass {
  rule: RuleName;
  priority: Priority;
  dueAt: Date;
  /** A few words for the title. */
  headline: string;
  /** One sentence with the numbers. */
  evidenceText: string;
  actions: string[];
  evidence: Record<string, unknown>;
  forecastIds: number[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const r2 = (x: number) => Math.round(x * 100) / 100;
/** The due date: `ms` after the forecast's as-of (the data's clock, also when history is replayed). */
const at = (f: RuleForecast, ms: number) => new Date(f.as_of.getTime() + Math.max(0, ms));

/** A forecast's priority under a rule, or null when it does not cross the rule's threshold. */
type Severity = (f: RuleForecast) => Priority | null;

interface Persistent {
  /** The priority at least `raiseCount` of the window's forecasts reach. */
  priority: Priority;
  /** The newest forecast of exactly that priority: its numbers are the evidence. */
  rep: RuleForecast;
  /** The window's crossing forecasts, newest first. */
  crossing: RuleForecast[];
  window: number;
}

/** K of the last N forecasts cross: one spike is not a condition. The priority is the K-th most
 * urgent of the crossing ones, so one zone-D spike among zone-C windows reads as zone C. */
function persistent(history: RuleForecast[], s: RuleSettings, severity: Severity): Persistent | null {
  const window = history.slice(0, s.raiseWindow);
  const crossing = window.flatMap((f) => {
    const p = severity(f);
    return p === null ? [] : [{ f, p }];
  });
  if (crossing.length < s.raiseCount) return null;
  const priority = crossing.map((c) => c.p).sort((a, b) => a - b)[s.raiseCount - 1]!;
  return {
    priority,
    rep: crossing.find((c) => c.p === priority)!.f,
    crossing: crossing.map((c) => c.f),
    window: window.length,
  };
}

function rulSeverity(s: RuleSettings): Severity {
  return (f) => {
    if (f.rul_lower_hours === null || !(f.rul_lower_hours < s.leadTimeHours)) return null;
    const share = Math.max(0, f.rul_lower_hours) / s.leadTimeHours;
    return share < 0.25 ? 1 : share < 0.5 ? 2 : share < 0.75 ? 3 : 4;
  };
}

/** (a) The RUL interval's lower bound is inside the planning lead time. */
export function rulRule(history: RuleForecast[], s: RuleSettings): Finding[] {
  const hit = persistent(history, s, rulSeverity(s));
  if (!hit) return [];
  const { rep: f, priority } = hit;
  const newest = history[0]!;
  const lower = Math.max(0, f.rul_lower_hours!);
  const share = lower / s.leadTimeHours;
  const level = f.rul_interval_level === null ? '' : `${Math.round(f.rul_interval_level * 100)}% `;
  const interval =
    f.rul_upper_hours === null
      ? `≥ ${withUnit(lower, 'h', s.leadTimeHours)}`
      : `${formatAgainst(lower, s.leadTimeHours)}–${withUnit(f.rul_upper_hours, 'h')}`;
  // The bound as of its forecast, never before the newest forecast's as-of.
  const dueAt = new Date(Math.max(+at(f, lower * HOUR), +newest.as_of));
  const left = (+dueAt - +newest.as_of) / HOUR;
  return [
    {
      rule: 'rul_below_lead_time',
      ...RULE_FAILURE_CLASS.rul_below_lead_time,
      priority,
      dueAt,
      headline: `RUL lower bound ${withUnit(lower, 'h', s.leadTimeHours)}`,
      evidenceText:
        `Remaining useful life ${withUnit(f.rul_hours, 'h')} (${level}interval ${interval}) ` +
        `as of ${f.as_of.toISOString()}: the lower bound is ${formatAgainst(share * 100, 100)}% of the ${formatNumber(s.leadTimeHours)} h planning lead time ` +
        `(below it in ${ofLastText(hit.crossing.length, hit.window)}).`,
      actions: [
        'Inspect the asset for the degradation the RUL model tracks',
        left > 0
          ? `Plan the repair or replacement ${withinText(left)} (before the RUL lower bound)`
          : 'Plan the repair or replacement immediately: the RUL lower bound is reached',
        'Reserve spare parts and schedule the downtime window',
      ],
      evidence: {
        rulHours: f.rul_hours,
        rulLowerHours: f.rul_lower_hours,
        rulUpperHours: f.rul_upper_hours,
        intervalLevel: f.rul_interval_level,
        leadTimeHours: s.leadTimeHours,
        crossing: hit.crossing.length,
        window: hit.window,
      },
      forecastIds: hit.crossing.map((c) => c.id).sort((a, b) => a - b),
    },
  ];
}

/** The asset's ISO 20816 zone boundaries, when its machine group and foundation are known. */
export function zoneBounds(asset: RuleAsset) {
  return asset.iso_machine_group && asset.iso_foundation
    ? zoneBoundaries(asset.iso_machine_group as MachineGroup, asset.iso_foundation as Foundation)
    : undefined;
}

function zoneSeverity(asset: RuleAsset): Severity {
  const bounds = zoneBounds(asset);
  return (f) => {
    if (f.iso_zone === 'D') return 1;
    if (f.iso_zone !== 'C') return null;
    const v = f.velocity_rms_mm_s;
    return bounds !== undefined && v !== null && v >= (bounds[1] + bounds[2]) / 2 ? 2 : 3;
  };
}

/** (b) ISO 20816 zone C (priority 3, 2 in its upper half) or D (priority 1). */
export function isoZoneRule(history: RuleForecast[], asset: RuleAsset, s: RuleSettings): Finding[] {
  const hit = persistent(history, s, zoneSeverity(asset));
  if (!hit) return [];
  const { rep: f, priority } = hit;
  const zone = priority === 1 ? 'D' : 'C';
  const bounds = zoneBounds(asset);
  const dueDays = zone === 'D' ? s.zoneDDueDays : priority === 2 ? s.zoneCDueDays / 2 : s.zoneCDueDays;
  // Quoted against the boundary it crossed, so 2.8004 mm/s in zone C never reads as the 2.8 B/C line.
  const velocity = withUnit(f.velocity_rms_mm_s, 'mm/s RMS', bounds?.[zone === 'D' ? 2 : 1]);
  const limits = bounds ? ` (B/C ${bounds[1]} mm/s, C/D ${bounds[2]} mm/s)` : '';
  const within = withinText(dueDays * 24);
  return [
    {
      rule: 'iso_zone',
      ...RULE_FAILURE_CLASS.iso_zone,
      priority,
      dueAt: at(history[0]!, dueDays * DAY),
      headline: `ISO 20816 zone ${zone} (${velocity})`,
      evidenceText:
        `Vibration ${velocity} is in ISO 20816-3 zone ${zone}${limits} as of ${f.as_of.toISOString()}, ` +
        `zone ${zone === 'D' ? 'D' : 'C or D'} in ${ofLastText(hit.crossing.length, hit.window)}.`,
      actions: [
        'Verify the velocity reading on site',
        'Analyse the spectrum for unbalance (1×), misalignment (2×), looseness and bearing frequencies',
        'Check alignment, foundation bolts and balance',
        zone === 'D'
          ? `Zone D can cause damage: reduce load or stop, and correct ${within}`
          : `Plan the correction ${within}`,
      ],
      evidence: {
        isoZone: zone,
        velocityRmsMmS: f.velocity_rms_mm_s,
        zoneBoundariesMmS: bounds ?? null,
        crossing: hit.crossing.length,
        window: hit.window,
      },
      forecastIds: hit.crossing.map((c) => c.id).sort((a, b) => a - b),
    },
  ];
}

export const anomalyOf = (f: RuleForecast): number | null =>
  f.anomaly_score ?? (f.health_index === null ? null : 1 - f.health_index);

/** (c) The anomaly score stays above the threshold for N consecutive forecasts. */
export function anomalyRule(history: RuleForecast[], s: RuleSettings): Finding[] {
  const run: RuleForecast[] = [];
  for (const f of history) {
    const a = anomalyOf(f);
    if (a === null || !(a > s.anomalyThreshold)) break;
    run.push(f);
  }
  if (run.length < s.anomalyConsecutive || run.length === 0) return [];
  const scores = run.map((f) => anomalyOf(f)!);
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const priority: Priority = run.length >= 2 * s.anomalyConsecutive || mean >= 0.9 ? 2 : 3;
  const dueDays = priority === 2 ? s.anomalyDueDays / 2 : s.anomalyDueDays;
  const latest = run[0]!;
  const drivers = [...latest.contributions].sort((a, b) => b.share - a.share).slice(0, 3);
  const driverText = drivers.length
    ? ` Main drivers: ${drivers.map((d) => `${d.feature} (${formatNumber(d.share * 100)}%)`).join(', ')}.`
    : '';
  return [
    {
      rule: 'persistent_anomaly',
      ...RULE_FAILURE_CLASS.persistent_anomaly,
      priority,
      dueAt: at(latest, dueDays * DAY),
      headline: `anomaly in ${run.length} consecutive forecasts`,
      evidenceText:
        `Anomaly score above ${formatNumber(s.anomalyThreshold)} in the last ${run.length} forecasts ` +
        `(latest ${formatAgainst(scores[0]!, s.anomalyThreshold)}, mean ${formatAgainst(mean, s.anomalyThreshold)}, since ${run.at(-1)!.as_of.toISOString()}).${driverText}`,
      actions: [
        'Inspect the asset and compare with its last known-good condition',
        `Check what drives the score${drivers.length ? ` (${drivers.map((d) => d.feature).join(', ')})` : ''}`,
        'Check process conditions and the instrumentation',
        `Report the finding ${withinText(dueDays * 24)}`,
      ],
      evidence: {
        threshold: s.anomalyThreshold,
        consecutive: run.length,
        scores: scores.map(r2),
        drivers: drivers.map((d) => ({ feature: d.feature, share: r2(d.share) })),
      },
      forecastIds: run.map((f) => f.id),
    },
  ];
}

/** (d) A bearing defect-frequency indicator sustained at `factor` × its baseline. */
export function bearingRule(history: RuleForecast[], s: RuleSettings): Finding[] {
  const window = history.slice(0, s.bearingLookback).reverse(); // oldest first
  const out: Finding[] = [];
  for (const d of BEARING_DEFECTS) {
    const points = window.flatMap((f) => {
      const v = f.indicators?.[d.indicator];
      return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? [{ f, v }] : [];
    });
    if (points.length < s.bearingBaseline + s.bearingRecent) continue;
    const baseline = median(points.slice(0, s.bearingBaseline).map((p) => p.v));
    const recent = points.slice(-s.bearingRecent);
    // Every recent value over the bar: one spike is not a trend.
    if (!(baseline > 0) || !recent.every((p) => p.v >= s.bearingFactor * baseline)) continue;
    const ratio = median(recent.map((p) => p.v)) / baseline;
    const priority: Priority = ratio >= 2 * s.bearingFactor ? 2 : 3;
    const dueDays = priority === 2 ? s.bearingDueDays / 2 : s.bearingDueDays;
    const latest = recent.at(-1)!.f;
    const { indicator, frequency, part, ...cls } = d;
    out.push({
      rule: 'bearing_defect_trend',
      ...cls,
      priority,
      dueAt: at(latest, dueDays * DAY),
      headline: `bearing ${part} defect trend (${frequency} ×${formatAgainst(ratio, s.bearingFactor)})`,
      evidenceText:
        `Envelope amplitude at ${frequency} (${indicator}) rose from a baseline of ${formatNumber(baseline)} to ` +
        `${recent.map((p) => formatAgainst(p.v, s.bearingFactor * baseline)).join(', ')} over the last ${recent.length} forecasts (×${formatAgainst(ratio, s.bearingFactor)}, threshold ×${formatNumber(s.bearingFactor)}).`,
      actions: [
        `Inspect the bearing ${part}: envelope spectrum at ${frequency} and its harmonics`,
        'Check lubrication (quantity, contamination, interval)',
        `Plan the bearing replacement ${withinText(dueDays * 24)}`,
      ],
      evidence: {
        indicator,
        baseline: Number(baseline.toPrecision(6)),
        recent: recent.map((p) => Number(p.v.toPrecision(6))),
        ratio: r2(ratio),
        factor: s.bearingFactor,
      },
      forecastIds: points.map((p) => p.f.id),
    });
  }
  return out;
}

/** Every enabled rule on one asset's history (newest first). `historyFor` lets the caller hide
 * forecasts a dismissal already covered, per rule. */
export function runRules(
  historyFor: (rule: RuleName) => RuleForecast[],
  asset: RuleAsset,
  s: RuleSettings,
): Finding[] {
  const on = (r: RuleName) => !s.disabled.includes(r);
  return [
    ...(on('rul_below_lead_time') ? rulRule(historyFor('rul_below_lead_time'), s) : []),
    ...(on('iso_zone') ? isoZoneRule(historyFor('iso_zone'), asset, s) : []),
    ...(on('persistent_anomaly') ? anomalyRule(historyFor('persistent_anomaly'), s) : []),
    ...(on('bearing_defect_trend') ? bearingRule(historyFor('bearing_defect_trend'), s) : []),
  ].map((f) => withDiagnosis(f, historyFor(f.rule)[0]));
}

/** The class the diagnosis of a rule's newest forecast gives its finding, or null: the bearing
 * rule keeps its own part, 'none' and 'unknown' say nothing. */
function diagnosisClass(rule: RuleName, latest: RuleForecast | undefined): FailureClass | null {
  const d = latest?.diagnosis;
  return d && rule !== 'bearing_defect_trend' ? DIAGNOSIS_FAILURE_CLASS[d.fault] : null;
}

/** The failure mode a rule's finding on a history whose newest forecast is `latest` is filed
 * under: the rule's own, but the anomaly rule's PDE ("cause unknown") becomes the diagnosis's
 * mode. The dismissal cut-off (suggestions.service.ts `propose`) must look up this same mode, or a
 * dismissed diagnosed-anomaly suggestion is raised again from the evidence that was dismissed. */
export function ruleFailureMode(rule: RuleName, latest?: RuleForecast): string {
  if (rule === 'bearing_defect_trend') return BEARING_DEFECTS[0]!.failureMode;
  const own = RULE_FAILURE_CLASS[rule].failureMode;
  return rule === 'persistent_anomaly' ? (diagnosisClass(rule, latest)?.failureMode ?? own) : own;
}

/**
 * A finding on a forecast whose diagnosis names a fault takes its ISO 14224 mechanism and
 * component from it: the zone, anomaly and RUL rules know that something is wrong, the diagnosis
 * says what. The failure mode too when the rule's own says "cause unknown" (the anomaly rule's
 * PDE); a zone exceedance is already Vibration, a RUL finding stays the Breakdown it predicts.
 * The bearing rule keeps its own part (it rests on its own indicator's trend).
 */
function withDiagnosis(finding: Finding, latest: RuleForecast | undefined): Finding {
  const d = latest?.diagnosis;
  const cls = diagnosisClass(finding.rule, latest);
  if (!d || !cls) return finding;
  return {
    ...finding,
    failureMode: ruleFailureMode(finding.rule, latest),
    failureMechanism: cls.failureMechanism,
    component: cls.component,
    specificity: Math.max(finding.specificity, cls.specificity),
    // Said in the text too: the work order names a component the rule's own numbers do not.
    evidenceText:
      `${finding.evidenceText} The newest forecast's diagnosis: ${d.fault.replace('_', ' ')} ` +
      `(confidence ${formatNumber(d.confidence * 100)}%).`,
    evidence: { ...finding.evidence, diagnosis: { fault: d.fault, confidence: d.confidence } },
  };
}
