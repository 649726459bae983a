import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cwruSampleDir } from '../../tests/helpers/cwru-drive-end.js';
import { UsageError } from './command.js';
import { featuresCommand, runFeatures } from './features.js';

const SAMPLE = path.join(cwruSampleDir, 'IR007_0_105_DE_first12000.f32');

async function run(args: string[], stdin: Buffer = Buffer.alloc(0)) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks: Buffer[] = [];
  const errs: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  stderr.on('data', (c: Buffer) => errs.push(c));
  const code = await runFeatures(args, { stdin: Readable.from([stdin]), stdout, stderr });
  return { code, out: Buffer.concat(chunks).toString(), err: Buffer.concat(errs).toString() };
}

const BASE = ['--sample-rate', '12000', '--window', '4096'];
const BEARING = ['--shaft-hz', String(1797 / 60), '--bearing', '9,0.3126,1.537,0'];

describe('prognos features', () => {
  it('is a Command named features', () => {
    expect(featuresCommand.name).toBe('features');
    expect(featuresCommand.usage).toContain('--sample-rate');
  });

  it('writes one JSON line per whole window of a float32 file and notes the partial tail', async () => {
    const { code, out, err } = await run(['--input', SAMPLE, ...BASE, ...BEARING]);
    expect(code).toBe(0);
    const rows = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number | null>);
    expect(rows).toHaveLength(2); // 12,000 samples = 2 windows of 4096 + 3808 dropped
    expect(rows[1]!.window).toBe(1);
    expect(rows[1]!.start_s).toBeCloseTo(4096 / 12000, 12);
    expect(rows[0]!.env_bpfi).toBeGreaterThan(rows[0]!.env_bpfo!);
    expect(err).toMatch(/partial window/);
  });

  it('reads float64 from stdin and writes CSV with empty env_* when the bearing is unknown', async () => {
    const bytes = readFileSync(SAMPLE);
    const f32 = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 8192 * 4));
    const f64 = Buffer.from(Float64Array.from(f32).buffer);
    const { out } = await run(['--input', '-', ...BASE, '--dtype', 'f64', '--format', 'csv'], f64);
    const lines = out.trim().split('\n');
    expect(lines[0]!.startsWith('window,start_s,mean,std,rms')).toBe(true);
    expect(lines).toHaveLength(3);
    expect(lines[1]!.endsWith(',,,,')).toBe(true);
    // same numbers as the float32 file path for the same samples
    const jsonl = await run(['--input', SAMPLE, ...BASE]);
    const first = JSON.parse(jsonl.out.split('\n')[0]!) as Record<string, number>;
    expect(Number(lines[1]!.split(',')[4])).toBe(first.rms);
  });

  it('accepts an arbitrary (non-power-of-two) window', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prognos-features-'));
    try {
      const file = path.join(dir, 'x.f32');
      writeFileSync(file, readFileSync(SAMPLE));
      const { out, err } = await run(['--input', file, '--sample-rate', '12000', '--window', '1000']);
      expect(out.trim().split('\n')).toHaveLength(12);
      expect(err).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [[...BASE], /--input/],
    [['--input', SAMPLE, '--window', '4096'], /--sample-rate/],
    [['--input', SAMPLE, '--sample-rate', '12000', '--window', '10'], /--window/],
    [['--input', SAMPLE, ...BASE, '--dtype', 'i16'], /--dtype/],
    [['--input', SAMPLE, ...BASE, '--format', 'xml'], /--format/],
    [['--input', SAMPLE, ...BASE, '--shaft-hz', 'fast'], /--shaft-hz/],
    [['--input', SAMPLE, ...BASE, '--bearing', '9,0.3'], /--bearing/],
    [['--input', SAMPLE, ...BASE, '--bearing', '9,2,1,0'], /--bearing/],
    [['--input', SAMPLE, ...BASE, '--bogus'], /bogus/],
    [['--input', '/nonexistent/x.f32', ...BASE], /--input/],
  ])('rejects %j with a UsageError naming the flag', async (args, message) => {
    const err = await run(args).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
  });
});
