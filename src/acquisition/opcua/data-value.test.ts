import { DataType, DataValue, StatusCodes, Variant, VariantArrayType } from 'node-opcua-client';
import { describe, expect, it } from 'vitest';
import { toReading } from './data-value.js';

const at = new Date('2024-06-01T12:00:00.123Z');
const dv = (
  v: ConstructorParameters<typeof Variant>[0],
  extra: Partial<ConstructorParameters<typeof DataValue>[0]> = {},
) =>
  new DataValue({
    value: new Variant(v),
    sourceTimestamp: at,
    serverTimestamp: new Date(at.getTime() + 5),
    ...extra,
  });

describe('OPC UA DataValue → reading', () => {
  it('takes the source timestamp, else the server timestamp, and skips a value with neither', () => {
    expect(toReading(dv({ dataType: DataType.Double, value: 41.5 }))).toEqual({
      tsMs: at.getTime(),
      value: 41.5,
    });
    expect(toReading(dv({ dataType: DataType.Double, value: 41.5 }, { sourceTimestamp: null }))).toEqual({
      tsMs: at.getTime() + 5,
      value: 41.5,
    });
    expect(
      toReading(
        dv({ dataType: DataType.Double, value: 1 }, { sourceTimestamp: null, serverTimestamp: null }),
      ),
    ).toEqual({ skip: 'no_timestamp' });
  });

  it('stores Good only: Uncertain and Bad are skipped under their status name (OPC UA Part 4, 7.39 severity bits)', () => {
    const v = { dataType: DataType.Double, value: 3 };
    expect(toReading(dv(v, { statusCode: StatusCodes.GoodLocalOverride }))).toMatchObject({ value: 3 });
    expect(toReading(dv(v, { statusCode: StatusCodes.UncertainLastUsableValue }))).toEqual({
      skip: 'UncertainLastUsableValue',
    });
    expect(toReading(dv(v, { statusCode: StatusCodes.BadSensorFailure }))).toEqual({
      skip: 'BadSensorFailure',
    });
    expect(toReading(dv(v, { statusCode: StatusCodes.BadNoCommunication }))).toEqual({
      skip: 'BadNoCommunication',
    });
  });

  it('converts numeric scalars, 64-bit integers and Booleans; skips the rest', () => {
    const value = (v: ConstructorParameters<typeof Variant>[0]) => {
      const r = toReading(dv(v));
      return 'value' in r ? r.value : r.skip;
    };
    expect(value({ dataType: DataType.Float, value: 0.5 })).toBe(0.5);
    expect(value({ dataType: DataType.Int16, value: -12 })).toBe(-12);
    expect(value({ dataType: DataType.UInt32, value: 4_000_000_000 })).toBe(4_000_000_000);
    expect(value({ dataType: DataType.Boolean, value: true })).toBe(1);
    expect(value({ dataType: DataType.Boolean, value: false })).toBe(0);
    // 2^32 * 2 + 5 and -1: node-opcua carries 64-bit integers as [high, low] 32-bit words.
    expect(value({ dataType: DataType.UInt64, arrayType: VariantArrayType.Scalar, value: [2, 5] })).toBe(
      2 ** 33 + 5,
    );
    expect(
      value({
        dataType: DataType.Int64,
        arrayType: VariantArrayType.Scalar,
        value: [0xffffffff, 0xffffffff],
      }),
    ).toBe(-1);
    expect(value({ dataType: DataType.String, value: '41.5' })).toBe('not_numeric');
    expect(value({ dataType: DataType.Double, arrayType: VariantArrayType.Array, value: [1, 2] })).toBe(
      'not_numeric',
    );
    expect(value({ dataType: DataType.Double, value: Number.NaN })).toBe('not_numeric');
  });
});
