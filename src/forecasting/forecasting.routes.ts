import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CoreContext } from '../app-context.js';
import type { ScoreRequest, ScoringService } from './scoring.service.js';
import type { ForecastsService } from './forecasts.service.js';
import { badRequest, notFound } from '../errors.js';
import { Id, errorResponses } from '../http/schemas.js';
import { ASSET_STATES } from './asset-state.js';
import { ForecastBody, toForecastBody } from './forecast-body.js';

/** What these routes use of the context (context.ts passes all of it). */
type ForecastingRouteContext = CoreContext & {
  readonly scoring: ScoringService;
  readonly forecasts: ForecastsService;
};

const Timestamp = Type.String({ minLength: 1, maxLength: 40, description: 'ISO-8601 date-time' });
/** Exported with parseScoreBody for the score bench's baseline route (bench/score-load.bench.ts),
 * which parses and validates exactly what this route does. */
export const ScoreBody = Type.Object(
  {
    assetId: Id,
    featureSet: Type.Optional(Type.String({ maxLength: 100 })),
    capture: Type.Optional(
      Type.Object(
        {
          ts: Timestamp,
          sampleRateHz: Type.Number({ exclusiveMinimum: 0 }),
          samples: Type.Array(Type.Number(), { minItems: 1, maxItems: 1_048_576 }),
        },
        { additionalProperties: false },
      ),
    ),
    readings: Type.Optional(
      Type.Array(Type.Object({ ts: Timestamp, value: Type.Number() }, { additionalProperties: false }), {
        maxItems: 100_000,
      }),
    ),
    features: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()]))),
  },
  { additionalProperties: false },
);

function parseTs(value: string, field: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw badRequest('invalid_timestamp', `${field} is not a valid ISO-8601 timestamp`);
  return d;
}

/** POST /v1/score's checks beyond the schema, and the body as a scoring request. */
export function parseScoreBody(b: Static<typeof ScoreBody>): ScoreRequest {
  if (!b.capture && !b.features && !b.readings?.length) {
    throw badRequest('no_input', 'body needs capture, readings or features');
  }
  for (const [i, s] of (b.capture?.samples ?? []).entries()) {
    if (!Number.isFinite(s))
      throw badRequest('invalid_sample', `capture.samples[${i}] must be a finite number`);
  }
  return {
    assetId: b.assetId,
    featureSet: b.featureSet,
    features: b.features,
    capture: b.capture && { ...b.capture, ts: parseTs(b.capture.ts, 'capture.ts') },
    temperature: b.readings?.map((r, i) => ({ ts: parseTs(r.ts, `readings[${i}].ts`), value: r.value })),
    source: 'api',
  };
}

const AssetParam = Type.Object({ id: Id });

const NullableTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const FleetRiskBody = Type.Object({
  fleetClock: Type.String({
    format: 'date-time',
    description:
      'The newest data timestamp of any active asset (at most the wall clock): ages and offline states are judged on it, so replayed history is judged on its own time',
  }),
  items: Type.Array(
    Type.Object({
      asset: Type.Object({
        id: Type.Integer(),
        name: Type.String(),
        type: Type.String(),
        site: Type.Union([Type.String(), Type.Null()]),
        externalRef: Type.Union([Type.String(), Type.Null()]),
      }),
      forecast: ForecastBody,
      section: Type.Union(
        [
          Type.Literal('ranked'),
          Type.Literal('failed'),
          Type.Literal('under_repair'),
          Type.Literal('offline'),
        ],
        { description: 'ranked: running or alarm, in risk order; the others are listed after them, apart' },
      ),
      rank: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
        description: 'Risk rank in the ranked section',
      }),
      state: Type.Union(ASSET_STATES.map((s) => Type.Literal(s))),
      stateSince: NullableTime,
      failedAt: NullableTime,
      lastDataAt: NullableTime,
      dataAgeS: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
        description: 'Seconds from lastDataAt to fleetClock',
      }),
    }),
  ),
});

