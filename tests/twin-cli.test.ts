import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli/command.js';
import { parseSimulateArgs, runSimulate } from '../src/cli/simulate.js';

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { io: { stdout, stderr }, out: () => out, err: () => err };
}

describe('prognos simulate', () => {
  it('rejects bad flags and a missing or doubled target', () => {
    expect(() => parseSimulateArgs(['--machines', '0', '--out', 'x'])).toThrow(/--machines/);
    expect(() => parseSimulateArgs(['--days', '3'])).toThrow(UsageError);
    expect(() => parseSimulateArgs(['--out', 'x', '--db'])).toThrow(/exactly one/);
    expect(() => parseSimulateArgs(['--sample-rate', '50', '--db'])).toThrow(/--sample-rate/);
    expect(() => parseSimulateArgs(['--live', '--speedup', '0'])).toThrow(/--speedup/);
  });

  it('stamps live data from now and stored data from a fixed date', () => {
    const now = new Date('2030-05-06T07:08:09.500Z');
    expect(parseSimulateArgs(['--live'], now).fleet.start).toBe('2030-05-06T07:08:00.000Z');
    expect(parseSimulateArgs(['--db'], now).fleet.start).toBe('2024-01-01T00:00:00.000Z');
  });

  it('writes a fleet to a folder with progress on stderr and the JSON summary last on stdout', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'twin-cli-'));
    try {
      const c = capture();
      const args = ['--machines', '2', '--days', '1', '--seed', '3', '--sample-rate', '4096', '--out', dir];
      expect(await runSimulate(args, c.io)).toBe(0);
      const lines = c.out().trim().split('\n');
      const summary = JSON.parse(lines.at(-1)!);
      expect(summary).toMatchObject({ target: 'files', seed: 3, machines: 2, sample_rate_hz: 4096 });
      expect(summary.captures).toBeGreaterThan(0);
      expect(c.err()).toMatch(/machine 2\/2/);
      expect((await readdir(dir)).sort()).toEqual(['fleet.json', 'motor-02', 'pump-01']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('streams NDJSON events, then the summary', async () => {
    const c = capture();
    const args = [
      '--machines',
      '1',
      '--days',
      '0.1',
      '--live',
      '--speedup',
      'Infinity',
      '--sample-rate',
      '2048',
    ];
    expect(await runSimulate(args, c.io)).toBe(0);
    const lines = c
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const summary = lines.pop();
    expect(summary).toMatchObject({ target: 'live', speedup: 'Infinity', aborted: false });
    expect(lines.filter((l) => l.type === 'reading')).toHaveLength(summary.readings);
    const capture0 = lines.find((l) => l.type === 'capture');
    expect(Buffer.from(capture0.samples_f32le_base64, 'base64').length).toBe(4 * capture0.n_samples);
  });
});
