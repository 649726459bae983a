/**
 * The clear side of the rules' hysteresis: an open suggestion is resolved once the newest
 * `clearCount` consecutive forecasts are below the threshold of every rule behind it. Between
 * raising (K of N above) and clearing (M in a row below) nothing changes, so a value hovering at
 * the threshold neither floods nor flaps. Pure.
 */
import type { RuleName, RuleSettings } from './rule-settings.js';
import { anomalyOf, zoneBounds, type RuleAsset, type RuleForecast } from './rules.js';
import { formatAgainst, formatNumber, plural, withUnit } from './wording.js';

export interface OpenCondition {
  rules: string[];
  evidence: Record<string, unknown>;
}

/** Why the suggestion's condition has cleared ("velocity 2.1 mm/s below 4.5 mm/s (zone C) for 3
 * forecasts; …"), or null while any of its rules is not clear for the last `clearCount`
 * forecasts (fewer forecasts than that: not clear). `history` is newest first. */
export function clearedReason(
  open: OpenCondition,
  history: RuleForecast[],
  asset: RuleAsset,
  s: RuleSettings,
): string | null {
  const recent = history.slice(0, s.clearCount);
  if (recent.length < s.clearCount || open.rules.length === 0) return null;
  const parts: string[] = [];
  for (const rule of open.rules) {
    const part = clearOf(rule as RuleName, open.evidence, recent, asset, s);
    if (part === null) return null;
    parts.push(part);
  }
  return `${parts.join('; ')} (as of ${recent[0]!.as_of.toISOString()})`;
}

const forN = (n: number) => `for ${plural(n, 'forecast')}`;

function clearOf(
  rule: RuleName,
  evidence: Record<string, unknown>,
  recent: RuleForecast[],
  asset: RuleAsset,
  s: RuleSettings,
): string | null {
  const newest = recent[0]!;
  const n = forN(recent.length);
  switch (rule) {
    case 'rul_below_lead_time': {
      const ok = recent.every((f) => f.rul_lower_hours !== null && f.rul_lower_hours >= s.leadTimeHours);
      return ok
        ? `RUL lower bound ${withUnit(newest.rul_lower_hours, 'h', s.leadTimeHours)} at or above the ${formatNumber(s.leadTimeHours)} h lead time ${n}`
        : null;
    }
    case 'iso_zone': {
      if (!recent.every((f) => f.iso_zone === 'A' || f.iso_zone === 'B')) return null;
      const bounds = zoneBounds(asset);
      const v = withUnit(newest.velocity_rms_mm_s, 'mm/s', bounds?.[1]);
      return bounds
        ? `velocity ${v} below ${formatNumber(bounds[1])} mm/s (zone C) ${n}`
        : `vibration back in zone ${newest.iso_zone} (velocity ${v}) ${n}`;
    }
    case 'persistent_anomaly': {
      const ok = recent.every((f) => {
        const a = anomalyOf(f);
        return a !== null && a <= s.anomalyThreshold;
      });
      return ok
        ? `anomaly score ${formatAgainst(anomalyOf(newest)!, s.anomalyThreshold)} at or below ${formatNumber(s.anomalyThreshold)} ${n}`
        : null;
    }
    case 'bearing_defect_trend': {
      // The bar is the one the suggestion was raised against: its baseline × factor.
      const parts: string[] = [];
      for (const [key, value] of Object.entries(evidence)) {
        if (!key.startsWith('bearing_defect_trend.')) continue;
        const e = value as { indicator?: unknown; baseline?: unknown; factor?: unknown };
        if (typeof e.indicator !== 'string' || typeof e.baseline !== 'number' || typeof e.factor !== 'number')
          return null;
        const bar = e.baseline * e.factor;
        const values = recent.map((f) => f.indicators?.[e.indicator as string]);
        if (!values.every((v) => typeof v === 'number' && Number.isFinite(v) && v < bar)) return null;
        parts.push(
          `${e.indicator} ${formatAgainst(values[0] as number, bar)} below ${formatNumber(bar)} ${n}`,
        );
      }
      return parts.length > 0 ? parts.join(', ') : null;
    }
    default:
      return null;
  }
}
