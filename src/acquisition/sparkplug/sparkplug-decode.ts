/**
 * Sparkplug B payload bytes → the plain message the session tracker reads: numbers instead of
 * protobuf Longs, each metric's value a number (Booleans 0/1) or the reason it is not one.
 */
import sparkplug from 'sparkplug-payload';

type Codec = NonNullable<ReturnType<typeof sparkplug.get>>;
type UPayload = ReturnType<Codec['decodePayload']>;
const codec: Codec = sparkplug.get('spBv1.0')!;

export interface DecodedMetric {
  name?: string;
  alias?: number;
  /** Epoch ms, when the metric carries its own timestamp. */
  tsMs?: number;
  /** A number, or why the metric has none: null (is_null), or a type that is not numeric. */
  value: number | 'null' | 'not_numeric';
}

export interface DecodedPayload {
  tsMs?: number;
  seq?: number;
  metrics: DecodedMetric[];
}

/** Throws on bytes that are not a Sparkplug B payload. */
export function decodeSparkplug(bytes: Uint8Array): DecodedPayload {
  const p: UPayload = codec.decodePayload(bytes);
  const tsMs = toNumber(p.timestamp);
  const seq = toNumber(p.seq);
  return {
    ...(tsMs === undefined ? {} : { tsMs }),
    ...(seq === undefined ? {} : { seq }),
    metrics: (p.metrics ?? []).map((m) => {
      const alias = toNumber(m.alias);
      const mts = toNumber(m.timestamp);
      return {
        ...(m.name ? { name: m.name } : {}),
        ...(alias === undefined ? {} : { alias }),
        ...(mts === undefined ? {} : { tsMs: mts }),
        value: metricValue(m.type, m.value, m.isNull === true),
      };
    }),
  };
}

export function encodeSparkplug(payload: Parameters<Codec['encodePayload']>[0]): Uint8Array {
  return codec.encodePayload(payload);
}

const NUMERIC = new Set([
  'Int8',
  'Int16',
  'Int32',
  'Int64',
  'UInt8',
  'UInt16',
  'UInt32',
  'UInt64',
  'Float',
  'Double',
]);

function metricValue(type: string, value: unknown, isNull: boolean): DecodedMetric['value'] {
  if (isNull || value === null || value === undefined) return 'null';
  if (type === 'Boolean') return value === true ? 1 : 0;
  if (!NUMERIC.has(type)) return 'not_numeric';
  return toNumber(value) ?? 'not_numeric';
}

/** A protobuf 64-bit integer arrives as a Long: beyond 2^53 it loses precision, as any double. */
function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { toNumber?: unknown }).toNumber === 'function')
    return (v as { toNumber(): number }).toNumber();
  return undefined;
}
