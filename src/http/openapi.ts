/**
 * The OpenAPI document's contract, on top of what @fastify/swagger derives from the route schemas:
 * OpenAPI 3.1 (JSON Schema 2020-12, which TypeBox's numeric exclusive bounds and `type: 'null'`
 * belong to), the two ways a key is sent as security schemes, and per operation an operationId,
 * the security and scope it needs, and the error statuses it can answer — each a shared response
 * whose body is `#/components/schemas/Error`. Schemas a route module names with a `title` become
 * components too, referenced wherever they appear instead of inlined copies.
 *
 * Everything is derived from what the routes declare (method, URL, `config.scope`/`public`,
 * request body) and how the app is configured, so a new route is documented without editing this
 * file; tests/openapi-document.test.ts validates the result and the hostile-input and auth tests
 * check every answer against it.
 */
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { DeclaredRoute } from '../auth/auth.js';

const OPENAPI_VERSION = '3.1.0';

/** Security scheme names: the two headers the server reads a key from (src/auth/auth.ts). */
const BEARER = 'bearerAuth';
const API_KEY = 'apiKeyHeader';

const ERROR_REF = { $ref: '#/components/schemas/Error' };

interface ErrorResponse {
  name: string;
  description: string;
  headers?: Record<string, { description: string; schema: object }>;
}

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
};

/** The error statuses this module documents, as shared responses (`#/components/responses/…`). */
const ERRORS: Record<number, ErrorResponse> = {
  400: {
    name: 'BadRequest',
    description:
      'The request is invalid: `validation_failed` names the field (and, for a choice, the allowed values); other codes are the operation’s own. A malformed URL is `bad_url`.',
  },
  401: {
    name: 'Unauthorized',
    description: '`unauthorized`: no API key, or an invalid or revoked one.',
    headers: { 'WWW-Authenticate': { description: '`Bearer`', schema: { type: 'string' } } },
  },
  403: { name: 'Forbidden', description: '`forbidden`: the key lacks the scope this operation needs.' },
  404: { name: 'NotFound', description: '`not_found`: a resource the request names does not exist.' },
  409: { name: 'Conflict', description: 'The request conflicts with the current state of a resource.' },
  413: {
    name: 'PayloadTooLarge',
    description: '`payload_too_large` (past BODY_LIMIT_BYTES) or a batch over its limit.',
  },
  414: {
    name: 'PathParameterTooLong',
    description: '`path_parameter_too_long`: a path parameter is over 100 characters.',
  },
  415: {
    name: 'UnsupportedMediaType',
    description: '`unsupported_media_type`: the body’s content type is not one this operation takes.',
  },
  429: {
    name: 'RateLimited',
    description: '`rate_limited`: the key exceeded RATE_LIMIT_PER_MINUTE; retry after `Retry-After` seconds.',
    headers: RETRY_AFTER,
  },
  503: {
    name: 'Unavailable',
    description:
      '`database_unavailable` or `queue_unavailable` (or the server is shutting down): retry after `Retry-After` seconds.',
    headers: RETRY_AFTER,
  },
};

export interface OpenApiContractOptions {
  /** The routes as declared (app.declaredRoutes): filled while plugins register, read when the document is built. */
  routes: readonly DeclaredRoute[];
  /** PROGNOS_AUTH: off means no key is asked for, so no security and no 401/403. */
  auth: boolean;
  /** RATE_LIMIT_PER_MINUTE > 0: keyed requests may get 429. */
  rateLimited: boolean;
}

