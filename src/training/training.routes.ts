import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CoreContext } from '../app-context.js';
import type { TrainingService } from './training.service.js';
import type { TrainingRun } from '../db/schema.js';
import { Id, errorResponses } from '../http/schemas.js';
import { hijackedHeaders } from '../http/security-headers.js';
import { TRAINABLE_KINDS } from './trainers.js';

/** What these routes use of the context (context.ts passes all of it). */
type TrainingRouteContext = CoreContext & { readonly training: TrainingService };

const Run = Type.Object(
  {
    id: Type.Integer(),
    modelName: Type.String(),
    kind: Type.String(),
    status: Type.String(),
    params: Type.Record(Type.String(), Type.Unknown()),
    progress: Type.Record(Type.String(), Type.Unknown()),
    epochs: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    metrics: Type.Record(Type.String(), Type.Unknown()),
    dataRange: Type.Record(Type.String(), Type.Unknown()),
    error: Type.Union([Type.String(), Type.Null()]),
    jobId: Type.Union([Type.String(), Type.Null()]),
    modelVersionId: Type.Union([Type.Integer(), Type.Null()]),
    attempts: Type.Integer({ description: 'attempts started; more than 1 after a retry' }),
    createdAt: Type.String({ format: 'date-time' }),
    startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    logs: Type.Optional(Type.Array(Type.String())),
  },
  { title: 'TrainingRun' },
);

export function toRunBody(r: TrainingRun, logs?: string[]): Static<typeof Run> {
  return {
    id: r.id,
    modelName: r.model_name,
    kind: r.kind,
    status: r.status,
    params: r.params,
    progress: r.progress,
    epochs: r.epochs,
    metrics: r.metrics,
    dataRange: r.data_range,
    error: r.error,
    jobId: r.job_id,
    modelVersionId: r.model_version_id,
    attempts: r.attempts,
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
    ...(logs ? { logs } : {}),
  };
}

const StartBody = Type.Object(
  {
    modelName: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }),
    kind: Type.Union(TRAINABLE_KINDS.map((k) => Type.Literal(k))),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    autoPromote: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const IdParam = Type.Object({ id: Id });
const FINISHED = new Set(['completed', 'failed', 'cancelled']);

/** Retraining for data scientists: start a run, watch it (poll or server-sent events), cancel it. */
export const trainingRoutes: FastifyPluginAsyncTypebox<{ ctx: TrainingRouteContext }> = async (
  app,
  { ctx },
) => {
  const tags = ['training'];
  const withLogs = async (run: TrainingRun) => {
    const job = run.job_id ? await ctx.jobs.get(run.job_id).catch(() => undefined) : undefined;
    return toRunBody(run, job?.logs ?? []);
  };

  app.post(
    '/v1/training-runs',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Start a training run on the training queue',
        body: StartBody,
        response: { 202: Run, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(202).send(toRunBody(await ctx.training.start(req.body))),
  );

  app.get(
    '/v1/training-runs',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Training runs, newest first',
        querystring: Type.Object({
          modelName: Type.Optional(Type.String()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          beforeId: Type.Optional(Id),
        }),
        response: { 200: Type.Object({ items: Type.Array(Run) }), ...errorResponses },
      },
    },
    async (req) => ({ items: (await ctx.training.list(req.query)).map((r) => toRunBody(r)) }),
  );

  app.get(
    '/v1/training-runs/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'A run: status, progress with ETA, per-epoch metrics, logs',
        params: IdParam,
        response: { 200: Run, ...errorResponses },
      },
    },
    async (req) => withLogs(await ctx.training.get(req.params.id)),
  );

  app.post(
    '/v1/training-runs/:id/cancel',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Cancel a queued or running run (no version is registered)',
        params: IdParam,
        response: { 200: Run, ...errorResponses },
      },
    },
    async (req) => toRunBody(await ctx.training.cancel(req.params.id)),
  );

  app.get(
    '/v1/training-runs/:id/events',
    {
      // EventSource cannot send headers: this route also takes the key as ?access_token=.
      config: { scope: 'read', keyInQuery: true },
      schema: {
        tags,
        summary: 'Server-sent events: the run as it changes, until it finishes',
        description:
          'For a browser EventSource, which cannot set headers, the API key may be given as ' +
          '`?access_token=<key>` on this route only (prefer a read-only key; it is redacted from logs).',
        params: IdParam,
        querystring: Type.Object({
          access_token: Type.Optional(Type.String({ description: 'API key, for EventSource' })),
        }),
        response: {
          200: {
            description:
              '`event: run` with the run as JSON each time it changes; the stream ends when the run finishes',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      let run = await ctx.training.get(req.params.id);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...hijackedHeaders(reply),
        'content-type': 'text/event-stream',
        // no-store: the URL may carry the key (RFC 6750 §2.3), and events are never reused.
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      let closed = false;
      req.raw.on('close', () => (closed = true));
      let last = '';
      // Poll the row: the run is updated by whichever process trains it.
      while (!closed) {
        const body = JSON.stringify(await withLogs(run));
        if (body !== last) {
          res.write(`event: run\ndata: ${body}\n\n`);
          last = body;
        }
        if (FINISHED.has(run.status)) break;
        await new Promise((r) => setTimeout(r, 500));
        run = await ctx.training.get(req.params.id);
      }
      res.end();
    },
  );
};
