import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { buildProposals } from '../src/maintenance/proposal.js';
import { DEFAULT_RULES, resolveRules } from '../src/maintenance/rule-settings.js';
import { clearedReason } from '../src/maintenance/clearing.js';
import {
  anomalyRule,
  bearingRule,
  isoZoneRule,
  rulRule,
  runRules,
  type RuleForecast,
} from '../src/maintenance/rules.js';

const T0 = Date.parse('2024-06-01T00:00:00Z');
const s = resolveRules();
const asset = { name: 'pump-1', iso_machine_group: 2 as const, iso_foundation: 'rigid' as const };

/** Newest first, as the rules read them; `i` = 0 is the newest. */
function history(n: number, f: (i: number) => Partial<RuleForecast> = () => ({})): RuleForecast[] {
  return Array.from({ length: n }, (_, i) => ({
    id: 100 - i,
    as_of: new Date(T0 - i * 3_600_000),
    scored_at: new Date(T0 - i * 3_600_000),
    health_index: 0.9,
    anomaly_score: 0.1,
    iso_zone: 'A' as const,
    velocity_rms_mm_s: 1,
    rul_hours: null,
    rul_lower_hours: null,
    rul_upper_hours: null,
    rul_interval_level: null,
    contributions: [],
    indicators: {},
    ...f(i),
  }));
}

