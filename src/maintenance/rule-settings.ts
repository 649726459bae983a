/**
 * The work-order rules' settings and their defaults. `src/config.ts` reads overrides from the
 * environment (PROGNOS_RULE_*); `resolveRules` fills in the rest. No imports, so config.ts can
 * depend on it without pulling in the domain.
 */
export const RULE_NAMES = [
  'rul_below_lead_time',
  'iso_zone',
  'persistent_anomaly',
  'bearing_defect_trend',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export interface RuleSettings {
  /** Rules switched off (PROGNOS_RULES_DISABLED=iso_zone,…). */
  disabled: readonly RuleName[];
  /** (a) Planning lead time: a RUL lower bound below it needs a work order now. */
  leadTimeHours: number;
  /** (b) Days to act in ISO 20816 zone C (priority 3; half of it at priority 2) and zone D. */
  zoneCDueDays: number;
  zoneDDueDays: number;
  /** (c) anomaly_score (or 1 − health_index) above this for `anomalyConsecutive` forecasts. */
  anomalyThreshold: number;
  anomalyConsecutive: number;
  anomalyDueDays: number;
  /** (d) Bearing envelope indicators: the last `bearingRecent` values all at least `bearingFactor`
   * × the baseline (median of the oldest `bearingBaseline` values within `bearingLookback`). */
  bearingFactor: number;
  bearingLookback: number;
  bearingBaseline: number;
  bearingRecent: number;
  bearingDueDays: number;
  /** Persistence of (a) and (b), which read one value per forecast: they raise when at least
   * `raiseCount` of the asset's last `raiseWindow` forecasts cross their threshold, so one
   * spike never raises a work order. (c) and (d) already need a run (`anomalyConsecutive`,
   * `bearingRecent`). */
  raiseCount: number;
  raiseWindow: number;
  /** Hysteresis of every rule: an open suggestion is resolved once the newest `clearCount`
   * consecutive forecasts are all below the thresholds of each of its rules. */
  clearCount: number;
}

export type RuleOverrides = { readonly [K in keyof RuleSettings]?: RuleSettings[K] | undefined };

export const DEFAULT_RULES: Readonly<RuleSettings> = Object.freeze({
  disabled: [],
  leadTimeHours: 14 * 24,
  zoneCDueDays: 30,
  zoneDDueDays: 3,
  anomalyThreshold: 0.7,
  anomalyConsecutive: 3,
  anomalyDueDays: 14,
  bearingFactor: 2,
  bearingLookback: 12,
  bearingBaseline: 3,
  bearingRecent: 3,
  bearingDueDays: 30,
  raiseCount: 3,
  raiseWindow: 5,
  clearCount: 3,
});

export function resolveRules(overrides: RuleOverrides = {}): RuleSettings {
  const out = { ...DEFAULT_RULES } as Record<string, unknown>;
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) out[k] = v;
  return out as unknown as RuleSettings;
}
