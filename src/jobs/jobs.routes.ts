import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { CoreContext } from '../app-context.js';
import { conflict, notFound } from '../errors.js';
import { errorResponses } from '../http/schemas.js';
import type { JobStatus } from './types.js';

const JobParams = Type.Object({
  id: Type.String({ minLength: 3, maxLength: 200, pattern: '^[a-z-]+\\.[^\\s/]+$' }),
});

const State = Type.Union(
  ['waiting', 'delayed', 'active', 'completed', 'failed', 'cancelled', 'unknown'].map((s) => Type.Literal(s)),
);

const Status = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    queue: Type.String(),
    state: State,
    progress: Type.Unknown({
      description: 'A percentage, or an object with `percent` and job-specific counts',
    }),
    result: Type.Unknown({ description: "The job's return value once completed" }),
    error: Type.Union([Type.String(), Type.Null()]),
    attemptsMade: Type.Integer({ description: 'attempts that finished (succeeded or failed)' }),
    attemptsStarted: Type.Integer({
      description: 'attempts begun, counting one whose worker died mid-job and was retried',
    }),
    createdAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    logs: Type.Array(Type.String()),
  },
  { title: 'JobStatus' },
);

const FINISHED = new Set(['completed', 'failed', 'cancelled']);

const view = (s: JobStatus) => ({
  ...s,
  progress: s.progress ?? 0,
  result: s.result ?? null,
  createdAt: s.createdAt.toISOString(),
  finishedAt: s.finishedAt?.toISOString() ?? null,
});

/** Generic job status and cancellation, the same on BullMQ and in-process. */
export const jobRoutes: FastifyPluginAsyncTypebox<{ ctx: CoreContext }> = async (app, { ctx }) => {
  app.get(
    '/v1/jobs/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['jobs'],
        summary: 'Status of a background job: state, progress, result, error and logs',
        params: JobParams,
        response: { 200: Status, ...errorResponses },
      },
    },
    async (req) => {
      const s = await ctx.jobs.get(req.params.id);
      if (!s) throw notFound('job', req.params.id);
      return view(s);
    },
  );

  app.post(
    '/v1/jobs/:id/cancel',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['jobs'],
        summary: 'Cancel a waiting or running job',
        description:
          'A running job stops at its next checkpoint; work it committed stays (jobs are idempotent, a re-run redoes it).',
        params: JobParams,
        response: {
          202: Type.Object({ id: Type.String(), cancelled: Type.Literal(true) }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const s = await ctx.jobs.get(id);
      if (!s) throw notFound('job', id);
      if (FINISHED.has(s.state) || !(await ctx.jobs.cancel(id))) {
        throw conflict('job_finished', `job ${id} has already finished (${s.state})`);
      }
      return reply.status(202).send({ id, cancelled: true as const });
    },
  );
};
