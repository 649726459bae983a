/**
 * One OPC UA DataValue → one reading, or the reason it is not one. Pure.
 *
 * - Time: the source timestamp (when the device sampled it), else the server timestamp (when
 *   the server last saw it); neither → skipped. OPC UA has 100 ns resolution, readings 1 ms.
 * - Status: only Good (severity bits 00) is stored. Uncertain and Bad values (a failed sensor,
 *   a lost link, a last usable value) are skipped and counted under their status name: a
 *   substitute or stale number stored as a measurement would look like a real one to features
 *   and models.
 * - Value: numeric scalars (Int64/UInt64 arrive as [high, low] 32-bit words) and Booleans (0/1);
 *   strings, arrays, structures and non-finite numbers are skipped.
 */
import { DataType, VariantArrayType, type DataValue } from 'node-opcua-client';

export type Converted = { tsMs: number; value: number } | { skip: string };

const SEVERITY_MASK = 0xc0000000;

const NUMERIC = new Set<DataType>([
  DataType.SByte,
  DataType.Byte,
  DataType.Int16,
  DataType.UInt16,
  DataType.Int32,
  DataType.UInt32,
  DataType.Float,
  DataType.Double,
]);

export function toReading(dv: DataValue): Converted {
  const code = dv.statusCode.value >>> 0;
  if ((code & SEVERITY_MASK) !== 0) return { skip: dv.statusCode.name };
  const time = dv.sourceTimestamp ?? dv.serverTimestamp;
  if (!time || !Number.isFinite(time.getTime())) return { skip: 'no_timestamp' };
  const value = numeric(dv);
  if (value === undefined) return { skip: 'not_numeric' };
  return { tsMs: time.getTime(), value };
}

function numeric(dv: DataValue): number | undefined {
  const v = dv.value;
  if (v.arrayType !== VariantArrayType.Scalar) return undefined;
  let n: number | undefined;
  if (NUMERIC.has(v.dataType)) n = v.value as number;
  else if (v.dataType === DataType.Boolean) n = v.value ? 1 : 0;
  else if (v.dataType === DataType.Int64 || v.dataType === DataType.UInt64) {
    const [hi, lo] = v.value as [number, number];
    // Exact up to 2^53; a counter past that loses its last digits, as any float64 would.
    n = (v.dataType === DataType.Int64 ? hi | 0 : hi >>> 0) * 2 ** 32 + (lo >>> 0);
  }
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}
