/**
 * Scores what the product advised during a twin replay against the twin's ground truth
 * (`prognos eval twin`, issue 15 item 7). Pure: the command collects daily checkpoints of what
 * the product said (the fleet ranking and the open work-order suggestions, as a reliability
 * engineer or a CMMS would read them) and the truth of each machine; this turns them into the
 * figures.
 *
 * An *alert* on a machine at a checkpoint: the product's state for it is `alarm`, or it has an
 * open work-order suggestion, or a suggestion was opened for it since the previous checkpoint
 * (one opened and resolved within a day still counts). An *alert episode* is a run of alerting
 * checkpoints; its start is the earlier of that checkpoint and the opening of the suggestion
 * that caused it.
 * - detected: failures inside the replay preceded by an alert (any checkpoint before the
 *   failure, or a suggestion opened before it);
 * - lead time: failure time − start of the first alert episode before it;
 * - false alarms: alert episodes on machines that never degrade, per machine-month of replay;
 * - RUL error and 80 % interval coverage: at every checkpoint, on every degrading machine still
 *   running by the truth, with a finite true RUL and a forecast RUL;
 * - top-3 precision: at each checkpoint where some machine that is running by the truth fails
 *   within the horizon, the share of the product's k riskiest ranked machines (k = min(3, how
 *   many fail within it)) that do fail within it; the mean over those checkpoints.
 */
import { median } from '../../maths/order-statistics.js';

const HOUR_MS = 3_600_000;
const MONTH_MS = 30.4375 * 24 * HOUR_MS;

export interface MachineGroundTruth {
  machineId: string;
  /** Has a degradation mode (it may fail inside the replay, after it, or never reach its end). */
  degrades: boolean;
  /** Epoch ms of the failure, null when it does not fail within the simulated horizon. */
  failureAtMs: number | null;
}

export interface CheckpointItem {
  machineId: string;
  /** The product's lifecycle state and ranking section. */
  state: string;
  section: string;
  /** Rank in the ranked section (1 = riskiest), null outside it. */
  rank: number | null;
  rulHours: number | null;
  rulLowerHours: number | null;
  rulUpperHours: number | null;
  /** Open work-order suggestions at the checkpoint. */
  openSuggestions: number;
}

export interface Checkpoint {
  atMs: number;
  items: CheckpointItem[];
  /** True RUL (hours) of each machine at its latest capture before the checkpoint. */
  trueRulHours: Record<string, number | null>;
}

export interface SuggestionOpened {
  machineId: string;
  atMs: number;
}

export interface ReplayWindow {
  fromMs: number;
  toMs: number;
  horizonHours: number;
}

export interface AdviceScore {
  machines: number;
  failures: number;
  detected: number;
  median_lead_time_h: number | null;
  false_alarms_per_machine_month: number;
  rul_mae_h: number | null;
  interval_coverage: number | null;
  top3_precision: number | null;
  /** Mean width of the RUL intervals scored for coverage: a wide enough interval covers all. */
  interval_width_h: number | null;
  /** Checkpoints × degrading machines the RUL figures rest on. */
  rul_points: number;
}

interface Episode {
  startMs: number;
}

/** Alert episodes of one machine over the checkpoints (ascending), with their start times. */
function episodes(
  machineId: string,
  checkpoints: readonly Checkpoint[],
  opened: readonly number[],
): Episode[] {
  const out: Episode[] = [];
  let alerting = false;
  let prevMs = -Infinity;
  for (const c of checkpoints) {
    const item = c.items.find((i) => i.machineId === machineId);
    const openedSince = opened.filter((t) => t > prevMs && t <= c.atMs);
    const now =
      (item !== undefined && (item.state === 'alarm' || item.openSuggestions > 0)) || openedSince.length > 0;
    if (now && !alerting) out.push({ startMs: Math.min(c.atMs, ...openedSince) });
    alerting = now;
    prevMs = c.atMs;
  }
  // Suggestions opened after the last checkpoint start an episode of their own.
  const late = opened.filter((t) => t > prevMs);
  if (late.length > 0 && !alerting) out.push({ startMs: Math.min(...late) });
  return out;
}

const mean = (v: readonly number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);

export function scoreAdvice(
  truth: readonly MachineGroundTruth[],
  checkpoints: readonly Checkpoint[],
  suggestions: readonly SuggestionOpened[],
  window: ReplayWindow,
): AdviceScore {
  const cps = [...checkpoints].sort((a, b) => a.atMs - b.atMs);
  const horizonMs = window.horizonHours * HOUR_MS;
  const failsInReplay = truth.filter(
    (m) => m.failureAtMs !== null && m.failureAtMs > window.fromMs && m.failureAtMs <= window.toMs,
  );

  const leads: number[] = [];
  let detected = 0;
  for (const m of failsInReplay) {
    const opened = suggestions.filter((s) => s.machineId === m.machineId && s.atMs < m.failureAtMs!);
    const before = cps.filter((c) => c.atMs < m.failureAtMs!);
    const first = episodes(
      m.machineId,
      before,
      opened.map((s) => s.atMs),
    )[0];
    if (!first) continue;
    detected++;
    leads.push((m.failureAtMs! - first.startMs) / HOUR_MS);
  }

  const healthy = truth.filter((m) => !m.degrades);
  const inReplay = cps.filter((c) => c.atMs >= window.fromMs && c.atMs <= window.toMs);
  let falseAlarms = 0;
  for (const m of healthy) {
    const opened = suggestions
      .filter((s) => s.machineId === m.machineId && s.atMs >= window.fromMs && s.atMs <= window.toMs)
      .map((s) => s.atMs);
    falseAlarms += episodes(m.machineId, inReplay, opened).length;
  }
  const machineMonths = (healthy.length * (window.toMs - window.fromMs)) / MONTH_MS;

  const errors: number[] = [];
  const covered: number[] = [];
  const widths: number[] = [];
  const precisions: number[] = [];
  for (const c of inReplay) {
    const running = truth.filter((m) => m.failureAtMs === null || m.failureAtMs > c.atMs);
    for (const m of running) {
      if (!m.degrades) continue;
      const actual = c.trueRulHours[m.machineId];
      const item = c.items.find((i) => i.machineId === m.machineId);
      if (actual === null || actual === undefined || !Number.isFinite(actual) || item?.rulHours == null)
        continue;
      errors.push(Math.abs(item.rulHours - actual));
      if (item.rulLowerHours !== null && item.rulUpperHours !== null) {
        covered.push(item.rulLowerHours <= actual && actual <= item.rulUpperHours ? 1 : 0);
        widths.push(item.rulUpperHours - item.rulLowerHours);
      }
    }
    const failing = new Set(
      running
        .filter((m) => m.failureAtMs !== null && m.failureAtMs <= c.atMs + horizonMs)
        .map((m) => m.machineId),
    );
    if (failing.size === 0) continue;
    const k = Math.min(3, failing.size);
    const top = c.items
      .filter((i) => i.section === 'ranked' && i.rank !== null)
      .sort((a, b) => a.rank! - b.rank!)
      .slice(0, k);
    precisions.push(top.filter((i) => failing.has(i.machineId)).length / k);
  }

  return {
    machines: truth.length,
    failures: failsInReplay.length,
    detected,
    median_lead_time_h: leads.length ? median(leads) : null,
    false_alarms_per_machine_month: machineMonths > 0 ? falseAlarms / machineMonths : 0,
    rul_mae_h: mean(errors),
    interval_coverage: mean(covered),
    top3_precision: mean(precisions),
    interval_width_h: mean(widths),
    rul_points: errors.length,
  };
}