type Json = Record<string, unknown>;
interface Operation extends Json {
  operationId?: string;
  description?: string;
  parameters?: Array<{ in: string; name: string; schema?: Json }>;
  requestBody?: { content?: Record<string, { schema?: Json }> };
  responses: Record<string, Json>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** `post /v1/work-order-suggestions/{id}/ack` → `postWorkOrderSuggestionsByIdAck`: stable, unique per method and path. */
function operationIdOf(method: string, path: string): string {
  const pascal = (s: string) =>
    s
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join('');
  const parts = path
    .split('/')
    .filter((s) => s && s !== 'v1')
    .map((s) => (s.startsWith('{') ? `By${pascal(s.slice(1, -1))}` : pascal(s)));
  return method.toLowerCase() + parts.join('');
}

/** Whether the server asks this route for a key (auth on, and the route declares a scope). */
const needsKey = (route: DeclaredRoute | undefined, o: OpenApiContractOptions): route is DeclaredRoute =>
  o.auth && route !== undefined && !route.public && route.scope !== undefined;

/** Which of the documented error statuses an operation can answer. */
function errorStatuses(
  op: Operation,
  method: string,
  path: string,
  route: DeclaredRoute | undefined,
  o: OpenApiContractOptions,
) {
  const keyed = needsKey(route, o);
  const hasPathParams = path.includes('{');
  // Fastify parses a body on every method but GET (DELETE included), so its limits apply.
  const takesBody = method !== 'get';
  const isV1 = path.startsWith('/v1/');
  const statuses = new Set<number>();
  // Any URL can be malformed (bad percent-encoding), whatever the route validates.
  statuses.add(400);
  if (keyed) statuses.add(401).add(403);
  if (keyed && o.rateLimited) statuses.add(429);
  if (hasPathParams) statuses.add(404).add(414);
  // Writes act on rows a body or query names (an asset, a model, a suggestion's state).
  if (isV1 && method !== 'get') statuses.add(404).add(409);
  if (takesBody) statuses.add(413).add(415);
  // Every /v1 route reads the database (the key lookup at least).
  if (isV1) statuses.add(503);
  // What the route itself declares beyond these rules (e.g. a read that finds nothing) stays.
  for (const s of Object.keys(op.responses)) if (Number(s) >= 400) statuses.add(Number(s));
  return statuses;
}

function securityDescription(route: DeclaredRoute | undefined): string {
  if (!route?.scope || route.public) return 'No API key needed.';
  const also = route.scope === 'admin' ? '' : ' (or `admin`, which implies every scope)';
  return `Needs an API key with the \`${route.scope}\` scope${also}: \`Authorization: Bearer <key>\` or \`X-API-Key\`.`;
}

function documentOperation(
  op: Operation,
  method: string,
  path: string,
  route: DeclaredRoute | undefined,
  o: OpenApiContractOptions,
) {
  op.operationId ??= operationIdOf(method, path);
  const keyed = needsKey(route, o);
  op.security = keyed ? [{ [BEARER]: [] }, { [API_KEY]: [] }] : [];
  if (keyed) op['x-required-scope'] = route.scope;
  if (o.auth)
    op.description = op.description
      ? `${op.description}\n\n${securityDescription(route)}`
      : securityDescription(route);
  const declared = op.responses;
  const responses: Record<string, Json> = {};
  for (const [status, r] of Object.entries(declared)) if (Number(status) < 400) responses[status] = r;
  for (const s of [...errorStatuses(op, method, path, route, o)].sort((a, b) => a - b)) {
    const shared = ERRORS[s];
    const own = declared[String(s)];
    // A route's own body for an error status (readyz's 503 is its readiness report) stays.
    const ownIsError = own === undefined || isErrorSchema(own);
    if (shared && ownIsError) responses[String(s)] = { $ref: `#/components/responses/${shared.name}` };
    else if (own) responses[String(s)] = ownIsError ? errorResponse(own) : own;
  }
  op.responses = responses;
}

function isErrorSchema(response: Json): boolean {
  const content = response.content as Record<string, { schema?: Json }> | undefined;
  const schema = content ? Object.values(content)[0]?.schema : undefined;
  const props = schema?.properties as Json | undefined;
  return schema?.$ref === ERROR_REF.$ref || (props !== undefined && Object.keys(props).join() === 'error');
}

/** An error status with no shared response (422…): JSON, the Error schema. */
function errorResponse(own: Json): Json {
  return { description: own.description, content: { 'application/json': { schema: ERROR_REF } } };
}

/** TypeBox's union of literals (`anyOf` of one-value enums of one type) as the one `enum` it
 * means, which generators and Swagger UI show as a choice. */
function collapseLiteralUnion(node: Json): Json {
  const branches = node.anyOf;
  if (!Array.isArray(branches) || branches.length < 2) return node;
  const type = (branches[0] as Json).type;
  const literal = (b: Json) =>
    b.type === type && Array.isArray(b.enum) && b.enum.length === 1 && Object.keys(b).length === 2;
  if (typeof type !== 'string' || !branches.every((b) => literal(b as Json))) return node;
  const { anyOf: _anyOf, ...rest } = node;
  return { ...rest, type, enum: branches.map((b) => ((b as Json).enum as unknown[])[0]) };
}

/** Replaces each titled object schema by a `$ref` to `components.schemas[title]`. */
function hoistTitledSchemas(doc: { components: { schemas: Record<string, Json> }; paths: Json }) {
  const schemas = doc.components.schemas;
  const seen = new Map<string, string>();
  const visit = (node: unknown, isRoot = false): unknown => {
    if (Array.isArray(node)) return node.map((n) => visit(n));
    if (node === null || typeof node !== 'object') return node;
    const obj = collapseLiteralUnion(node as Json);
    const title = obj.title;
    if (!isRoot && typeof title === 'string' && /^[A-Z][A-Za-z0-9]*$/.test(title)) {
      const body = Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, visit(v)]));
      const key = JSON.stringify(body);
      const known = seen.get(title);
      if (known !== undefined && known !== key) {
        throw new Error(`OpenAPI: two different schemas are titled "${title}"; give each its own title`);
      }
      if (known === undefined) {
        seen.set(title, key);
        schemas[title] = body;
      }
      return { $ref: `#/components/schemas/${title}` };
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, visit(v)]));
  };
  for (const [name, schema] of Object.entries(schemas)) {
    schemas[name] = visit(schema, true) as Json;
    if (typeof schema.title === 'string') seen.set(schema.title, JSON.stringify(schemas[name]));
  }
  doc.paths = visit(doc.paths) as Json;
}

