import { describe, expect, it } from 'vitest';
import { scoreAdvice, type Checkpoint, type CheckpointItem } from './score-advice.js';

const H = 3_600_000;
const D = 24 * H;

const item = (machineId: string, over: Partial<CheckpointItem> = {}): CheckpointItem => ({
  machineId,
  state: 'running',
  section: 'ranked',
  rank: null,
  rulHours: null,
  rulLowerHours: null,
  rulUpperHours: null,
  openSuggestions: 0,
  ...over,
});

// Three machines over a 10-day replay from day 0: `bad` fails on day 6.5, `slow` degrades but
// fails after the replay (day 30), `ok` never degrades.
const truth = [
  { machineId: 'bad', degrades: true, failureAtMs: 6.5 * D },
  { machineId: 'slow', degrades: true, failureAtMs: 30 * D },
  { machineId: 'ok', degrades: false, failureAtMs: null },
];
const window = { fromMs: 0, toMs: 10 * D, horizonHours: 168 };

function checkpoint(
  day: number,
  items: CheckpointItem[],
  trueRul: Record<string, number | null>,
): Checkpoint {
  return { atMs: day * D, items, trueRulHours: trueRul };
}

describe('scoreAdvice', () => {
  it('counts a failure preceded by an alarm, with the lead time from the first alert', () => {
    const cps = [1, 2, 3, 4, 5, 6].map((d) =>
      checkpoint(
        d,
        [
          item('bad', { state: d >= 4 ? 'alarm' : 'running', rank: 1 }),
          item('slow', { rank: 2 }),
          item('ok', { rank: 3 }),
        ],
        {},
      ),
    );
    const s = scoreAdvice(truth, cps, [], window);
    expect(s.failures).toBe(1); // `slow` fails after the replay
    expect(s.detected).toBe(1);
    expect(s.median_lead_time_h).toBeCloseTo((6.5 - 4) * 24, 9);
    expect(s.false_alarms_per_machine_month).toBe(0);
  });

  it('starts the lead time at a suggestion opened between checkpoints', () => {
    const cps = [1, 2, 3].map((d) => checkpoint(d, [item('bad'), item('ok')], {}));
    const s = scoreAdvice(truth, cps, [{ machineId: 'bad', atMs: 1.5 * D }], window);
    expect(s.detected).toBe(1);
    expect(s.median_lead_time_h).toBeCloseTo(5 * 24, 9);
  });

  it('does not count alerts after the failure as detection', () => {
    const cps = [checkpoint(7, [item('bad', { state: 'alarm' })], {})];
    const s = scoreAdvice(truth, cps, [{ machineId: 'bad', atMs: 6.6 * D }], window);
    expect(s.detected).toBe(0);
    expect(s.median_lead_time_h).toBeNull();
  });

  it('counts false alarms as alert episodes on never-degrading machines per machine-month', () => {
    // Two episodes on `ok`: days 2–3 (alarm state) and day 6 (an open suggestion).
    const states: Record<number, Partial<CheckpointItem>> = {
      2: { state: 'alarm' },
      3: { state: 'alarm' },
      6: { openSuggestions: 1 },
    };
    const cps = [1, 2, 3, 4, 5, 6, 7].map((d) => checkpoint(d, [item('ok', states[d])], {}));
    const s = scoreAdvice(truth, cps, [], window);
    // One never-degrading machine over 10 days = 10 / 30.4375 machine-months.
    expect(s.false_alarms_per_machine_month).toBeCloseTo(2 / (10 / 30.4375), 9);
  });

  it('scores RUL error and interval coverage on degrading machines still running', () => {
    const cps = [
      checkpoint(
        1,
        [
          item('bad', { rulHours: 100, rulLowerHours: 50, rulUpperHours: 150 }),
          item('slow', { rulHours: 600, rulLowerHours: 300, rulUpperHours: 500 }),
          item('ok', { rulHours: 1000, rulLowerHours: 900, rulUpperHours: 1100 }),
        ],
        { bad: 132, slow: 696, ok: null },
      ),
      // After its failure `bad` is not scored, whatever the product says.
      checkpoint(8, [item('bad', { rulHours: 0, rulLowerHours: 0, rulUpperHours: 0 })], { bad: 0 }),
    ];
    const s = scoreAdvice(truth, cps, [], window);
    expect(s.rul_mae_h).toBeCloseTo((32 + 96) / 2, 9);
    expect(s.interval_coverage).toBeCloseTo(0.5, 9);
    expect(s.interval_width_h).toBeCloseTo((100 + 200) / 2, 9);
    expect(s.rul_points).toBe(2);
  });

  it('measures top-3 precision with k = min(3, failing within the horizon)', () => {
    // Day 1: `bad` fails in 5.5 d (within 168 h), alone: k = 1. Ranked first → 1.
    // Day 2: ranked second behind `ok` → 0. Day 8: nobody running fails within 7 d → skipped.
    const cps = [
      checkpoint(1, [item('bad', { rank: 1 }), item('ok', { rank: 2 })], {}),
      checkpoint(2, [item('ok', { rank: 1 }), item('bad', { rank: 2 })], {}),
      checkpoint(8, [item('ok', { rank: 1 })], {}),
    ];
    expect(scoreAdvice(truth, cps, [], window).top3_precision).toBeCloseTo(0.5, 9);
  });

  it('leaves out machines the product lists apart (not ranked) from the top k', () => {
    const cps = [
      checkpoint(1, [item('bad', { section: 'offline', rank: null }), item('ok', { rank: 1 })], {}),
    ];
    expect(scoreAdvice(truth, cps, [], window).top3_precision).toBe(0);
  });
});