describe('work-order rules (pure)', () => {
  it('fire on nothing for a healthy asset', () => {
    const h = history(12, () => ({
      rul_hours: 2000,
      rul_lower_hours: 1500,
      rul_upper_hours: 2500,
      indicators: { env_bpfo: 1 },
    }));
    expect(runRules(() => h, asset, s)).toEqual([]);
  });

  it('(a) RUL lower bound below the lead time in 3 of 5 forecasts: priority by how far below, due at the bound', () => {
    const at = (lower: number) =>
      rulRule(
        history(3, () => ({
          rul_hours: lower + 50,
          rul_lower_hours: lower,
          rul_upper_hours: lower + 100,
          rul_interval_level: 0.8,
        })),
        s,
      );
    expect(at(400)).toEqual([]);
    expect(at(336)).toEqual([]);
    expect(at(300)[0]!.priority).toBe(4);
    expect(at(200)[0]!.priority).toBe(3);
    expect(at(100)[0]!.priority).toBe(2);
    const urgent = at(48)[0]!;
    expect(urgent).toMatchObject({
      priority: 1,
      failureMode: 'BRD',
      failureMechanism: '2.0',
      forecastIds: [98, 99, 100],
    });
    expect(urgent.dueAt.toISOString()).toBe(new Date(T0 + 48 * 3_600_000).toISOString());
    expect(urgent.evidenceText).toContain('80% interval 48–148 h');
    expect(urgent.evidenceText).toContain('336 h planning lead time');
  });

  it('(b) ISO zone C (2 or 3 by position in the band) and D (1), with the velocity', () => {
    const at = (zone: 'B' | 'C' | 'D', v: number) =>
      isoZoneRule(
        history(3, () => ({ iso_zone: zone, velocity_rms_mm_s: v })),
        asset,
        s,
      );
    expect(at('B', 2)).toEqual([]);
    expect(at('C', 3.0)[0]).toMatchObject({ priority: 3, failureMode: 'VIB', failureMechanism: '1.2' });
    expect(at('C', 4.0)[0]!.priority).toBe(2); // group 2 rigid: C is 2.8–4.5 mm/s
    const d = at('D', 9.1)[0]!;
    expect(d.priority).toBe(1);
    expect(d.evidenceText).toContain('9.1 mm/s RMS');
    expect(d.dueAt.getTime()).toBe(T0 + 3 * 86_400_000);
    // Without a machine class the band position is unknown: priority 3.
    expect(
      isoZoneRule(
        history(3, () => ({ iso_zone: 'C', velocity_rms_mm_s: 4 })),
        { ...asset, iso_machine_group: null },
        s,
      )[0]!.priority,
    ).toBe(3);
  });

  it('(c) persistent anomaly: N consecutive, a break resets the run, 1 − health_index counts', () => {
    const run = (scores: Array<number | null>) =>
      anomalyRule(
        history(scores.length, (i) => ({ anomaly_score: scores[i]!, health_index: null })),
        s,
      );
    expect(run([0.8, 0.8, 0.5, 0.8])).toEqual([]);
    expect(run([0.8, 0.8])).toEqual([]);
    const f = run([0.8, 0.75, 0.72, 0.1])[0]!;
    expect(f).toMatchObject({
      priority: 3,
      failureMode: 'PDE',
      failureMechanism: '6.4',
      forecastIds: [100, 99, 98],
    });
    expect(f.evidence).toMatchObject({ consecutive: 3, scores: [0.8, 0.75, 0.72] });
    expect(run([0.95, 0.95, 0.95])[0]!.priority).toBe(2);
    const fromHealth = anomalyRule(
      history(3, () => ({ anomaly_score: null, health_index: 0.2 })),
      s,
    );
    expect(fromHealth).toHaveLength(1);
  });

  it('(d) bearing indicator: a sustained rise fires, a single spike does not', () => {
    const series = (values: number[]) =>
      history(values.length, (i) => ({
        indicators: { env_bpfo: values[values.length - 1 - i]!, env_bpfi: 1 },
      }));
    expect(bearingRule(series([1, 1.1, 0.9, 1, 1, 5]), s)).toEqual([]); // one spike
    expect(bearingRule(series([1, 1, 1, 2.5, 1, 2.6]), s)).toEqual([]); // not sustained
    const f = bearingRule(series([1, 1.1, 0.9, 2.2, 2.5, 3]), s);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      priority: 3,
      failureMode: 'VIB',
      failureMechanism: '2.6',
      component: 'rolling-element bearing – outer race',
    });
    expect(f[0]!.evidence).toMatchObject({
      indicator: 'env_bpfo',
      baseline: 1,
      recent: [2.2, 2.5, 3],
      ratio: 2.5,
    });
    expect(bearingRule(series([1, 1, 1, 4.5, 5, 6]), s)[0]!.priority).toBe(2);
    // Too short a history to have a baseline: nothing.
    expect(bearingRule(series([1, 3, 3, 3]), s)).toEqual([]);
    const cage = history(6, (i) => ({ indicators: { env_ftf: i < 3 ? 3 : 1 } }));
    expect(bearingRule(cage, s)[0]).toMatchObject({
      failureMechanism: '2.4',
      component: 'rolling-element bearing – cage',
    });
  });

  it('merges findings of one failure mode: most urgent priority, most specific mechanism', () => {
    const h = history(6, (i) => ({
      iso_zone: 'C',
      velocity_rms_mm_s: 3,
      indicators: { env_bpfi: i < 3 ? 3 : 1 },
    }));
    const proposals = buildProposals(
      'pump-1',
      runRules(() => h, asset, s),
    );
    expect(proposals).toHaveLength(1);
    const p = proposals[0]!;
    expect(p).toMatchObject({
      failureMode: 'VIB',
      failureMechanism: '2.6',
      priority: 3,
      rules: ['iso_zone', 'bearing_defect_trend'],
    });
    expect(p.description).toContain('zone C');
    expect(p.description).toContain('BPFI');
    expect(p.recommendedAction).toContain('Check lubrication');
    expect(p.forecastIds).toEqual([95, 96, 97, 98, 99, 100]);
  });

  it('respects disabled rules and overrides', () => {
    const h = history(3, () => ({ iso_zone: 'D', velocity_rms_mm_s: 9 }));
    expect(runRules(() => h, asset, { ...s, disabled: ['iso_zone'] })).toEqual([]);
    const lower = history(3, () => ({ rul_lower_hours: 500 }));
    expect(rulRule(lower, resolveRules({ leadTimeHours: 1000 }))).toHaveLength(1);
  });
});

