import { describe, expect, it } from 'vitest';
import {
  assetState,
  type AssetStateInputs,
  type DataStream,
  type LifeEvent,
  type StateForecast,
} from './asset-state.js';

const H = 3_600_000;
const T0 = Date.parse('2024-03-01T00:00:00Z');
const at = (h: number) => new Date(T0 + h * H);
const settings = { anomalyThreshold: 0.7, leadTimeHours: 336, offlineAfterIntervals: 3 };

const healthy = (h: number): StateForecast => ({
  asOf: at(h),
  isoZone: 'A',
  anomalyScore: 0.1,
  healthIndex: 0.95,
  rulLowerHours: 2000,
});
const zoneD = (h: number): StateForecast => ({ ...healthy(h), isoZone: 'D' });
/** Hourly data up to `lastH`. */
const hourly = (lastH: number): DataStream => ({ lastAt: at(lastH), intervalMs: H });
const event = (kind: LifeEvent['kind'], h: number, endH?: number): LifeEvent => ({
  kind,
  occurredAt: at(h),
  endedAt: endH === undefined ? null : at(endH),
});

function state(i: Partial<AssetStateInputs> & { clockH: number }) {
  return assetState(
    { events: i.events ?? [], forecasts: i.forecasts ?? [], streams: i.streams ?? [], clock: at(i.clockH) },
    settings,
  );
}

describe('assetState', () => {
  it('running → alarm → failed → (repair) running, one machine through its life', () => {
    const calm = [healthy(10), healthy(9), healthy(8)];
    expect(state({ clockH: 10, forecasts: calm, streams: [hourly(10)] })).toMatchObject({
      state: 'running',
      since: at(8),
      lastDataAt: at(10),
    });

    const rising = [zoneD(12), zoneD(11), ...calm];
    expect(state({ clockH: 12, forecasts: rising, streams: [hourly(12)] })).toMatchObject({
      state: 'alarm',
      since: at(11),
    });

    const failure = event('failure', 13);
    expect(state({ clockH: 200, events: [failure], forecasts: rising, streams: [hourly(13)] })).toEqual({
      state: 'failed',
      since: at(13),
      failedAt: at(13),
      lastDataAt: at(13),
    });

    // Repaired: the failure and the zone-D forecasts before the repair belong to the old life.
    const repair = event('repair', 150, 160);
    const after = state({
      clockH: 162,
      events: [failure, repair],
      forecasts: [healthy(162), healthy(161), ...rising],
      streams: [hourly(162)],
    });
    expect(after).toMatchObject({ state: 'running', since: at(160), failedAt: null });
  });

  it('alarm on each of the rules’ thresholds: zone D, anomaly (or 1 − health), RUL lower bound', () => {
    const one = (f: Partial<StateForecast>) =>
      state({ clockH: 1, forecasts: [{ ...healthy(1), ...f }], streams: [hourly(1)] }).state;
    expect(one({ isoZone: 'C' })).toBe('running');
    expect(one({ isoZone: 'D' })).toBe('alarm');
    expect(one({ anomalyScore: 0.7 })).toBe('running');
    expect(one({ anomalyScore: 0.71 })).toBe('alarm');
    expect(one({ anomalyScore: null, healthIndex: 0.2 })).toBe('alarm');
    expect(one({ rulLowerHours: 335 })).toBe('alarm');
    expect(one({ rulLowerHours: null })).toBe('running');
  });

  it('alarm → running again when the latest forecast is calm, since that forecast', () => {
    const r = state({ clockH: 5, forecasts: [healthy(5), healthy(4), zoneD(3), healthy(2)] });
    expect(r).toMatchObject({ state: 'running', since: at(4) });
  });

  it('offline once every stream is older than 3 × its usual interval on the fleet clock', () => {
    const streams = [hourly(10), { lastAt: at(9), intervalMs: 6 * H }];
    // The 6-hourly captures are still within 18 h: online although the hourly readings stopped.
    expect(state({ clockH: 20, streams }).state).toBe('running');
    const r = state({ clockH: 28, streams, forecasts: [zoneD(9)] });
    expect(r).toEqual({ state: 'offline', since: at(27), failedAt: null, lastDataAt: at(10) });
    // Exactly at the limit is still online.
    expect(state({ clockH: 13, streams: [hourly(10)] }).state).toBe('running');
    expect(state({ clockH: 13.01, streams: [hourly(10)] }).state).toBe('offline');
  });

  it('a stream without a usual interval is never judged; no data at all is never offline', () => {
    expect(state({ clockH: 1000, streams: [{ lastAt: at(0), intervalMs: null }] }).state).toBe('running');
    expect(state({ clockH: 1000 }).state).toBe('running');
  });

  it('a failed machine that stopped reporting is failed, not offline', () => {
    const r = state({ clockH: 1000, events: [event('failure', 10)], streams: [hourly(10)] });
    expect(r.state).toBe('failed');
  });

  it('replacement starts a new life: the failure before it is ignored, and so is the silence', () => {
    const events = [event('failure', 10), event('replacement', 100)];
    // Replaced at 100, no data yet: judged from the replacement on, not from the last data at 10.
    expect(state({ clockH: 102, events, streams: [hourly(10)] })).toMatchObject({
      state: 'running',
      since: at(100),
    });
    expect(state({ clockH: 104, events, streams: [hourly(10)] })).toMatchObject({
      state: 'offline',
      since: at(103),
    });
    // A repair on a running machine (no failure) is preventive work: a new life all the same.
    expect(state({ clockH: 50, events: [event('repair', 40)], forecasts: [zoneD(30)] })).toMatchObject({
      state: 'running',
      since: at(40),
    });
  });

  it('a failure after the repair fails the machine again; at one instant the repair comes last', () => {
    expect(state({ clockH: 60, events: [event('repair', 40), event('failure', 50)] }).state).toBe('failed');
    expect(state({ clockH: 60, events: [event('repair', 50), event('failure', 50)] }).state).toBe('running');
  });

  it('under repair while the repair’s end is ahead of the fleet clock; a repair without end is done', () => {
    const events = [event('failure', 10), event('repair', 20, 30)];
    expect(state({ clockH: 25, events })).toMatchObject({ state: 'under_repair', since: at(20) });
    expect(state({ clockH: 31, events })).toMatchObject({ state: 'running', since: at(30) });
    expect(state({ clockH: 25, events: [event('failure', 10), event('repair', 20)] }).state).toBe('running');
  });
});
