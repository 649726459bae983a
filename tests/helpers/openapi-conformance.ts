/**
 * The response checks Schemathesis makes, against the served OpenAPI document: the status is
 * documented for the operation, the content type is one documented for that status (no body
 * where none is documented), and a JSON body matches the documented schema (JSON Schema
 * 2020-12, the dialect of OpenAPI 3.1, formats included). `check` returns the failures as
 * sentences, empty when the response conforms.
 */
import { Ajv2020, type ValidateFunction } from 'ajv2020/dist/2020.js';
import formats from 'ajv-formats';

type Json = Record<string, unknown>;
interface Media {
  schema?: Json;
}
interface Response {
  $ref?: string;
  content?: Record<string, Media>;
}
interface Operation {
  operationId?: string;
  responses: Record<string, Response>;
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas?: Record<string, Json>; responses?: Record<string, Response> } & Json;
}

const DOC_ID = 'openapi.json';

/** `#/components/schemas/X` → `openapi.json#/$defs/X`, so a schema compiles on its own. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string'
        ? v.replace('#/components/schemas/', `${DOC_ID}#/$defs/`)
        : rebase(v),
    ]),
  );
}

/** Ajv for OpenAPI 3.1 schemas: strict about keywords (an OpenAPI 3.0 `nullable` fails), OpenAPI's
 * own annotations allowed. */
export function openapiAjv(doc: OpenApiDocument): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true });
  formats.default(ajv);
  for (const keyword of ['example', 'discriminator', 'xml', 'externalDocs']) ajv.addKeyword({ keyword });
  ajv.addSchema({ $id: DOC_ID, $defs: rebase(doc.components.schemas ?? {}) as Json });
  return ajv;
}

interface ResponseLike {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

export interface Conformance {
  /** `url` as the route declares it (`/v1/assets/:id`). */
  check(method: string, url: string, res: ResponseLike): string[];
  /** Responses checked so far, by operation and status ("getAssets 200"). */
  readonly checked: Map<string, number>;
}

export function conformance(doc: OpenApiDocument): Conformance {
  const ajv = openapiAjv(doc);
  const validators = new Map<Json, ValidateFunction>();
  const validatorOf = (schema: Json) => {
    let v = validators.get(schema);
    if (!v) validators.set(schema, (v = ajv.compile(rebase(schema) as Json)));
    return v;
  };
  const resolve = (r: Response): Response =>
    r.$ref ? (doc.components.responses?.[r.$ref.split('/').pop()!] ?? {}) : r;
  const checked = new Map<string, number>();

  return {
    checked,
    check(method, url, res) {
      const path = url.replace(/:([A-Za-z]+)/g, '{$1}');
      const op = doc.paths[path]?.[method.toLowerCase()];
      const what = `${method} ${path} → ${res.statusCode}`;
      if (!op) return [`${what}: the operation is not in the document`];
      const status = String(res.statusCode);
      const documented = op.responses[status] ?? op.responses[`${status[0]}XX`] ?? op.responses.default;
      if (!documented) {
        return [`${what}: status not documented (documented: ${Object.keys(op.responses).join(', ')})`];
      }
      const key = `${op.operationId} ${status}`;
      checked.set(key, (checked.get(key) ?? 0) + 1);
      const response = resolve(documented);
      const type = String(res.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim()
        .toLowerCase();
      if (!response.content) {
        return res.body.length === 0 ? [] : [`${what}: a body (${type}) where the document has none`];
      }
      const media = response.content[type];
      if (!media) {
        return [
          `${what}: content type "${type}" not documented (${Object.keys(response.content).join(', ')})`,
        ];
      }
      if (!media.schema || !/^application\/(?:[\w.-]+\+)?json$/.test(type)) return [];
      let body: unknown;
      try {
        body = JSON.parse(res.body);
      } catch {
        return [`${what}: the body is not JSON`];
      }
      const validate = validatorOf(media.schema);
      if (validate(body)) return [];
      const errors = (validate.errors ?? [])
        .slice(0, 5)
        .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
        .join('; ');
      return [
        `${what}: the body does not match the documented schema: ${errors} — ${res.body.slice(0, 300)}`,
      ];
    },
  };
}
