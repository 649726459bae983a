/**
 * The body of a readings batch, one schema for HTTP (ajv, through the route) and MQTT (the
 * compiled checker below), so both refuse the same payloads: unknown fields included.
 */
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { AppError, badRequest } from '../errors.js';
import { INGEST_LIMITS } from './ingest-validation.js';

// ts and value are checked by the service, not by ajv: ajv's type coercion would quietly turn
// null into 0 and "12" into 12, and MQTT messages must be judged by exactly the same rules.
const ReadingIn = Type.Object(
  {
    ts: Type.Unknown({
      description: 'ISO-8601 with a zone ("2024-05-01T12:00:00.250Z") or epoch milliseconds; ms resolution',
    }),
    value: Type.Unknown({ description: 'A finite number' }),
  },
  { additionalProperties: false },
);
export const ReadingsBody = Type.Object(
  {
    readings: Type.Array(ReadingIn, {
      minItems: 1,
      description: `At most MAX_READINGS_PER_BATCH (default ${INGEST_LIMITS.maxReadingsPerBatch}) readings, any order; stored atomically`,
    }),
  },
  { additionalProperties: false },
);

const readingCheck = TypeCompiler.Compile(ReadingIn);
const batchCheck = TypeCompiler.Compile(ReadingsBody);

/**
 * An MQTT payload (`{ ts, value }` or `{ readings: [...] }`), parsed and checked against the
 * HTTP schema, to the readings array the service ingests. Throws the error HTTP would answer
 * with (`payload` where HTTP says `body`).
 */
export function readingsFromPayload(payload: Buffer, limitBytes: number): unknown[] {
  if (payload.length > limitBytes) {
    throw new AppError(
      'payload_too_large',
      413,
      `payload is ${payload.length} bytes; at most BODY_LIMIT_BYTES (${limitBytes})`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    throw badRequest('invalid_json', 'payload is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(
      'invalid_payload',
      'payload must be { ts, value } or { readings: [{ ts, value }, ...] }',
    );
  }
  const batch = 'readings' in body;
  const check = batch ? batchCheck : readingCheck;
  const first = check.Check(body) ? undefined : check.Errors(body).First();
  if (first) {
    // An empty batch keeps the code the service (and the HTTP route) gives it.
    if (first.type === ValueErrorType.ArrayMinItems && first.path === '/readings')
      throw badRequest('empty_batch', 'readings must hold at least one reading');
    const where = `payload${first.path}`;
    throw badRequest(
      'validation_failed',
      first.type === ValueErrorType.ObjectAdditionalProperties
        ? `${where} is not allowed`
        : first.type === ValueErrorType.ObjectRequiredProperty
          ? `${where} is required`
          : `${where} ${first.message.toLowerCase()}`,
    );
  }
  return batch ? (body as { readings: unknown[] }).readings : [body];
}
