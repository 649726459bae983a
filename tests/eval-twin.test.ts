import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFleet } from '../src/twin/index.js';
import { DATABASE_URL } from './helpers/database.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/prognos.js'), 'eval', 'twin', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('prognos eval twin', () => {
  it('refuses a cut at or after the end, and bad numbers, with the usage line', async () => {
    const late = await run(['--days', '30', '--cut-days', '30']);
    expect(late.code).toBe(2);
    expect(late.err).toMatch(/--cut-days \(30\) must be below --days \(30\)/);
    const bad = await run(['--machines', 'two']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--machines must be an integer/);
  });

  // The command runs on its own in-memory database whatever the URLs say, so one run of the
  // suite covers it: the one without DATABASE_URL (CI runs both).
  if (DATABASE_URL)
    console.info(
      '[skipped] eval twin replay: its database is in memory whatever DATABASE_URL says; the run without it covers it',
    );
  it.skipIf(DATABASE_URL)(
    'replays a fleet through the live loop and scores it against the twin',
    { timeout: 600_000 },
    async () => {
      // The first six machines of the demo's fleet: per the twin's own configuration (the truth
      // the command must agree with), which fail before the cut and which after it.
      const DAY = 86_400_000;
      const fleet = createFleet({ machines: 6, days: 180, seed: 4 });
      const ends = fleet.machines
        .filter((m) => m.degradation.mode !== 'none')
        .map((m) => m.degradation.endOfLifeDay * DAY);
      const inReplay = ends.filter((t) => t > 120 * DAY && t < 180 * DAY).length;
      const beforeCut = ends.filter((t) => t <= 120 * DAY).length;
      expect(inReplay).toBeGreaterThan(0); // the defaults put failures on both sides of the cut
      expect(beforeCut).toBeGreaterThan(0);

      const r = await run(['--machines', '6']);
      expect(r.code, r.err).toBe(0);
      const last = JSON.parse(r.out.trim().split('\n').at(-1)!) as Record<string, number | null>;
      expect(Object.keys(last)).toEqual([
        'machines',
        'failures',
        'detected',
        'median_lead_time_h',
        'false_alarms_per_machine_month',
        'rul_mae_h',
        'interval_coverage',
        'top3_precision',
      ]);
      expect(last.machines).toBe(6);
      expect(last.failures).toBe(inReplay);
      expect(last.detected).toBeGreaterThanOrEqual(0);
      expect(last.detected).toBeLessThanOrEqual(inReplay);
      for (const k of ['interval_coverage', 'top3_precision'] as const) {
        const v = last[k] ?? 0;
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(last.false_alarms_per_machine_month).toBeGreaterThanOrEqual(0);
      expect(r.err).toContain(`${beforeCut} failures before the cut`);
      // Nothing but the loop writes forecasts during the replay: none would mean it never ran.
      const forecasts = Number(/(\d+) forecasts written by the live loop/.exec(r.err)?.[1]);
      const captures = Number(/(\d+) captures replayed/.exec(r.err)?.[1]);
      expect(captures).toBeGreaterThan(0);
      expect(forecasts).toBeGreaterThanOrEqual(captures * 0.9);
    },
  );
});
