import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DebugRequestLogs } from './request-logs.js';

async function linesAt(level: 'info' | 'debug'): Promise<{ level: number; msg: string }[]> {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  const app = Fastify({ loggerInstance: pino({ level }, sink), logController: new DebugRequestLogs() });
  app.get('/ok', async () => ({ ok: true }));
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  await app.inject('/ok');
  await app.inject('/boom');
  await app.close();
  return lines;
}

describe('DebugRequestLogs', () => {
  it('logs requests at debug only, failures still at error', async () => {
    const info = await linesAt('info');
    expect(info.map((l) => l.msg)).not.toContain('incoming request');
    expect(info.map((l) => l.msg)).not.toContain('request completed');
    expect(info.some((l) => l.level >= 50)).toBe(true);
    const debug = await linesAt('debug');
    expect(debug.filter((l) => l.msg === 'request completed' && l.level === 20).length).toBeGreaterThan(0);
    expect(debug.filter((l) => l.msg === 'incoming request' && l.level === 20)).toHaveLength(2);
  });
});
