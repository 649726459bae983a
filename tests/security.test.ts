/**
 * Security of the HTTP surface: headers on every response (API, errors, dashboard, docs), CORS
 * off unless configured, and no key or secret in the logs.
 */
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.js';
import { buildApp } from '../src/app.js';
import { createContext } from '../src/context.js';
import { loadConfig } from '../src/config.js';
import { SECURITY_HEADERS } from '../src/http/security-headers.js';
import { createLogger } from '../src/logger.js';
import { createTestContext } from './helpers/context.js';
import { createTestDatabase } from './helpers/database.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;
type App = Awaited<ReturnType<typeof buildApp>>;

function expectSecurityHeaders(res: { headers: Record<string, unknown> }, what: string) {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) expect(res.headers[k], `${what}: ${k}`).toBe(v);
}

describe('security headers and CORS', () => {
  let ctx: Ctx;
  let app: App;
  let key: string;
  beforeAll(async () => {
    ctx = await createTestContext({ env: { PROGNOS_AUTH: 'on' } });
    app = await buildApp(ctx);
    await app.ready();
    key = (await createApiKey(ctx.database.db, 'reader', ['read'])).key;
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('sets the security headers on every kind of response', async () => {
    const auth = { authorization: `Bearer ${key}` };
    const cases: Array<[string, InjectOptions, number]> = [
      ['api 200', { url: '/v1/models', headers: auth }, 200],
      ['api 401', { url: '/v1/models' }, 401],
      ['api 403', { method: 'POST', url: '/v1/assets', headers: auth, payload: {} }, 403],
      ['api 404', { url: '/v1/assets/999', headers: auth }, 404],
      ['no route', { url: '/nowhere' }, 404],
      ['bad url', { url: '/v1/assets/%zz' }, 400],
      ['long param', { url: `/v1/assets/${'9'.repeat(200)}` }, 414],
      ['health', { url: '/healthz' }, 200],
      ['dashboard', { url: '/' }, 200],
      ['dashboard script', { url: '/js/main.js' }, 200],
      ['vendor', { url: '/vendor/uplot.js' }, 200],
      ['docs json', { url: '/docs/json' }, 200],
    ];
    for (const [what, req, status] of cases) {
      const res = await app.inject(req);
      expect(res.statusCode, what).toBe(status);
      expectSecurityHeaders(res, what);
      if (status >= 400) expect(res.json().error.code, what).toEqual(expect.any(String));
    }
  });

  it('answers requests the HTTP parser refuses in the error shape, with the headers', async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const raw = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => s.write(text));
        let out = '';
        s.on('data', (d: Buffer) => (out += d.toString()));
        s.on('close', () => resolve(out));
        s.on('error', reject);
      });
    const cases: Array<[string, number, string]> = [
      ['GET /v1/models HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 400, 'malformed_request'],
      [
        `GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
        'headers_too_large',
      ],
      ['GET /v1/models HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 400, 'malformed_request'],
    ];
    for (const [text, status, code] of cases) {
      const res = await raw(text);
      const [head, body] = res.split('\r\n\r\n');
      expect(head, code).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(head!.toLowerCase()).toContain('x-content-type-options: nosniff');
      expect(JSON.parse(body!).error.code).toBe(code);
    }
  });

  it('lets the dashboard load: every script and style it references is same-origin', async () => {
    const html = (await app.inject('/')).body;
    const refs = [...html.matchAll(/(?:src|href)="([^"#]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(3);
    for (const ref of refs) {
      expect(ref.startsWith('/'), ref).toBe(true); // script-src/style-src 'self'
      expect((await app.inject(ref)).statusCode, ref).toBe(200);
    }
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script for CSP to block
    expect(html).not.toMatch(/\son[a-z]+=/i); // nor inline event handlers
  });

  it('sends no CORS header by default, and does not answer preflights', async () => {
    const res = await app.inject({ url: '/v1/models', headers: { origin: 'https://evil.example' } });
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const pre = await app.inject({
      method: 'OPTIONS',
      url: '/v1/models',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(pre.statusCode).toBe(404);
    expect(Object.keys(pre.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('with CORS_ORIGINS, answers preflights and marks responses for listed origins only', async () => {
    const c = await createTestContext({
      env: { PROGNOS_AUTH: 'on', CORS_ORIGINS: 'https://cmms.example.com, http://localhost:8080' },
    });
    const a = await buildApp(c);
    try {
      const k = (await createApiKey(c.database.db, 'cmms', ['read'])).key;
      const origin = 'https://cmms.example.com';
      const pre = await a.inject({
        method: 'OPTIONS',
        url: '/v1/models',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
      expect(pre.statusCode).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe(origin);
      expect(pre.headers['access-control-allow-headers']).toContain('authorization');
      expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
      const ok = await a.inject({ url: '/v1/models', headers: { origin, authorization: `Bearer ${k}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['access-control-allow-origin']).toBe(origin);
      expect(ok.headers.vary).toContain('Origin');
      // An error is readable by the listed origin too (so its page can show the message).
      const denied = await a.inject({ url: '/v1/models', headers: { origin } });
      expect(denied.statusCode).toBe(401);
      expect(denied.headers['access-control-allow-origin']).toBe(origin);

      const evil = 'https://evil.example';
      const preEvil = await a.inject({
        method: 'OPTIONS',
        url: '/v1/models',
        headers: { origin: evil, 'access-control-request-method': 'GET' },
      });
      expect(preEvil.statusCode).toBe(403);
      expect(preEvil.json().error.code).toBe('origin_not_allowed');
      expect(preEvil.headers['access-control-allow-origin']).toBeUndefined();
      const resEvil = await a.inject({
        url: '/v1/models',
        headers: { origin: evil, authorization: `Bearer ${k}` },
      });
      expect(resEvil.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await a.close();
      await c.close();
    }
  });

  it('refuses CORS_ORIGINS entries that are not origins', () => {
    for (const bad of ['*', 'cmms.example.com', 'https://cmms.example.com/', 'ftp://x.example'])
      expect(() => loadConfig({ CORS_ORIGINS: bad }), bad).toThrow(/CORS_ORIGINS/);
  });
});

