import { describe, expect, it } from 'vitest';
import type { MaintenanceEvent } from '../../acquisition/formats/maintenance-csv.js';
import { DAY_MS, HOUR_MS, labelWithinHorizon, splitAssets, type Observation } from './horizon-labels.js';

const t0 = Date.UTC(2015, 0, 1);
const at = (hours: number) => new Date(t0 + hours * HOUR_MS);
const failure = (asset: string, hours: number, component = 'comp1'): MaintenanceEvent => ({
  at: at(hours),
  assetRef: asset,
  component,
  code: null,
  kind: 'failure',
});
const obs = (asset: string, ...hours: number[]): Observation[] =>
  hours.map((h) => ({ assetRef: asset, at: at(h) }));

describe('labelWithinHorizon', () => {
  const events = [failure('1', 100), failure('1', 130, 'comp2'), failure('2', 50)];

  it('labels an observation 1 when a failure of its asset falls in (t, t + H]', () => {
    const labels = labelWithinHorizon(obs('1', 0, 75, 76, 99, 100, 101, 106, 107, 130, 131), events, {
      horizonMs: 24 * HOUR_MS,
    });
    expect(labels.map((l) => l.label)).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 0, 0]);
    // Exactly at the horizon counts; at the observation's own time does not (it is not future).
    expect(labels[2]).toEqual({ label: 1, timeToEventMs: 24 * HOUR_MS, component: 'comp1' });
    expect(labels[4]?.timeToEventMs).toBe(30 * HOUR_MS);
    expect(labels[4]?.component).toBe('comp2');
    expect(labels[9]).toEqual({ label: 0, timeToEventMs: null, component: null });
  });

  it('uses only the asset’s own events and leaves assets without failures at 0', () => {
    const labels = labelWithinHorizon([...obs('2', 40), ...obs('3', 40), ...obs('1', 40)], events, {
      horizonMs: 12 * HOUR_MS,
    });
    expect(labels.map((l) => l.label)).toEqual([1, 0, 0]);
    expect(labels[1]?.timeToEventMs).toBeNull();
  });

  it('does not change a label when past events are added or removed (no leakage)', () => {
    const o = obs('1', 90, 110, 125);
    const base = labelWithinHorizon(o, events, { horizonMs: DAY_MS });
    const withPast = labelWithinHorizon(o, [failure('1', 5), failure('1', 89), ...events], {
      horizonMs: DAY_MS,
    });
    expect(withPast).toEqual(base);
  });

  it('filters by event kind and component, and censors horizons past the end of history', () => {
    const maint: MaintenanceEvent = { ...failure('1', 10), kind: 'replacement' };
    const o = obs('1', 0, 95, 120);
    expect(
      labelWithinHorizon(o, [maint, ...events], { horizonMs: 20 * HOUR_MS }).map((l) => l.label),
    ).toEqual([0, 1, 1]);
    expect(
      labelWithinHorizon(o, [maint, ...events], { horizonMs: 20 * HOUR_MS, kinds: ['replacement'] }).map(
        (l) => l.label,
      ),
    ).toEqual([1, 0, 0]);
    expect(
      labelWithinHorizon(o, events, { horizonMs: 20 * HOUR_MS, component: 'comp2' }).map((l) => l.label),
    ).toEqual([0, 0, 1]);
    const censored = labelWithinHorizon(obs('3', 0, 100), events, { horizonMs: DAY_MS, historyEnd: at(110) });
    expect(censored.map((l) => l.label)).toEqual([0, null]);
    expect(() => labelWithinHorizon(o, events, { horizonMs: 0 })).toThrow(/horizonMs/);
  });

  it('handles unsorted events and several failures at one time', () => {
    const shuffled = [failure('1', 130), failure('1', 100, 'comp3'), failure('1', 100, 'comp4')];
    const labels = labelWithinHorizon(obs('1', 90, 100), shuffled, { horizonMs: 10 * HOUR_MS });
    expect(labels.map((l) => l.label)).toEqual([1, 0]);
    expect(labels[0]?.timeToEventMs).toBe(10 * HOUR_MS);
  });
});

describe('splitAssets', () => {
  it('puts every asset on exactly one side, deterministically', () => {
    const refs = Array.from({ length: 100 }, (_, i) => String(i + 1));
    const a = splitAssets([...refs, ...refs], 0.2, 5);
    expect(a.validation).toHaveLength(20);
    expect([...a.train, ...a.validation].sort()).toEqual([...refs].sort());
    expect(a.train.filter((r) => a.validation.includes(r))).toEqual([]);
    expect(splitAssets(refs, 0.2, 5)).toEqual(a);
    expect(splitAssets(['only'], 0.5, 1)).toEqual({ train: ['only'], validation: [] });
  });
});
