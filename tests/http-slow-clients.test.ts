/**
 * Clients that send their body slowly or give up half way, over real sockets: a body that does
 * not arrive within REQUEST_TIMEOUT_MS is answered 408; an upload the client aborts is logged
 * as that (not as the database being unavailable, which would page someone) and stores nothing.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { countRows, createAsset, createSensor, type TestCtx } from './acquisition-helpers.js';
import { createTestContext } from './helpers/context.js';
import { until } from './helpers/until.js';

interface LogLine {
  level: number;
  msg: string;
  err?: { message?: string };
}

describe('slow and aborting HTTP clients', () => {
  let ctx: TestCtx;
  let app: FastifyInstance;
  let port: number;
  let sensorId: number;
  const logs: LogLine[] = [];

  beforeAll(async () => {
    ctx = await createTestContext({ env: { REQUEST_TIMEOUT_MS: '1000' } });
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    app = await buildApp({ ...ctx, logger: pino({ level: 'info' }, sink) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as net.AddressInfo).port;
    sensorId = await createSensor(app, await createAsset(app), { name: 'slow' });
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  /** A POST of readings whose body is `declared` bytes long; `sent` of them go out at once. */
  function startUpload(declared: number, sent: string): net.Socket {
    const socket = net.connect(port, '127.0.0.1');
    socket.write(
      `POST /v1/sensors/${sensorId}/readings HTTP/1.1\r\nhost: 127.0.0.1\r\n` +
        `content-type: application/json\r\ncontent-length: ${declared}\r\n\r\n${sent}`,
    );
    return socket;
  }
  const body = JSON.stringify({
    readings: Array.from({ length: 50 }, (_, i) => ({
      ts: Date.parse('2024-05-01T00:00:00Z') + i,
      value: i,
    })),
  });

  it('answers 408 request_timeout to a body that does not arrive within REQUEST_TIMEOUT_MS', async () => {
    const socket = startUpload(body.length, body.slice(0, body.length / 2));
    let response = '';
    socket.on('data', (d: Buffer) => (response += d.toString()));
    const closed = new Promise((r) => socket.once('close', r));
    await until('a response', () => response.includes('\r\n\r\n') && response, 10_000);
    await closed;
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { code: 'request_timeout', message: 'the request took too long to arrive' },
    });
    await until('the timeout logged', () => logs.some((l) => /timed out/.test(l.msg)));
    expect(logs.filter((l) => /database unavailable/.test(l.msg))).toEqual([]);
    expect(await countRows(ctx, 'readings', sensorId)).toBe(0);
  });

  it('logs an aborted upload as a client abort, not database_unavailable, and stores nothing', async () => {
    const before = logs.length;
    const socket = startUpload(body.length, body.slice(0, body.length / 2));
    await new Promise((r) => setTimeout(r, 100)); // the request is being read
    socket.destroy();
    await until('the abort logged', () => logs.slice(before).find((l) => /aborted/.test(l.msg)));
    const lines = logs.slice(before);
    expect(lines.filter((l) => /database unavailable/.test(l.msg))).toEqual([]);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]); // nothing at error level
    expect(await countRows(ctx, 'readings', sensorId)).toBe(0);

    // The server still takes whole uploads.
    const ok = await app.inject({
      method: 'POST',
      url: `/v1/sensors/${sensorId}/readings`,
      payload: body,
      headers: { 'content-type': 'application/json' },
    });
    expect(ok.statusCode).toBe(201);
    expect(await countRows(ctx, 'readings', sensorId)).toBe(50);
  });
});