export const forecastingRoutes: FastifyPluginAsyncTypebox<{ ctx: ForecastingRouteContext }> = async (
  app,
  { ctx },
) => {
  const tags = ['forecasts'];

  app.post(
    '/v1/score',
    {
      config: { scope: 'ingest' },
      schema: {
        tags,
        summary: 'Score live data for an asset; the forecast is stored before the response',
        body: ScoreBody,
        response: { 200: ForecastBody, ...errorResponses },
      },
    },
    async (req) => toForecastBody(await ctx.scoring.score(parseScoreBody(req.body))),
  );

  app.get(
    '/v1/assets/:id/health',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Latest forecast of an asset, with its recent trend',
        params: AssetParam,
        querystring: Type.Object({ trend: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
        response: {
          200: Type.Object({
            latest: ForecastBody,
            trend: Type.Array(
              Type.Object({
                asOf: Type.String(),
                healthIndex: Type.Union([Type.Number(), Type.Null()]),
                risk: Type.Number(),
                rulHours: Type.Union([Type.Number(), Type.Null()]),
                rulLowerHours: Type.Union([Type.Number(), Type.Null()]),
                rulUpperHours: Type.Union([Type.Number(), Type.Null()]),
                velocityRmsMmS: Type.Union([Type.Number(), Type.Null()]),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const rows = await ctx.forecasts.latest(req.params.id, req.query.trend ?? 50);
      if (rows.length === 0) throw notFound('forecast for asset', req.params.id);
      return {
        latest: toForecastBody(rows[0]!),
        trend: rows.reverse().map((f) => ({
          asOf: f.as_of.toISOString(),
          healthIndex: f.health_index,
          risk: f.risk,
          rulHours: f.rul_hours,
          rulLowerHours: f.rul_lower_hours,
          rulUpperHours: f.rul_upper_hours,
          velocityRmsMmS: f.velocity_rms_mm_s,
        })),
      };
    },
  );

  app.get(
    '/v1/assets/:id/forecasts',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Forecast history of an asset, newest first (cursor-paged)',
        params: AssetParam,
        querystring: Type.Object({
          from: Type.Optional(Timestamp),
          to: Type.Optional(Timestamp),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(ForecastBody),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? 100;
      let before: { scoredAt: Date; id: number } | undefined;
      if (q.cursor) {
        const [t, id] = Buffer.from(q.cursor, 'base64url').toString().split('|');
        before = { scoredAt: new Date(t ?? ''), id: Number(id) };
        if (Number.isNaN(before.scoredAt.getTime()) || !Number.isInteger(before.id)) {
          throw badRequest('invalid_cursor', 'querystring/cursor is not a cursor this API issued');
        }
      }
      const rows = await ctx.forecasts.page({
        assetId: req.params.id,
        from: q.from ? parseTs(q.from, 'querystring/from') : undefined,
        to: q.to ? parseTs(q.to, 'querystring/to') : undefined,
        limit,
        before,
      });
      const last = rows.at(-1);
      return {
        items: rows.map(toForecastBody),
        nextCursor:
          rows.length === limit && last
            ? Buffer.from(`${last.scored_at.toISOString()}|${last.id}`).toString('base64url')
            : null,
      };
    },
  );

  app.get(
    '/v1/fleet/risk',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary:
          'Running and alarm assets ranked by risk (latest forecast of each), then failed, under-repair and offline ones apart; filterable by site and type',
        querystring: Type.Object({
          site: Type.Optional(Type.String({ maxLength: 200 })),
          type: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
        }),
        response: { 200: FleetRiskBody, ...errorResponses },
      },
    },
    async (req) => {
      const fleet = await ctx.forecasts.fleet({ ...req.query, limit: req.query.limit ?? 500 });
      let rank = 0;
      return {
        fleetClock: fleet.clock.toISOString(),
        items: fleet.items.map((r) => ({
          asset: {
            id: r.asset_id,
            name: r.asset_name,
            type: r.asset_type,
            site: r.site,
            externalRef: r.external_ref,
          },
          forecast: toForecastBody(r),
          section: r.section,
          rank: r.section === 'ranked' ? ++rank : null,
          state: r.lifecycle.state,
          stateSince: isoOrNull(r.lifecycle.since),
          failedAt: isoOrNull(r.lifecycle.failedAt),
          lastDataAt: isoOrNull(r.lifecycle.lastDataAt),
          dataAgeS: r.lifecycle.lastDataAt
            ? Math.max(0, Math.round((fleet.clock.getTime() - r.lifecycle.lastDataAt.getTime()) / 1000))
            : null,
        })),
      };
    },
  );
};

const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);
