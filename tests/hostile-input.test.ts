/**
 * Hostile input on every declared route (app.declaredRoutes, so a new route is covered without
 * editing this file), with an admin key so requests get past auth: random and malformed bodies,
 * deep JSON, huge arrays, wrong content types, bad UTF-8, odd path parameters and query strings.
 * Properties: never a 5xx, the process never crashes, every 4xx is `{error:{code,message}}`,
 * a rejected request changes no table's row count, and every answer is as the OpenAPI document
 * says (Schemathesis' checks: status documented for the operation, content type documented for
 * that status, body matching its schema; tests/helpers/openapi-conformance.ts).
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.js';
import { buildApp } from '../src/app.js';
import { InlineJobQueue } from '../src/jobs/inline-queue.js';
import { createTestContext } from './helpers/context.js';
import { hostileRequest } from './helpers/hostile.js';
import { conformance, type OpenApiDocument } from './helpers/openapi-conformance.js';
import type { JsonSchema, RouteShape } from './helpers/schema-arbitrary.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;
type App = Awaited<ReturnType<typeof buildApp>>;

// Small limits so "past the limit" bodies stay cheap to build and send.
const BODY_LIMIT = 256 * 1024;
const MAX_ITEMS = 50;
// Runs per route; HOSTILE_RUNS=500 for a deeper search on a quiet machine.
const RUNS = Number(process.env.HOSTILE_RUNS ?? 30);

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ in: string; name: string; schema?: JsonSchema }>;
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
      }
    >
  >;
}

function shapeOf(api: OpenApi, method: string, url: string): RouteShape {
  const op = api.paths[url.replace(/:([A-Za-z]+)/g, '{$1}')]?.[method.toLowerCase()];
  const bodySchema = op?.requestBody?.content?.['application/json']?.schema;
  const query = (op?.parameters ?? []).filter((p) => p.in === 'query');
  return {
    method,
    url,
    bodyProps: Object.keys(bodySchema?.properties ?? {}),
    queryProps: query.map((p) => p.name),
    bodySchema,
    querySchemas: Object.fromEntries(query.map((p) => [p.name, p.schema ?? {}])),
  };
}

/** Row counts of every table (partitioned parents count their partitions). */
async function rowCounts(ctx: Ctx): Promise<Record<string, number>> {
  const { rows: tables } = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
    order by 1`.execute(ctx.database.db);
  const parts = tables.map(
    (t) => sql`select ${t.name} as name, count(*)::int as n from ${sql.table(t.name)}`,
  );
  const { rows } = await sql<{ name: string; n: number }>`${sql.join(parts, sql` union all `)}`.execute(
    ctx.database.db,
  );
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
}

describe('hostile input on every route', () => {
  let ctx: Ctx;
  let app: App;
  let key: string;
  const ids: number[] = [];
  beforeAll(async () => {
    ctx = await createTestContext({
      env: {
        PROGNOS_AUTH: 'on',
        RATE_LIMIT_PER_MINUTE: '0',
        BODY_LIMIT_BYTES: String(BODY_LIMIT),
        MAX_READINGS_PER_BATCH: String(MAX_ITEMS),
        MAX_CAPTURE_SAMPLES: String(MAX_ITEMS),
        PROGNOS_SCORING_INTERVAL_MINUTES: '0',
      },
    });
    app = await buildApp(ctx);
    await app.ready();
    // Decoys first, so that no id the generator picks is the admin key's own (DELETE /v1/api-keys/:id).
    for (let i = 0; i < 3; i++) await createApiKey(ctx.database.db, `decoy ${i}`, ['read']);
    const admin = await createApiKey(ctx.database.db, 'hostile admin', ['admin']);
    key = admin.key;
    const headers = { authorization: `Bearer ${key}` };
    const post = async (url: string, payload: object) => {
      const res = await app.inject({ method: 'POST', url, headers, payload });
      if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return res.json() as { id: number };
    };
    const asset = await post('/v1/assets', { name: 'P-1', type: 'pump', nominalSpeedRpm: 1800 });
    const vib = await post(`/v1/assets/${asset.id}/sensors`, {
      name: 'de',
      kind: 'vibration',
      unit: 'g',
      sampleRateHz: 1000,
    });
    const temp = await post(`/v1/assets/${asset.id}/sensors`, { name: 't', kind: 'temperature', unit: '°C' });
    await post(`/v1/sensors/${temp.id}/readings`, { readings: [{ ts: '2024-05-01T12:00:00Z', value: 40 }] });
    const cap = await post(`/v1/sensors/${vib.id}/captures`, {
      ts: '2024-05-01T12:00:00Z',
      sampleRateHz: 1000,
      samples: [0.1, -0.2, 0.3],
    });
    ids.push(...new Set([1, 2, 3, asset.id, vib.id, temp.id, cap.id].filter((id) => id !== admin.id)));
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it(
    'never answers 5xx, always the error shape on 4xx, and never writes on a rejection',
    async () => {
      const api = app.swagger() as unknown as OpenApi;
      const routes = app.declaredRoutes.map((r) => shapeOf(api, r.method, r.url));
      // Routes the document hides (the dashboard's files, the docs themselves) have no contract.
      const documented = (url: string) => api.paths[url.replace(/:([A-Za-z]+)/g, '{$1}')] !== undefined;
      const contract = conformance(api as unknown as OpenApiDocument);
      const nonConforming: string[] = [];
      expect(routes.length).toBeGreaterThan(40);
      let tried = 0;
      const byStatus = new Map<number, number>();
      for (const route of routes) {
        await fc.assert(
          fc.asyncProperty(
            hostileRequest(route, ids, { bodyLimit: BODY_LIMIT, maxItems: MAX_ITEMS }),
            async (r) => {
              tried++;
              // Writes of jobs and work-order rules started by an earlier accepted request are over.
              await ctx.scoring.settled();
              if (ctx.jobs instanceof InlineJobQueue) await ctx.jobs.idle();
              const before = await rowCounts(ctx);
              const res = await app.inject({
                method: r.method as 'GET',
                url: r.url,
                headers: { ...r.headers, authorization: `Bearer ${key}` },
                ...(r.payload === undefined ? {} : { payload: r.payload }),
              });
              byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1);
              const what = `${route.method} ${route.url} → ${r.method} ${r.url.slice(0, 200)} (${r.kind}, ${String(r.payload?.length ?? 0)} bytes: ${String(r.payload ?? '').slice(0, 200)}): ${res.statusCode} ${res.body.slice(0, 300)}`;
              expect(res.statusCode, what).toBeLessThan(500);
              if (documented(route.url)) {
                const failures = contract.check(route.method, route.url, res);
                nonConforming.push(...failures.map((f) => `${f} [${what.slice(0, 300)}]`));
                expect(failures, what).toEqual([]);
              }
              if (res.statusCode >= 400) {
                expect(res.headers['content-type'], what).toMatch(/^application\/json/);
                const body = res.json() as { error?: { code?: unknown; message?: unknown } };
                expect(typeof body.error?.code, what).toBe('string');
                expect(typeof body.error?.message, what).toBe('string');
                const after = await rowCounts(ctx);
                const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
                expect(changed, what).toEqual([]);
              }
            },
          ),
          { numRuns: RUNS },
        );
      }
      // The app still serves after all of it.
      expect((await app.inject('/healthz')).statusCode).toBe(200);
      const statuses = [...byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
      console.log(`hostile inputs: ${tried} across ${routes.length} routes (${statuses.join(', ')})`);
      const checks = [...contract.checked.values()].reduce((a, b) => a + b, 0);
      console.log(
        `conformance: ${checks} answers checked against the document, ${contract.checked.size} operation × status pairs, ${nonConforming.length} failures`,
      );
    },
    60_000 + RUNS * 3_000,
  );
});
