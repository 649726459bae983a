/**
 * Values shaped by a route's JSON schema (as the OpenAPI document gives it), mostly plausible and
 * sometimes hostile at any depth: valid enums, ids that exist, dates at the edges, strings at
 * their length limits, arrays at their item limits — so a request gets past validation and the
 * handler, service and database see odd but well-typed input.
 */
import fc from 'fast-check';
import { hostileNumber, hostileString, hostileValue } from './hostile-values.js';

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  nullable?: boolean;
  pattern?: string;
}

const DATES = [
  '2024-05-01T12:00:00Z',
  '2024-05-01T12:00:00.123+02:00',
  '1970-01-01T00:00:00Z',
  '2099-12-31T23:59:59Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '2024-02-29T00:00:00Z',
  new Date(Date.now() + 86_400_000 * 2).toISOString(),
];

function plausible(s: JsonSchema, ids: number[], depth: number): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const branches = s.anyOf ?? s.oneOf;
  if (branches?.length) return fc.oneof(...branches.map((b) => shaped(b, ids, depth)));
  if (s.allOf?.length) return shaped(Object.assign({}, ...s.allOf) as JsonSchema, ids, depth);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'integer': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1e6);
      const max = Math.min(s.maximum ?? 1e9, Number.MAX_SAFE_INTEGER);
      return fc.oneof(
        fc.constantFrom(...ids, min, max),
        fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }),
      );
    }
    case 'number':
      return fc.oneof(
        fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true }),
        fc.constantFrom(...[s.minimum, s.maximum, 0, 1e-9, 1e12].filter((x) => x !== undefined)),
      );
    case 'boolean':
      return fc.boolean();
    case 'string': {
      if (s.format === 'date-time' || s.format === 'date') return fc.constantFrom(...DATES);
      const max = Math.min(s.maxLength ?? 60, 300);
      return fc.oneof(
        fc.string({ minLength: Math.min(s.minLength ?? 0, max), maxLength: max }),
        fc.constantFrom(...DATES),
        fc.constant('x'.repeat(max)),
        fc.constantFrom('pump', 'vibration', 'temperature', 'g', 'mm/s', 'open', 'maximo', 'admin'),
      );
    }
    case 'array': {
      const max = Math.min(s.maxItems ?? 6, 6);
      return fc.array(s.items ? shaped(s.items, ids, depth + 1) : hostileValue(ids), {
        minLength: Math.min(s.minItems ?? 0, max),
        maxLength: max,
      });
    }
    case 'object':
    case undefined: {
      if (!s.properties) {
        const extra = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
        return fc.dictionary(
          fc.oneof(fc.constantFrom('rms', 'peak', 'kurtosis', 'a'), hostileString),
          extra ? shaped(extra, ids, depth + 1) : hostileValue(ids),
          { maxKeys: 6 },
        );
      }
      const req = new Set(s.required ?? []);
      const keys = Object.keys(s.properties);
      // Required keys always (a missing one is the other generators' business), optional ones
      // sometimes.
      return fc.record(Object.fromEntries(keys.map((k) => [k, shaped(s.properties![k]!, ids, depth + 1)])), {
        requiredKeys: keys.filter((k) => req.has(k)),
      });
    }
    default:
      return hostileValue(ids);
  }
}

/** A route as its OpenAPI document describes it: what hostile requests are shaped by. */
export interface RouteShape {
  method: string;
  url: string;
  bodyProps: string[];
  queryProps: string[];
  bodySchema: JsonSchema | undefined;
  querySchemas: Record<string, JsonSchema>;
}

/** Plausible for the schema, or (one time in five, at any depth) a hostile value instead. */
export function shaped(s: JsonSchema, ids: number[], depth = 0): fc.Arbitrary<unknown> {
  if (depth > 4) return hostileValue(ids);
  const hostile = fc.oneof(hostileValue(ids), hostileNumber(ids), hostileString);
  return fc.oneof(
    { weight: 4, arbitrary: plausible(s, ids, depth) },
    { weight: 1, arbitrary: s.nullable ? fc.oneof(fc.constant(null), hostile) : hostile },
  );
}
