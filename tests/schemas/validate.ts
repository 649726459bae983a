/** A real JSON Schema validator (ajv) over the vendor schemas of this folder. */
import Ajv from 'ajv';

const ajv = new Ajv({ allErrors: true });

/** The validator's errors for `payload` ([] when it is valid). */
export function schemaErrors(schema: object, payload: unknown): string[] {
  const validate = ajv.compile(schema);
  if (validate(payload)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.dataPath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}
