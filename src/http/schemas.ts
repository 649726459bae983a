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

/** Standard error responses to spread into a route's `response` schema. */
export const errorResponses = {
  400: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  503: ErrorBody,
};

export const Paged = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
