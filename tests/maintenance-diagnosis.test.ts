/** Work-order findings take their ISO 14224 class from the forecast's diagnosis (iso14224.ts). */
import { describe, expect, it } from 'vitest';
import { resolveRules } from '../src/maintenance/rule-settings.js';
import { runRules, type RuleForecast } from '../src/maintenance/rules.js';
import { propose } from '../src/maintenance/suggestions.service.js';
import type { WorkOrderSuggestion } from '../src/db/schema.js';

const T0 = Date.parse('2024-06-01T00:00:00Z');
const asset = { name: 'pump-1', iso_machine_group: 2 as const, iso_foundation: 'rigid' as const };

const zoneD = (diagnosis: RuleForecast['diagnosis']): RuleForecast[] => [
  {
    id: 1,
    as_of: new Date(T0),
    scored_at: new Date(T0),
    health_index: null,
    anomaly_score: null,
    iso_zone: 'D',
    velocity_rms_mm_s: 12,
    rul_hours: null,
    rul_lower_hours: null,
    rul_upper_hours: null,
    rul_interval_level: null,
    contributions: [],
    indicators: {},
    diagnosis,
  },
];

describe('findings and the diagnosis', () => {
  // One forecast raises (K = 1 of N = 1): these cases are about the class, not the persistence.
  const s = resolveRules({ raiseCount: 1, raiseWindow: 1 });
  it('an outer-race diagnosis makes the zone finding a fatigue finding on the outer race', () => {
    const [f] = runRules(() => zoneD({ fault: 'outer_race', confidence: 0.93 }), asset, s);
    expect(f).toMatchObject({
      rule: 'iso_zone',
      failureMode: 'VIB',
      failureMechanism: '2.6',
      component: 'rolling-element bearing – outer race',
      evidence: { diagnosis: { fault: 'outer_race', confidence: 0.93 } },
    });
    expect(f!.evidenceText).toContain("The newest forecast's diagnosis: outer race (confidence 93%).");
  });

  it('a diagnosis explains an anomaly (PDE → VIB) but leaves a predicted breakdown a breakdown', () => {
    const h = (i: number, over: Partial<RuleForecast>) => ({
      ...zoneD({ fault: 'inner_race', confidence: 0.8 })[0]!,
      id: 10 - i,
      iso_zone: 'A' as const,
      ...over,
    });
    const anomaly = [0, 1, 2].map((i) => h(i, { anomaly_score: 0.9 }));
    const [a] = runRules(() => anomaly, asset, s);
    expect(a).toMatchObject({
      rule: 'persistent_anomaly',
      failureMode: 'VIB',
      failureMechanism: '2.6',
      component: 'rolling-element bearing – inner race',
    });
    const [r] = runRules(() => [h(0, { rul_hours: 10, rul_lower_hours: 5, rul_upper_hours: 20 })], asset, s);
    expect(r).toMatchObject({ rule: 'rul_below_lead_time', failureMode: 'BRD', failureMechanism: '2.6' });
  });

  it('misalignment is the alignment mechanism; none, unknown or no diagnosis keep the rule’s class', () => {
    expect(
      runRules(() => zoneD({ fault: 'misalignment', confidence: 0.8 }), asset, s)[0]!.failureMechanism,
    ).toBe('1.3');
    for (const d of [
      { fault: 'none' as const, confidence: 0.9 },
      { fault: 'unknown' as const, confidence: 0 },
      null,
    ]) {
      const [f] = runRules(() => zoneD(d), asset, s);
      expect(f).toMatchObject({ failureMode: 'VIB', failureMechanism: '1.2', component: null });
      expect(f!.evidence.diagnosis).toBeUndefined();
    }
  });

  it('a dismissed diagnosed-anomaly (VIB) suggestion is not raised again from the same forecasts', () => {
    const anomaly = [0, 1, 2].map((i) => ({
      ...zoneD({ fault: 'inner_race', confidence: 0.8 })[0]!,
      id: 10 - i,
      iso_zone: 'A' as const,
      anomaly_score: 0.9,
    }));
    expect(propose(asset, anomaly, [], s)).toMatchObject([
      { failureMode: 'VIB', rules: ['persistent_anomaly'] },
    ]);
    const dismissed = {
      failure_mode: 'VIB',
      status: 'dismissed',
      priority: 2,
      status_changed_at: new Date(T0 + 1),
    } as WorkOrderSuggestion;
    expect(propose(asset, anomaly, [dismissed], s)).toEqual([]);
  });
});
