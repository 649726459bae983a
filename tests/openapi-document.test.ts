/**
 * The served OpenAPI document (GET /docs/json) as an integrator's tools read it: valid OpenAPI 3.1
 * by an outside validator, every schema valid JSON Schema 2020-12, an operationId, the security
 * and scope and the error responses of every operation, and answers of the server to plain
 * requests on every read route conforming to it. The hostile-input and auth tests check every
 * other answer against the same document (tests/helpers/openapi-conformance.ts).
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.js';
import { buildApp } from '../src/app.js';
import { TRAINABLE_KINDS, createTrainers } from '../src/training/trainers.js';
import { createTestContext } from './helpers/context.js';
import { conformance, openapiAjv, type OpenApiDocument } from './helpers/openapi-conformance.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;
type App = Awaited<ReturnType<typeof buildApp>>;
type Json = Record<string, unknown>;
interface Op {
  operationId: string;
  security: Array<Record<string, string[]>>;
  'x-required-scope'?: string;
  requestBody?: { content: Record<string, { schema: Json }> };
  parameters?: Array<{ in: string; name: string; schema: Json }>;
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: Json }> }>;
}

const OPS = (doc: OpenApiDocument) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method, path, op: op as unknown as Op })),
  );

describe('the OpenAPI document', () => {
  let ctx: Ctx;
  let app: App;
  let doc: OpenApiDocument;
  let admin: string;
  beforeAll(async () => {
    ctx = await createTestContext({ env: { PROGNOS_AUTH: 'on', PROGNOS_SCORING_INTERVAL_MINUTES: '0' } });
    app = await buildApp(ctx);
    await app.ready();
    admin = (await createApiKey(ctx.database.db, 'docs admin', ['admin'])).key;
    const res = await app.inject('/docs/json');
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator) and every schema is JSON Schema 2020-12', async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const validator = new Validator();
    const result = await validator.validate(doc as never);
    expect(result.errors ?? [], JSON.stringify(result.errors ?? []).slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // The validator checks the document's structure; ajv in strict mode checks each schema's
    // keywords (an OpenAPI 3.0 `nullable` or a misspelt keyword fails here).
    const ajv = openapiAjv(doc);
    const schemas: Json[] = [];
    for (const { op } of OPS(doc)) {
      for (const p of op.parameters ?? []) schemas.push(p.schema);
      for (const m of Object.values(op.requestBody?.content ?? {})) schemas.push(m.schema);
      for (const r of Object.values(op.responses))
        for (const m of Object.values(r.content ?? {})) schemas.push(m.schema);
    }
    for (const s of schemas.filter(Boolean))
      expect(() =>
        ajv.compile(
          JSON.parse(JSON.stringify(s).replaceAll('#/components/schemas/', 'openapi.json#/$defs/')),
        ),
      ).not.toThrow();
    expect(JSON.stringify(doc)).not.toContain('"nullable"');
  });

  it('documents every declared route once, each with a unique camelCase operationId', () => {
    const ops = OPS(doc);
    const ids = ops.map((o) => o.op.operationId);
    expect(
      ids.every((id) => /^[a-z][A-Za-z0-9]*$/.test(id)),
      ids.join(' '),
    ).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const documented = new Set(ops.map((o) => `${o.method.toUpperCase()} ${o.path}`));
    const hidden = /^\/(?:$|docs|vendor\/|js\/|[\w-]+\.(?:html|css|js)$)/;
    for (const r of app.declaredRoutes.filter((r) => !hidden.test(r.url))) {
      expect(documented, `${r.method} ${r.url}`).toContain(
        `${r.method} ${r.url.replace(/:([A-Za-z]+)/g, '{$1}')}`,
      );
    }
  });

  it('declares both ways of sending a key and, per operation, the security and the scope the server enforces', () => {
    const schemes = (doc.components as { securitySchemes: Record<string, Json> }).securitySchemes;
    expect(Object.values(schemes)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'http', scheme: 'bearer' }),
        expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
      ]),
    );
    const byKey = new Map(
      app.declaredRoutes.map((r) => [
        `${r.method.toLowerCase()} ${r.url.replace(/:([A-Za-z]+)/g, '{$1}')}`,
        r,
      ]),
    );
    for (const { method, path, op } of OPS(doc)) {
      const route = byKey.get(`${method} ${path}`)!;
      const what = `${method} ${path}`;
      if (route.public || !route.scope) {
        expect(op.security, what).toEqual([]);
        expect(op['x-required-scope'], what).toBeUndefined();
        continue;
      }
      expect(op.security.flatMap((s) => Object.keys(s)).sort(), what).toEqual(Object.keys(schemes).sort());
      expect(op['x-required-scope'], what).toBe(route.scope);
      expect((op as unknown as { description: string }).description, what).toContain(
        `\`${route.scope}\` scope`,
      );
    }
  });

  it('documents the error statuses with the shared Error schema: 401/403/429 where a key is needed, 413/415 where a body is taken, 503 on /v1', () => {
    const responses = doc.components.responses as Record<
      string,
      { content: Record<string, { schema: Json }> }
    >;
    for (const r of Object.values(responses)) {
      expect(r.content['application/json']!.schema).toEqual({ $ref: '#/components/schemas/Error' });
    }
    expect(doc.components.schemas?.Error).toMatchObject({ required: ['error'] });
    for (const { method, path, op } of OPS(doc)) {
      const what = `${method} ${path}`;
      const statuses = Object.keys(op.responses);
      const keyed = op.security.length > 0;
      // GET /metrics takes no API key but its own token (METRICS_TOKEN): a 401, no 403 or 429.
      const tokened = path === '/metrics';
      for (const s of ['401', '403', '429'])
        expect(statuses.includes(s), `${what} ${s}`).toBe(keyed || (tokened && s === '401'));
      expect(statuses, what).toContain('400');
      if (path.startsWith('/v1/')) expect(statuses, what).toContain('503');
      if (op.requestBody) expect(statuses, what).toEqual(expect.arrayContaining(['413', '415']));
      if (path.includes('{')) expect(statuses, what).toEqual(expect.arrayContaining(['404', '414']));
      for (const [status, r] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        // Each error is a shared response or (readyz's report) a schema of its own, never a JSON
        // error inlined again.
        if (!r.$ref) expect(JSON.stringify(r), `${what} ${status}`).not.toContain('"code"');
        else expect(r.$ref, `${what} ${status}`).toMatch(/^#\/components\/responses\/[A-Z]\w+$/);
      }
    }
  });

  it('shares DTOs as components rather than inlined copies', () => {
    const names = Object.keys(doc.components.schemas ?? {});
    expect(names).toEqual(
      expect.arrayContaining([
        'Asset',
        'Sensor',
        'WorkOrderSuggestion',
        'TrainingRun',
        'ModelVersion',
        'Forecast',
      ]),
    );
    const text = JSON.stringify(doc.paths);
    expect(text).toContain('"$ref":"#/components/schemas/WorkOrderSuggestion"');
    // An asset's fields are inlined in no response: they are the Asset component's.
    const responses = OPS(doc).map((o) => o.op.responses);
    expect(JSON.stringify(responses)).not.toContain('"isoMachineGroup"');
  });

  it('lists only the training kinds the server trains, and names the allowed values when another is sent', async () => {
    const start = doc.paths['/v1/training-runs']!.post as unknown as Op;
    const kind = (start.requestBody!.content['application/json']!.schema.properties as Record<string, Json>)
      .kind!;
    const listed = kind.enum as string[];
    expect(listed.sort()).toEqual([...TRAINABLE_KINDS].sort());
    expect(Object.keys(createTrainers()).sort()).toEqual([...TRAINABLE_KINDS].sort());
    const res = await app.inject({
      method: 'POST',
      url: '/v1/training-runs',
      headers: { authorization: `Bearer ${admin}` },
      payload: { modelName: 'm', kind: 'failure' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({
      code: 'validation_failed',
      message: 'body/kind must be one of: "rul", "health"',
    });
    const sensor = await app.inject({
      method: 'POST',
      url: '/v1/assets',
      headers: { authorization: `Bearer ${admin}` },
      payload: { name: 'P', type: 'pump', isoFoundation: 'soft' },
    });
    expect(sensor.json().error.message).toBe('body/isoFoundation must be one of: "rigid", "flexible", null');
  });

  it('documents the SSE route’s errors, JSON errors on the model-card routes, and a non-empty readings batch', () => {
    const events = doc.paths['/v1/training-runs/{id}/events']!.get as unknown as Op;
    expect(Object.keys(events.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '503']),
    );
    expect(Object.keys(events.responses['200']!.content!)).toEqual(['text/event-stream']);
    for (const path of [
      '/v1/models/{name}/versions/{version}/card',
      '/v1/models/{name}/versions/{version}/card/{file}',
    ]) {
      const op = doc.paths[path]!.get as unknown as Op;
      expect(Object.keys(op.responses['200']!.content!), path).toEqual([
        path.endsWith('{file}') ? 'image/svg+xml' : 'text/markdown',
      ]);
      for (const [s, r] of Object.entries(op.responses))
        if (Number(s) >= 400) expect(r.$ref, `${path} ${s}`).toBeDefined();
    }
    const readings = doc.paths['/v1/sensors/{id}/readings']!.post as unknown as Op;
    const body = readings.requestBody!.content['application/json']!.schema.properties as Record<string, Json>;
    expect(body.readings!.minItems).toBe(1);
  });

  it('answers plain requests on every read route as documented (status, content type, body schema)', async () => {
    const headers = { authorization: `Bearer ${admin}` };
    const post = async (url: string, payload: object) =>
      (await app.inject({ method: 'POST', url, headers, payload })).json() as { id: number };
    const asset = await post('/v1/assets', {
      name: 'P-1',
      type: 'pump',
      site: 'Plant A',
      isoMachineGroup: 2,
    });
    const sensor = await post(`/v1/assets/${asset.id}/sensors`, {
      name: 't',
      kind: 'temperature',
      unit: '°C',
    });
    await post(`/v1/sensors/${sensor.id}/readings`, {
      readings: [{ ts: '2024-05-01T12:00:00Z', value: 40 }],
    });
    const check = conformance(doc);
    const failures: string[] = [];
    for (const r of app.declaredRoutes.filter(
      (r) => r.method === 'GET' && r.url.startsWith('/v1') && !r.url.endsWith('/events'),
    )) {
      for (const id of [asset.id, sensor.id, 999_999]) {
        const url = r.url.replace(/:site/, 'Plant%20A').replace(/:[A-Za-z]+/g, String(id));
        for (const h of [headers, {}]) {
          const res = await app.inject({ url, headers: h });
          failures.push(...check.check('GET', r.url, res));
        }
      }
    }
    expect(failures).toEqual([]);
    const ok = [...check.checked.keys()].filter((k) => k.endsWith(' 200'));
    expect(ok.length).toBeGreaterThan(15);
  });
});
