/** TypeBox schemas of the work-order suggestion and maintenance-event routes. */
import { Type } from '@sinclair/typebox';
import { FORMATS } from './mappings/index.js';
import { Id } from '../http/schemas.js';

export const IdParams = Type.Object({ id: Id });

const FormatQuery = Type.Optional(
  Type.Union(
    FORMATS.map((f) => Type.Literal(f)),
    { description: 'Payload mapping: prognos (default), maximo, sap or maintainx' },
  ),
);

export const ListQuery = Type.Object({
  status: Type.Optional(
    Type.Union([
      Type.Literal('open'),
      Type.Literal('acknowledged'),
      Type.Literal('dismissed'),
      Type.Literal('resolved'),
      Type.Literal('superseded'),
    ]),
  ),
  updated_since: Type.Optional(
    Type.String({ format: 'date-time', description: 'Only rows changed after this instant (exclusive)' }),
  ),
  asset_id: Type.Optional(Id),
  site: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  format: FormatQuery,
});

export const GetQuery = Type.Object({ format: FormatQuery });

export const AckBody = Type.Object(
  {
    workOrderRef: Type.String({ minLength: 1, maxLength: 100, description: 'The CMMS work-order number' }),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const DismissBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

/** Mapped payloads differ per CMMS; their shapes are documented by the mapping modules. */
export const MappedItem = Type.Record(Type.String(), Type.Unknown());

export const MaintenanceEventBody = Type.Object(
  {
    assetId: Type.Optional(Id),
    assetRef: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'The asset external_ref' }),
    ),
    kind: Type.Union([
      Type.Literal('failure'),
      Type.Literal('repair'),
      Type.Literal('replacement'),
      Type.Literal('inspection'),
      Type.Literal('preventive'),
    ]),
    component: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    failureMode: Type.Optional(
      Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 14224 failure mode, e.g. VIB' }),
    ),
    failureMechanism: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,2}\\.[0-9]{1,2}$',
        description: 'ISO 14224 failure mechanism, e.g. 2.6',
      }),
    ),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    occurredAt: Type.String({ format: 'date-time' }),
    endedAt: Type.Optional(Type.String({ format: 'date-time' })),
    workOrderRef: Type.String({ minLength: 1, maxLength: 100 }),
    suggestionId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

const NullableString = Type.Union([Type.String(), Type.Null()]);
export const MaintenanceEventDto = Type.Object(
  {
    id: Type.Integer(),
    assetId: Type.Integer(),
    kind: Type.String(),
    component: NullableString,
    failureMode: NullableString,
    failureMechanism: NullableString,
    description: NullableString,
    occurredAt: Type.String({ format: 'date-time' }),
    endedAt: NullableString,
    workOrderRef: NullableString,
    source: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    resolvedSuggestionId: Type.Union([Type.Integer(), Type.Null()]),
    closedSuggestionIds: Type.Array(Type.Integer(), {
      description:
        'Suggestions this failure, repair or replacement closed (status resolved, note "closed: …")',
    }),
  },
  { title: 'MaintenanceEvent' },
);
