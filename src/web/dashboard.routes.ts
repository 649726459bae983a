/**
 * The few reads the dashboard needs beyond the domain APIs, all under the `read` scope: filter
 * choices and open-suggestion counts for the fleet view, the latest capture's spectra with
 * bearing-defect markers, and an asset's maintenance history. Acknowledging or dismissing a
 * suggestion goes through the CMMS routes (scope `cmms`), so a read-only key can look, not act.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { ErrorBody, errorResponses } from '../http/schemas.js';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Series = { hz: Type.Array(Type.Number()), amplitude: Type.Array(Type.Number()) };
const iso = (d: Date | null) => (d ? d.toISOString() : null);

const FleetSummary = Type.Object({
  sites: Type.Array(Type.String()),
  types: Type.Array(Type.String()),
  openSuggestions: Type.Array(Type.Object({ assetId: Type.Integer(), count: Type.Integer() })),
  leadTimeHours: Type.Number({ description: 'Planning lead time of the work-order rules' }),
});

const SpectrumBody = Type.Object({
  capture: Type.Object({
    id: Type.Integer(),
    sensorId: Type.Integer(),
    ts: Type.String({ format: 'date-time' }),
    sampleRateHz: Type.Number(),
    nSamples: Type.Integer(),
  }),
  shaftHz: Type.Union([Type.Number(), Type.Null()]),
  windowSamples: Type.Integer(),
  binHz: Type.Number(),
  spectrum: Type.Object(Series),
  envelope: Type.Object({ ...Series, bandHz: Type.Array(Type.Number()) }),
  defects: Type.Union([Type.Record(Type.String(), Type.Number()), Type.Null()]),
  markers: Type.Array(
    Type.Object({
      defect: Type.String(),
      label: Type.String(),
      harmonic: Type.Integer(),
      hz: Type.Number(),
      amplitude: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});

const MaintenanceBody = Type.Object({
  events: Type.Array(
    Type.Object({
      id: Type.Integer(),
      kind: Type.String(),
      component: NullableString,
      failureMode: NullableString,
      description: NullableString,
      occurredAt: Type.String({ format: 'date-time' }),
      endedAt: NullableString,
      workOrderRef: NullableString,
      source: Type.String(),
    }),
  ),
  suggestions: Type.Array(
    Type.Object({
      id: Type.Integer(),
      status: Type.String(),
      priority: Type.Integer(),
      failureMode: Type.String(),
      component: NullableString,
      title: Type.String(),
      description: Type.String(),
      recommendedAction: Type.String(),
      dueAt: Type.String({ format: 'date-time' }),
      workOrderRef: NullableString,
      statusNote: NullableString,
      createdAt: Type.String({ format: 'date-time' }),
      statusChangedAt: NullableString,
    }),
  ),
});

export const dashboardRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['dashboard'];

  app.get(
    '/v1/dashboard/fleet-summary',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Filter choices, open work-order suggestions per asset, and the planning lead time',
        response: { 200: FleetSummary, ...errorResponses },
      },
    },
    async () => ctx.dashboard.fleetSummary(),
  );

  app.get(
    '/v1/assets/:id/spectrum',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary:
          "Spectrum and envelope spectrum of the asset's latest capture, with BPFO/BPFI/BSF/FTF markers",
        params: IdParams,
        response: { 200: SpectrumBody, 409: ErrorBody, ...errorResponses },
      },
    },
    async (req) => {
      const { capture, shaftHz, result } = await ctx.dashboard.spectrum(req.params.id);
      return {
        capture: {
          id: capture.id,
          sensorId: capture.sensor_id,
          ts: capture.ts.toISOString(),
          sampleRateHz: capture.sample_rate_hz,
          nSamples: capture.n_samples,
        },
        shaftHz,
        ...result,
      };
    },
  );

  app.get(
    '/v1/assets/:id/maintenance',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Maintenance history and work-order suggestions of an asset, newest first',
        params: IdParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
        response: { 200: MaintenanceBody, ...errorResponses },
      },
    },
    async (req) => {
      const { events, suggestions } = await ctx.dashboard.maintenance(req.params.id, req.query.limit ?? 100);
      return {
        events: events.map((e) => ({
          id: e.id,
          kind: e.kind,
          component: e.component,
          failureMode: e.failure_mode,
          description: e.description,
          occurredAt: e.occurred_at.toISOString(),
          endedAt: iso(e.ended_at),
          workOrderRef: e.work_order_ref,
          source: e.source,
        })),
        suggestions: suggestions.map((s) => ({
          id: s.id,
          status: s.status,
          priority: s.priority,
          failureMode: s.failure_mode,
          component: s.component,
          title: s.title,
          description: s.description,
          recommendedAction: s.recommended_action,
          dueAt: s.due_at.toISOString(),
          workOrderRef: s.work_order_ref,
          statusNote: s.status_note,
          createdAt: s.created_at.toISOString(),
          statusChangedAt: iso(s.status_changed_at),
        })),
      };
    },
  );
};
