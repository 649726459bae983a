/** The JSON shape of a suggestion (API, webhook payload, and the input of the CMMS mappings). */
import { Type, type Static } from '@sinclair/typebox';
import { failureMechanismName, failureModeName } from './iso14224.js';
import type { SuggestionRow } from './suggestions.repository.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const SuggestionDto = Type.Object(
  {
    id: Type.Integer(),
    status: Type.Union([
      Type.Literal('open'),
      Type.Literal('acknowledged'),
      Type.Literal('dismissed'),
      Type.Literal('resolved'),
      Type.Literal('superseded'),
    ]),
    priority: Type.Integer({ minimum: 1, maximum: 4, description: '1 = urgent … 4 = low' }),
    failureMode: Type.String({ description: 'ISO 14224 failure mode code, e.g. VIB' }),
    failureModeName: Type.String(),
    failureMechanism: Type.String({ description: 'ISO 14224 failure mechanism code, e.g. 2.6' }),
    failureMechanismName: Type.String(),
    component: Nullable(Type.String()),
    rules: Type.Array(Type.String()),
    title: Type.String(),
    description: Type.String(),
    recommendedAction: Type.String(),
    dueAt: Type.String({ format: 'date-time' }),
    evidence: Type.Record(Type.String(), Type.Unknown()),
    forecastIds: Type.Array(Type.Integer()),
    revision: Type.Integer(),
    workOrderRef: Nullable(Type.String()),
    statusNote: Nullable(Type.String()),
    resolvedByEventId: Type.Union([Type.Integer(), Type.Null()]),
    supersedesId: Type.Union([Type.Integer(), Type.Null()], {
      description: 'The open suggestion this more urgent one replaced (its status is superseded)',
    }),
    supersededById: Type.Union([Type.Integer(), Type.Null()], {
      description: 'For a superseded suggestion: the more urgent one that replaced it',
    }),
    asset: Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      type: Type.String(),
      site: Nullable(Type.String()),
      externalRef: Nullable(Type.String()),
    }),
    createdAt: Type.String({
      format: 'date-time',
      description: "When it was raised, on the data's clock: the as-of of the newest forecast behind it",
    }),
    updatedAt: Type.String({
      format: 'date-time',
      description: 'Server time of the last change: the change-feed cursor',
    }),
    statusChangedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { title: 'WorkOrderSuggestion' },
);
export type SuggestionDto = Static<typeof SuggestionDto>;

export function toSuggestionDto(r: SuggestionRow): SuggestionDto {
  return {
    id: r.id,
    status: r.status,
    priority: r.priority,
    failureMode: r.failure_mode,
    failureModeName: failureModeName(r.failure_mode),
    failureMechanism: r.failure_mechanism,
    failureMechanismName: failureMechanismName(r.failure_mechanism),
    component: r.component,
    rules: r.rules,
    title: r.title,
    description: r.description,
    recommendedAction: r.recommended_action,
    dueAt: r.due_at.toISOString(),
    evidence: r.evidence,
    forecastIds: r.forecast_ids,
    revision: r.revision,
    workOrderRef: r.work_order_ref,
    statusNote: r.status_note,
    resolvedByEventId: r.resolved_by_event_id,
    supersedesId: r.supersedes_id,
    supersededById: r.superseded_by_id,
    asset: {
      id: r.asset_id,
      name: r.asset_name,
      type: r.asset_type,
      site: r.asset_site,
      externalRef: r.asset_external_ref,
    },
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    statusChangedAt: r.status_changed_at ? r.status_changed_at.toISOString() : null,
  };
}
