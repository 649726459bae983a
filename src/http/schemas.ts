import { Type, type TSchema } from '@sinclair/typebox';

/** A database id (bigint): past MAX_SAFE_INTEGER it is no longer exact in JavaScript. */
export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

/** The body of every error response. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  // `Error` names the component the OpenAPI document references (`#/components/schemas/Error`).
  { $id: 'Error', title: 'Error' },
);

/** The error responses every route shares, to spread into a route's `response` schema: a bad
 * request and an unavailable database. The OpenAPI document adds, from what the route declares,
 * 401/403/429 where a key is needed, 404/414 where a path names a resource, 404/409 on writes and
 * 413/415 where a body is taken (src/http/openapi.ts); a route lists any other status it can answer
 * itself (a read that can conflict: `409: ErrorBody`). */
export const errorResponses = {
  400: ErrorBody,
  503: ErrorBody,
};

export const Paged = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