describe('no key or secret in the logs', () => {
  it('logs requests, key creation and errors without the key, its hash or the webhook secret', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const secret = 'webhook-secret-0123456789abcdef';
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'trace',
      PROGNOS_DATA_DIR: 'memory://',
      PROGNOS_AUTH: 'on',
      PROGNOS_SCORING_INTERVAL_MINUTES: '0',
      PROGNOS_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
      PROGNOS_WEBHOOK_SECRET: secret,
    });
    const logger = createLogger(config, 'prognos', sink);
    const database = await createTestDatabase();
    const ctx = await createContext(config, { logger, database, migrate: false });
    const app = await buildApp(ctx);
    try {
      const admin = await createApiKey(ctx.database.db, 'admin', ['admin']);
      // Everything a log line could pick up: the config, headers, a key object.
      logger.info({ config }, 'configuration');
      logger.info({ headers: { authorization: `Bearer ${admin.key}`, 'x-api-key': admin.key } }, 'headers');
      logger.info({ created: admin }, 'key object');
      const created = await app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        headers: { authorization: `Bearer ${admin.key}`, cookie: `session=${admin.key}` },
        payload: { name: 'cmms', scopes: ['cmms'] },
      });
      expect(created.statusCode).toBe(201);
      const second = created.json().key as string;
      const calls = [
        { url: '/v1/models', headers: { 'x-api-key': second } }, // 403
        { url: '/v1/models', headers: { authorization: `Bearer ${admin.key}` } },
        { url: '/v1/assets/999', headers: { authorization: `Bearer ${admin.key}` } },
        {
          url: `/v1/models?key=${encodeURIComponent('x')}`,
          headers: { authorization: `Bearer ${admin.key}x` },
        },
        {
          method: 'POST' as const,
          url: '/v1/assets',
          headers: { authorization: `Bearer ${admin.key}` },
          payload: '{',
        },
      ];
      for (const c of calls)
        await app.inject({ ...c, headers: { ...c.headers, 'content-type': 'application/json' } });
      const { rows } = await ctx.database.db
        .selectFrom('api_keys')
        .select('key_hash')
        .execute()
        .then((r) => ({ rows: r }));
      const log = lines.join('');
      expect(lines.length).toBeGreaterThan(10); // the logs were really captured
      expect(log).toContain('[redacted]');
      for (const s of [admin.key, second, secret, ...rows.map((r) => r.key_hash)]) {
        expect(log.includes(s), `a secret (${s.slice(0, 6)}…) reached the logs`).toBe(false);
        // Nor its secret part alone.
        expect(log.includes(s.slice(12)), `part of a secret (${s.slice(0, 6)}…) reached the logs`).toBe(
          false,
        );
      }
    } finally {
      await app.close();
      await ctx.close();
      await database.close();
    }
  });
});
