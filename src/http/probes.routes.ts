import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CoreContext } from '../app-context.js';

/** What readiness needs of the model registry (models/ is above http/, so only its shape). */
interface ActiveModelCheck {
  activeProblems(): Promise<ReadonlyArray<{ model: string; code: string; message: string }>>;
}
type ProbeContext = CoreContext & { readonly models: ActiveModelCheck };

const Check = Type.Union([Type.Literal('ok'), Type.Literal('disabled'), Type.String()]);
const Readiness = Type.Object(
  {
    status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
    checks: Type.Object({
      database: Check,
      queue: Check,
      models: Type.String({
        description:
          '"ok", or "degraded: …" naming each active model whose artifact is corrupt or missing. ' +
          'Does not make the instance not ready: ingestion and reads still work, scoring runs without it.',
      }),
    }),
  },
  { title: 'Readiness' },
);

const MODELS_CHECK_TTL_MS = 10_000;

/** Liveness says the process answers; readiness says it can do its work (database and, when
 * configured, Redis reachable), so a load balancer stops sending traffic when it cannot. */
export const probeRoutes: FastifyPluginAsyncTypebox<{ ctx: ProbeContext }> = async (app, { ctx }) => {
  // Hashing the active artifacts on every probe would be wasteful: a result lasts a few seconds.
  let models: { at: number; value: string } | undefined;
  const modelsCheck = async (): Promise<string> => {
    if (models && Date.now() - models.at < MODELS_CHECK_TTL_MS) return models.value;
    try {
      const problems = await withTimeout(ctx.models.activeProblems(), 2_000);
      const value = problems.length === 0 ? 'ok' : `degraded: ${problems.map((p) => p.message).join('; ')}`;
      models = { at: Date.now(), value };
      return value;
    } catch (err) {
      return `unknown: ${(err as Error).message}`;
    }
  };

  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'Liveness',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'Readiness: database and queue reachable',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_req, reply) => {
      const [database, queue, modelState] = await Promise.all([
        ctx.database.ping(2_000).then(
          () => 'ok',
          (e: Error) => `error: ${e.message}`,
        ),
        ctx.jobs.mode === 'inline'
          ? Promise.resolve('disabled')
          : withTimeout(ctx.jobs.ping(), 2_000).then(
              () => 'ok',
              (e: Error) => `error: ${e.message}`,
            ),
        modelsCheck(),
      ]);
      const ready = database === 'ok' && (queue === 'ok' || queue === 'disabled');
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not_ready', checks: { database, queue, models: modelState } });
    },
  );
};

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`no answer within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(t));
}
