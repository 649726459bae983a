import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleDir } from '../../tests/helpers/datasets.js';
import { evalFemtoCommand, parseTestBearings } from './eval-femto.js';
import { UsageError } from './command.js';

describe('eval femto --test arguments', () => {
  it('reads DIR:CUT[:TRUE_RUL_S] for several bearings', () => {
    expect(parseTestBearings(['a/Bearing2_7:172:580', 'b/Bearing1_2:500'], undefined, undefined)).toEqual([
      { dir: 'a/Bearing2_7', cut: 172, trueRulS: 580 },
      { dir: 'b/Bearing1_2', cut: 500, trueRulS: undefined },
    ]);
  });

  it('keeps the single --test DIR --cut N [--true-rul S] form', () => {
    expect(parseTestBearings(['a/Bearing2_7'], '172', '580')).toEqual([
      { dir: 'a/Bearing2_7', cut: 172, trueRulS: 580 },
    ]);
  });

  it('says which argument is wrong', () => {
    expect(() => parseTestBearings(['x:5'], undefined, undefined)).toThrow(
      /cut of --test x:5 must be an integer ≥ 10/,
    );
    expect(() => parseTestBearings(['x:50:-3'], undefined, undefined)).toThrow(/true RUL of --test x:50:-3/);
    expect(() => parseTestBearings(['x:50', 'y'], undefined, undefined)).toThrow(
      /--test y: expected DIR:CUT/,
    );
    expect(() => parseTestBearings(['x', 'y'], '50', undefined)).toThrow(
      /several --test folders need DIR:CUT/,
    );
    expect(() => parseTestBearings(['x:50'], '60', undefined)).toThrow(
      /--cut and --true-rul go with a single/,
    );
    expect(() => parseTestBearings([], undefined, undefined)).toThrow(UsageError);
    expect(() => parseTestBearings(['x'], undefined, undefined)).toThrow(/--cut must be an integer/);
  });
});

describe('eval femto on data that cannot give an answer', () => {
  it('says why in one line (a usage error), not with a stack trace', async () => {
    const sample = sampleDir('femto-sample');
    // One vibration file per committed bearing: no training run reaches a degradation onset.
    await expect(
      evalFemtoCommand.run([
        '--train',
        join(sample, 'Bearing3_1'),
        '--test',
        `${join(sample, 'Bearing2_7')}:10:100`,
      ]),
    ).rejects.toThrow(new UsageError('no training run shows a degradation onset'));
  });
});

describe('eval femto --indicators', () => {
  it('refuses mixed modes and a bad cut fraction, naming the flag', async () => {
    const sample = sampleDir('femto-sample');
    const a = join(sample, 'Bearing3_1');
    const b = join(sample, 'Bearing2_7');
    await expect(evalFemtoCommand.run(['--indicators', a, b, '--train', a])).rejects.toThrow(
      /--indicators runs leave-one-bearing-out/,
    );
    await expect(evalFemtoCommand.run(['--indicators', a, b, '--cut-fraction', '1.5'])).rejects.toThrow(
      /--cut-fraction must be between 0 and 1/,
    );
    await expect(
      evalFemtoCommand.run(['--train', a, '--test', `${b}:10`, '--cut-fraction', '0.5']),
    ).rejects.toThrow(/--cut-fraction goes with --indicators/);
    await expect(evalFemtoCommand.run(['--indicators', a])).rejects.toThrow(/at least two bearing folders/);
  });
});
