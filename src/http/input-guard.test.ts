import { describe, expect, it } from 'vitest';
import { guardValue } from './input-guard.js';

describe('guardValue', () => {
  it('names the first non-finite number or NUL string, as the services name fields', () => {
    const body = JSON.parse('{"readings":[{"ts":1,"value":2},{"ts":1,"value":1e999}]}') as unknown;
    expect(() => guardValue(body, 'body')).toThrow('readings[1].value must be a finite number');
    expect(() => guardValue({ name: 'a\u0000b' }, 'body')).toThrow('name must not contain NUL characters');
    expect(() => guardValue({ m: { '\udfff\ud800': '' } }, 'body')).toThrow(/m key .* lone surrogate/);
    expect(() => guardValue({ note: 'ok \ud83d\ude00 \ud800' }, 'body')).toThrow('note is not well-formed');
    expect(() => guardValue({ id: Infinity }, 'params')).toThrow('params.id must be a finite number');
    expect(() => guardValue([1, -Infinity], 'body')).toThrow('body[1] must be a finite number');
    expect(() => guardValue({ 'k\u0000': 1 }, 'querystring')).toThrow(/querystring key "k\\\\0"/);
  });

  it('accepts ordinary values, binary bodies and nesting far deeper than the call stack', () => {
    expect(() => guardValue({ a: [1, 'x', null, true, { b: -0.5 }], emoji: '💥 é' }, 'body')).not.toThrow();
    expect(() => guardValue(Buffer.from([0, 0, 0x80, 0x7f]), 'body')).not.toThrow();
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(() => guardValue(deep, 'body')).not.toThrow();
  });
});
