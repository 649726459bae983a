import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './errors.js';
import { installErrorHandler } from './http/error-handler.js';

const err = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('isDatabaseUnavailable', () => {
  it('is true for a server down, out of reach, restarting or full, and for pool timeouts', () => {
    for (const e of [
      err('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      err('getaddrinfo ENOTFOUND db.internal', 'ENOTFOUND'),
      err('getaddrinfo EAI_AGAIN db.internal', 'EAI_AGAIN'),
      err('connect EHOSTUNREACH 10.0.0.9:5432', 'EHOSTUNREACH'),
      err('the database system is starting up', '57P03'),
      err('sorry, too many clients already', '53300'),
      err('connection failure', '08006'),
      err('timeout exceeded when trying to connect'),
      err('Connection terminated unexpectedly'),
      err('database did not answer within 2000 ms'),
    ])
      expect(isDatabaseUnavailable(e), e.message).toBe(true);
  });

  it('is false for what retrying cannot fix', () => {
    for (const e of [
      err('password authentication failed for user "postgres"', '28P01'),
      err('database "nope" does not exist', '3D000'),
      err('duplicate key value violates unique constraint', '23505'),
      err('something else'),
    ])
      expect(isDatabaseUnavailable(e), e.message).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });

  it("makes the API answer 503 + Retry-After for the pool's connect timeout, not 500", async () => {
    const app = Fastify({ logger: false });
    installErrorHandler(app);
    app.get('/x', async () => {
      throw err('timeout exceeded when trying to connect');
    });
    const res = await app.inject({ method: 'GET', url: '/x' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toEqual({
      error: { code: 'database_unavailable', message: 'the database is unavailable; retry later' },
    });
    await app.close();
  });
});