describe('rule and webhook configuration', () => {
  it('reads overrides and leaves defaults alone', () => {
    const c = loadConfig({
      PROGNOS_RULE_LEAD_TIME_HOURS: '168',
      PROGNOS_RULES_DISABLED: 'iso_zone, persistent_anomaly',
    });
    expect(resolveRules(c.suggestionRules)).toMatchObject({
      leadTimeHours: 168,
      disabled: ['iso_zone', 'persistent_anomaly'],
      anomalyConsecutive: DEFAULT_RULES.anomalyConsecutive,
    });
    expect(c.webhook).toBeUndefined();
    const w = loadConfig({
      PROGNOS_WEBHOOK_URL: 'https://cmms.example/hook',
      PROGNOS_WEBHOOK_SECRET: 'x'.repeat(32),
    });
    expect(w.webhook).toMatchObject({ url: 'https://cmms.example/hook', maxAttempts: 10, backoffMs: 5000 });
  });

  it('names every bad variable', () => {
    let err: ConfigError | undefined;
    try {
      loadConfig({
        PROGNOS_RULE_ANOMALY_THRESHOLD: '2',
        PROGNOS_RULE_ANOMALY_CONSECUTIVE: 'three',
        PROGNOS_RULES_DISABLED: 'nope',
        PROGNOS_WEBHOOK_URL: 'ftp://x',
        PROGNOS_WEBHOOK_SECRET: 'short',
      });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = err!.problems.join('\n');
    for (const name of [
      'PROGNOS_RULE_ANOMALY_THRESHOLD',
      'PROGNOS_RULE_ANOMALY_CONSECUTIVE',
      'PROGNOS_RULES_DISABLED has unknown rule(s) nope',
      'PROGNOS_WEBHOOK_URL must use',
      'PROGNOS_WEBHOOK_SECRET must be at least 16',
    ])
      expect(text).toContain(name);
    expect(() => loadConfig({ PROGNOS_WEBHOOK_URL: 'https://x.example' })).toThrow(
      /PROGNOS_WEBHOOK_SECRET is required/,
    );
  });

  it('reads the persistence settings and refuses K above N', () => {
    const c = loadConfig({
      PROGNOS_RULE_RAISE_COUNT: '2',
      PROGNOS_RULE_RAISE_WINDOW: '4',
      PROGNOS_RULE_CLEAR_COUNT: '6',
    });
    expect(resolveRules(c.suggestionRules)).toMatchObject({ raiseCount: 2, raiseWindow: 4, clearCount: 6 });
    expect(DEFAULT_RULES).toMatchObject({ raiseCount: 3, raiseWindow: 5, clearCount: 3 });
    expect(() => loadConfig({ PROGNOS_RULE_RAISE_COUNT: '6' })).toThrow(
      /PROGNOS_RULE_RAISE_COUNT \(6\) must be at most PROGNOS_RULE_RAISE_WINDOW \(5\)/,
    );
    expect(() => loadConfig({ PROGNOS_RULE_CLEAR_COUNT: '0' })).toThrow(/PROGNOS_RULE_CLEAR_COUNT/);
  });
});

describe('persistence and hysteresis (pure)', () => {
  const zones = (list: Array<['A' | 'B' | 'C' | 'D', number]>) =>
    history(list.length, (i) => ({ iso_zone: list[i]![0], velocity_rms_mm_s: list[i]![1] }));

  it('one spike never raises; K of the last N do, at the K-th most urgent priority', () => {
    // The user's case: one 30.9 mm/s spike on a healthy motor (newest first).
    expect(
      isoZoneRule(
        zones([
          ['D', 30.9],
          ['A', 1.1],
          ['A', 1.2],
          ['A', 1],
          ['A', 1.1],
        ]),
        asset,
        s,
      ),
    ).toEqual([]);
    expect(
      isoZoneRule(
        zones([
          ['D', 9],
          ['A', 1],
          ['D', 9.5],
          ['A', 1],
          ['A', 1],
        ]),
        asset,
        s,
      ),
    ).toEqual([]);
    const three = isoZoneRule(
      zones([
        ['D', 9],
        ['A', 1],
        ['D', 9.5],
        ['B', 2],
        ['D', 8],
      ]),
      asset,
      s,
    )[0]!;
    expect(three).toMatchObject({ priority: 1, forecastIds: [96, 98, 100] });
    expect(three.evidence).toMatchObject({ isoZone: 'D', crossing: 3, window: 5 });
    expect(three.evidenceText).toContain('zone D in 3 of the last 5 forecasts');
    // Older than the window: not counted.
    expect(
      isoZoneRule(
        zones([
          ['D', 9],
          ['D', 9],
          ['A', 1],
          ['A', 1],
          ['A', 1],
          ['D', 9],
        ]),
        asset,
        s,
      ),
    ).toEqual([]);
    // One D spike among zone-C windows is a zone-C suggestion (group 2 rigid: C 2.8–4.5 mm/s).
    const c = isoZoneRule(
      zones([
        ['D', 31],
        ['C', 3],
        ['C', 3.1],
        ['A', 1],
        ['A', 1],
      ]),
      asset,
      s,
    )[0]!;
    expect(c).toMatchObject({ priority: 3, headline: 'ISO 20816 zone C (3 mm/s RMS)' });
    // Configurable: K = 1 of N = 1 is the old one-forecast behaviour.
    expect(isoZoneRule(zones([['D', 31]]), asset, { ...s, raiseCount: 1, raiseWindow: 1 })).toHaveLength(1);
    const rul = (lowers: Array<number | null>) =>
      rulRule(
        history(lowers.length, (i) => ({ rul_lower_hours: lowers[i]! })),
        s,
      );
    expect(rul([10, 500, 500, 500, 500])).toEqual([]);
    expect(rul([10, 20, null, 300, 500])[0]).toMatchObject({ priority: 4 });
  });

  it('clears only after M consecutive forecasts below every rule of the suggestion', () => {
    const open = { rules: ['iso_zone'], evidence: {} };
    expect(
      clearedReason(
        open,
        zones([
          ['A', 2.1],
          ['B', 2.5],
          ['A', 1],
        ]),
        asset,
        s,
      ),
    ).toBe(`velocity 2.1 mm/s below 2.8 mm/s (zone C) for 3 forecasts (as of ${new Date(T0).toISOString()})`);
    expect(
      clearedReason(
        open,
        zones([
          ['A', 2.1],
          ['C', 3],
          ['A', 1],
        ]),
        asset,
        s,
      ),
    ).toBeNull();
    expect(
      clearedReason(
        open,
        zones([
          ['A', 2.1],
          ['A', 2],
        ]),
        asset,
        s,
      ),
    ).toBeNull(); // too few
    const noClass = { ...asset, iso_machine_group: null };
    expect(
      clearedReason(
        open,
        zones([
          ['B', 2.1],
          ['B', 2.5],
          ['A', 1],
        ]),
        noClass,
        s,
      ),
    ).toMatch(/^vibration back in zone B \(velocity 2.1 mm\/s\) for 3 forecasts/);
    const both = {
      rules: ['iso_zone', 'bearing_defect_trend'],
      evidence: { 'bearing_defect_trend.env_bpfo': { indicator: 'env_bpfo', baseline: 0.0031, factor: 2 } },
    };
    const h = (bpfo: number) =>
      history(3, () => ({ iso_zone: 'A', velocity_rms_mm_s: 1, indicators: { env_bpfo: bpfo } }));
    expect(clearedReason(both, h(0.007), asset, s)).toBeNull(); // the bearing is still above 2 × 0.0031
    expect(clearedReason(both, h(0.004), asset, s)).toContain('env_bpfo 0.004 below 0.0062 for 3 forecasts');
    const rul = history(3, () => ({ rul_lower_hours: 400 }));
    expect(clearedReason({ rules: ['rul_below_lead_time'], evidence: {} }, rul, asset, s)).toMatch(
      /^RUL lower bound 400 h at or above the 336 h lead time for 3 forecasts/,
    );
    const calm = history(3, () => ({ anomaly_score: 0.12 }));
    expect(clearedReason({ rules: ['persistent_anomaly'], evidence: {} }, calm, asset, s)).toMatch(
      /^anomaly score 0.12 at or below 0.7 for 3 forecasts/,
    );
  });

  it('property: raises iff at least K of the last N forecasts cross; due never before the newest as-of', () => {
    const zone = fc.constantFrom<'A' | 'B' | 'C' | 'D'>('A', 'B', 'C', 'D');
    const settings = fc
      .record({ raiseWindow: fc.integer({ min: 1, max: 8 }), k: fc.integer({ min: 1, max: 8 }) })
      .map(({ raiseWindow, k }) => ({ ...s, raiseWindow, raiseCount: Math.min(k, raiseWindow) }));
    fc.assert(
      fc.property(fc.array(zone, { minLength: 1, maxLength: 12 }), settings, (list, rs) => {
        const h = history(list.length, (i) => ({ iso_zone: list[i]!, velocity_rms_mm_s: 1 }));
        const found = isoZoneRule(h, asset, rs);
        const crossing = list.slice(0, rs.raiseWindow).filter((z) => z === 'C' || z === 'D').length;
        const d = list.slice(0, rs.raiseWindow).filter((z) => z === 'D').length;
        if (crossing < rs.raiseCount) return found.length === 0;
        const f = found[0]!;
        return (
          found.length === 1 &&
          (f.priority === 1) === d >= rs.raiseCount &&
          f.dueAt.getTime() > h[0]!.as_of.getTime() &&
          !/\b0 days|within 0\b/.test(f.actions.join(' '))
        );
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: -10, max: 500, noNaN: true }), { nil: null }), {
          minLength: 1,
          maxLength: 8,
        }),
        (lowers) => {
          const h = history(lowers.length, (i) => ({ rul_lower_hours: lowers[i]! }));
          const f = rulRule(h, s)[0];
          const crossing = lowers.slice(0, s.raiseWindow).filter((x) => x !== null && x < s.leadTimeHours);
          if (crossing.length < s.raiseCount) return f === undefined;
          const text = f!.actions.join(' ');
          return (
            f!.dueAt.getTime() >= T0 &&
            (f!.dueAt.getTime() > T0 || text.includes('immediately')) &&
            !/\b0 days|within 0\b/.test(text)
          );
        },
      ),
    );
  });

  it('texts read right at edge values', () => {
    const rul = (lower: number, upper: number | null) =>
      rulRule(
        history(3, () => ({ rul_hours: lower, rul_lower_hours: lower, rul_upper_hours: upper })),
        s,
      )[0]!;
    const zero = rul(0, 12.345);
    expect(zero.dueAt.getTime()).toBe(T0);
    expect(zero.actions.join(' ')).toContain('immediately: the RUL lower bound is reached');
    expect(zero.evidenceText).toContain('interval 0–12.3 h');
    const hours = rul(5.5, null);
    expect(hours.actions.join(' ')).toContain('within 5.5 hours');
    expect(hours.dueAt.getTime()).toBeGreaterThan(T0);
    expect(hours.evidenceText).toContain('interval ≥ 5.5 h');
    expect(rul(0.4, 1).actions.join(' ')).toContain('within 24 minutes');
    expect(rul(49, 100).actions.join(' ')).toContain('within 2 days');
    for (const f of [zero, hours]) expect(f.actions.join(' ')).not.toMatch(/\b0 days|within 0\b/);
    const tiny = bearingRule(
      history(6, (i) => ({ indicators: { env_bpfo: [0.0123, 0.0118, 0.0105, 0.0031, 0.0032, 0.003][i]! } })),
      s,
    )[0]!;
    expect(tiny.evidenceText).toContain('rose from a baseline of 0.0031 to 0.0105, 0.0118, 0.0123');
    expect(tiny.evidence).toMatchObject({ baseline: 0.0031 });
    const zoneNow = isoZoneRule(
      zones([
        ['D', 9],
        ['D', 9],
        ['D', 9],
      ]),
      asset,
      { ...s, zoneDDueDays: 0.5 },
    )[0]!;
    expect(zoneNow.actions.at(-1)).toBe(
      'Zone D can cause damage: reduce load or stop, and correct within 12 hours',
    );
  });
});