type Document = NonNullable<FastifyDynamicSwaggerOptions['openapi']>;

/** @fastify/swagger's options: `document` gives the info and tags. */
export function openapiOptions(
  o: OpenApiContractOptions,
  document: Pick<Document, 'info' | 'tags'>,
): FastifyDynamicSwaggerOptions {
  const securitySchemes = {
    [BEARER]: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer <key>`' },
    [API_KEY]: {
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
      description: 'The same API key in `X-API-Key`',
    },
  };
  const responses = Object.fromEntries(
    Object.values(ERRORS).map((e) => [
      e.name,
      {
        description: e.description,
        ...(e.headers ? { headers: e.headers } : {}),
        content: { 'application/json': { schema: ERROR_REF } },
      },
    ]),
  );
  return {
    // OpenAPI 3.0, 3.1 and 3.2 components are typed apart; these are valid in all.
    openapi: {
      ...document,
      openapi: OPENAPI_VERSION,
      components: { securitySchemes, responses },
    } as Document,
    // Components are named by their `$id` (ErrorBody's is `Error`), not `def-N`.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
    transformObject: (documentObject) => {
      const doc = (documentObject as { openapiObject: unknown }).openapiObject as {
        components: { schemas: Record<string, Json>; responses?: Json; securitySchemes?: Json };
        paths: Record<string, Record<string, Operation>>;
      };
      const byKey = new Map(
        o.routes.map((r) => [`${r.method.toLowerCase()} ${r.url.replace(/:([A-Za-z]+)/g, '{$1}')}`, r]),
      );
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const method of METHODS) {
          const op = item[method];
          if (op) documentOperation(op, method, path, byKey.get(`${method} ${path}`), o);
        }
      }
      hoistTitledSchemas(doc as never);
      if (!o.auth) delete doc.components.securitySchemes;
      return doc as never;
    },
  };
}
