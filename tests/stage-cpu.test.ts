/**
 * prognos_stage_cpu_seconds_total (src/metrics.ts inStage): a stage's CPU is counted against its
 * label, within what the process used around the call, whether the work succeeds or throws.
 */
import { describe, expect, it } from 'vitest';
import { inStage, metricsText } from '../src/metrics.js';
import { parsePrometheusText, valueOf } from './helpers/prometheus-text.js';

async function stageSeconds(stage: string): Promise<number> {
  const fams = parsePrometheusText((await metricsText()).body);
  return valueOf(fams, 'prognos_stage_cpu_seconds_total', { stage }) ?? 0;
}

/** Spins until the process has used `ms` of CPU (by process.cpuUsage, not the wall clock). */
function burn(ms: number): number {
  const start = process.cpuUsage();
  let x = 0;
  for (;;) {
    for (let i = 0; i < 10_000; i++) x += Math.sqrt(i);
    const d = process.cpuUsage(start);
    if (d.user + d.system >= ms * 1000) return x;
  }
}

describe('inStage', () => {
  it('counts the CPU of the work against its stage, no more than the process used around it', async () => {
    const before = await stageSeconds('extract');
    const otherBefore = await stageSeconds('score');
    const outer = process.cpuUsage();
    const value = await inStage('extract', async () => {
      burn(30);
      await new Promise((r) => setTimeout(r, 1));
      return 'done';
    });
    const used = process.cpuUsage(outer);
    const counted = (await stageSeconds('extract')) - before;
    expect(value).toBe('done');
    expect(counted).toBeGreaterThanOrEqual(0.03);
    expect(counted).toBeLessThanOrEqual((used.user + used.system) / 1e6);
    expect(await stageSeconds('score')).toBe(otherBefore);
  });

  it('counts a stage that throws, and passes the error on', async () => {
    const before = await stageSeconds('advice');
    await expect(
      inStage('advice', async () => {
        burn(10);
        throw new Error('rules failed');
      }),
    ).rejects.toThrow('rules failed');
    expect((await stageSeconds('advice')) - before).toBeGreaterThanOrEqual(0.01);
  });
});
