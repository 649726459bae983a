/**
 * The Sparkplug B host's session rules, checked against the specification's (3.0, host
 * application behaviour), not against the code's own outputs: seq counts 0..255 per edge node
 * over NBIRTH, DBIRTH, NDATA, DDATA and DDEATH and wraps to 0; any other value is a gap; a gap,
 * NDEATH (with the session's bdSeq) or DDEATH makes data stale until a birth; data that no birth
 * explains is dropped and asks for a rebirth (NCMD Node Control/Rebirth).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.js';
import { decodeSparkplug, encodeSparkplug } from '../src/acquisition/sparkplug/sparkplug-decode.js';
import { parseSparkplugMapping } from '../src/acquisition/sparkplug/sparkplug-mapping.js';
import { SparkplugSessions, type SparkplugMessage } from '../src/acquisition/sparkplug/sparkplug-session.js';
import { parseTopic } from '../src/acquisition/sparkplug/sparkplug-topic.js';

const T = Date.parse('2026-03-01T00:00:00Z');

const nbirth = (seq: number, bdSeq: number): SparkplugMessage => ({
  type: 'NBIRTH',
  edgeNode: 'E1',
  seq,
  tsMs: T,
  metrics: [
    { name: 'bdSeq', value: bdSeq },
    { name: 'Node Control/Rebirth', value: 0 },
    { name: 'Uptime', alias: 1, value: 5 },
  ],
});
const dbirth = (seq: number, device = 'D1'): SparkplugMessage => ({
  type: 'DBIRTH',
  edgeNode: 'E1',
  device,
  seq,
  tsMs: T + 1,
  metrics: [
    { name: 'Temp', alias: 10, value: 20 },
    { name: 'Speed', alias: 11, value: 1500 },
  ],
});
const ddata = (seq: number, metrics: SparkplugMessage['metrics'], device = 'D1'): SparkplugMessage => ({
  type: 'DDATA',
  edgeNode: 'E1',
  device,
  seq,
  tsMs: T + 1000 * seq,
  metrics,
});

/** A node born with one device, seq 0 and 1 used. */
function born(interval = 5000) {
  const s = new SparkplugSessions(interval);
  s.handle(nbirth(0, 7), T);
  s.handle(dbirth(1), T);
  return s;
}

describe('Sparkplug B session rules', () => {
  it('maps data by the aliases the births defined, at the metric timestamp, else the payload timestamp', () => {
    const s = new SparkplugSessions(5000);
    const b = s.handle(nbirth(0, 7), T);
    // Birth values are current values; bdSeq and Node Control metrics are not measurements.
    expect(b.samples).toEqual([{ edgeNode: 'E1', metric: 'Uptime', tsMs: T, value: 5 }]);
    expect(b.changes).toEqual([{ edgeNode: 'E1', online: true }]);
    expect(s.handle(dbirth(1), T).samples.map((x) => [x.device, x.metric, x.value])).toEqual([
      ['D1', 'Temp', 20],
      ['D1', 'Speed', 1500],
    ]);
    const d = s.handle(
      ddata(2, [
        { alias: 10, value: 21.5 },
        { alias: 11, tsMs: T + 5, value: 1490 },
      ]),
      T,
    );
    expect(d.samples).toEqual([
      { edgeNode: 'E1', device: 'D1', metric: 'Temp', tsMs: T + 2000, value: 21.5 },
      { edgeNode: 'E1', device: 'D1', metric: 'Speed', tsMs: T + 5, value: 1490 },
    ]);
    expect(d.rebirth).toEqual([]);
    // NDATA by alias maps through the node's own birth.
    const n = s.handle(
      { type: 'NDATA', edgeNode: 'E1', seq: 3, tsMs: T + 9, metrics: [{ alias: 1, value: 6 }] },
      T,
    );
    expect(n.samples).toEqual([{ edgeNode: 'E1', metric: 'Uptime', tsMs: T + 9, value: 6 }]);
  });

  it('counts seq over all of a node’s messages and wraps 255 → 0 without a gap', () => {
    const s = born();
    for (let i = 2; i < 600; i++) {
      const out = s.handle(ddata(i % 256, [{ alias: 10, value: i }]), T);
      expect(out.rebirth, `seq ${i % 256}`).toEqual([]);
      expect(out.samples).toHaveLength(1);
    }
    expect(s.states().every((x) => x.online)).toBe(true);
  });

  it('a gap makes the node and its devices stale, asks one rebirth, and drops data until the rebirth', () => {
    const s = born();
    const gap = s.handle(ddata(3, [{ alias: 10, value: 1 }]), T); // 2 was lost
    expect(gap.samples).toEqual([]);
    expect(gap.dropped).toEqual({ stale: 1 });
    expect(gap.rebirth).toEqual(['E1']);
    expect(gap.changes).toEqual([
      { edgeNode: 'E1', online: false, reason: 'seq_gap' },
      { edgeNode: 'E1', device: 'D1', online: false, reason: 'seq_gap' },
    ]);
    // In sequence again after the gap, but still not trusted; not asked again within the interval.
    const after = s.handle(ddata(4, [{ alias: 10, value: 2 }]), T + 1000);
    expect(after).toMatchObject({ samples: [], dropped: { stale: 1 }, rebirth: [] });
    expect(s.handle(ddata(5, [{ alias: 10, value: 3 }]), T + 5000).rebirth).toEqual(['E1']);
    // DBIRTH alone does not end a node's staleness: the node's NBIRTH does.
    expect(s.handle(dbirth(6), T + 5001).samples).toEqual([]);
    s.handle(nbirth(0, 8), T + 6000);
    expect(s.states().find((x) => x.device === 'D1')).toMatchObject({ online: false, reason: 'seq_gap' });
    s.handle(dbirth(1), T + 6000);
    const ok = s.handle(ddata(2, [{ alias: 10, value: 4 }]), T + 6000);
    expect(ok.samples.map((x) => x.value)).toEqual([4]);
    expect(s.states().map((x) => x.online)).toEqual([true, true]);
  });

  it('a repeated seq is a gap too', () => {
    const s = born();
    s.handle(ddata(2, [{ alias: 10, value: 1 }]), T);
    expect(s.handle(ddata(2, [{ alias: 10, value: 1 }]), T).rebirth).toEqual(['E1']);
  });

  it('DDEATH makes that device stale, not the node nor its other devices', () => {
    const s = born();
    s.handle(dbirth(2, 'D2'), T);
    const death = s.handle({ type: 'DDEATH', edgeNode: 'E1', device: 'D1', seq: 3, metrics: [] }, T);
    expect(death.changes).toEqual([{ edgeNode: 'E1', device: 'D1', online: false, reason: 'ddeath' }]);
    expect(s.handle(ddata(4, [{ alias: 10, value: 1 }], 'D2'), T).samples).toHaveLength(1);
    const dead = s.handle(ddata(5, [{ alias: 10, value: 1 }], 'D1'), T);
    expect(dead).toMatchObject({ samples: [], dropped: { stale: 1 }, rebirth: ['E1'] });
    // A DBIRTH brings the device back, in the same node session.
    s.handle(dbirth(6, 'D1'), T);
    expect(s.handle(ddata(7, [{ alias: 11, value: 9 }], 'D1'), T).samples.map((x) => x.metric)).toEqual([
      'Speed',
    ]);
  });

  it('NDEATH with the session’s bdSeq makes everything stale; an older session’s Will is ignored', () => {
    const s = born();
    const old = s.handle({ type: 'NDEATH', edgeNode: 'E1', metrics: [{ name: 'bdSeq', value: 6 }] }, T);
    expect(old.changes).toEqual([]);
    const death = s.handle({ type: 'NDEATH', edgeNode: 'E1', metrics: [{ name: 'bdSeq', value: 7 }] }, T);
    expect(death.changes).toEqual([
      { edgeNode: 'E1', online: false, reason: 'ndeath' },
      { edgeNode: 'E1', device: 'D1', online: false, reason: 'ndeath' },
    ]);
    expect(death.rebirth).toEqual([]); // a dead node cannot answer: it births when it is back
  });

  it('data before any birth, or under an alias no birth defined, is dropped and asks for a rebirth', () => {
    const s = new SparkplugSessions(5000);
    expect(
      s.handle(
        ddata(5, [
          { alias: 10, value: 1 },
          { alias: 11, value: 2 },
        ]),
        T,
      ),
    ).toMatchObject({
      samples: [],
      dropped: { no_birth: 2 },
      rebirth: ['E1'],
    });
    s.handle(nbirth(0, 1), T);
    // NBIRTH without this device's DBIRTH yet.
    expect(s.handle(ddata(1, [{ alias: 10, value: 1 }]), T)).toMatchObject({ dropped: { no_birth: 1 } });
    s.handle(dbirth(2), T);
    // Past the rebirth interval (the request above was at T).
    const mixed = s.handle(
      ddata(3, [
        { alias: 99, value: 1 },
        { alias: 10, value: 2 },
        { name: 'Nope', value: 3 },
      ]),
      T + 5000,
    );
    expect(mixed.samples.map((x) => x.metric)).toEqual(['Temp']);
    expect(mixed.dropped).toEqual({ unknown_alias: 2 });
    expect(mixed.rebirth).toEqual(['E1']);
  });

  it('a new NBIRTH invalidates the devices’ births until their DBIRTH', () => {
    const s = born();
    const out = s.handle(nbirth(0, 8), T);
    expect(out.changes).toEqual([{ edgeNode: 'E1', device: 'D1', online: false, reason: 'awaiting_birth' }]);
  });

  it('after a broker reconnection every known node is stale and asked for a rebirth', () => {
    const s = born();
    const out = s.handle(ddata(2, [{ alias: 10, value: 1 }]), T);
    expect(out.rebirth).toEqual([]);
    expect(s.reconnected(T + 1).rebirth).toEqual(['E1']);
    expect(s.states().map((x) => [x.online, x.reason])).toEqual([
      [false, 'reconnected'],
      [false, 'reconnected'],
    ]);
  });

  it('skips values that are null or not numeric, and metrics without any timestamp, counting them', () => {
    const s = born();
    const out = s.handle(
      {
        type: 'DDATA',
        edgeNode: 'E1',
        device: 'D1',
        seq: 2,
        metrics: [
          { alias: 10, value: 1 },
          { alias: 11, value: 'null' },
          { alias: 10, tsMs: T, value: 'not_numeric' },
        ],
      },
      T,
    );
    expect(out.dropped).toEqual({ no_timestamp: 1, null: 1, not_numeric: 1 });
  });
});

describe('Sparkplug B payloads and topics', () => {
  it('decodes 64-bit integers, Booleans and nulls of a real payload into numbers or reasons', () => {
    const bytes = encodeSparkplug({
      timestamp: T,
      seq: 200,
      metrics: [
        { name: 'big', alias: 4_000_000_000, type: 'UInt64', value: 2 ** 40 + 3 },
        { alias: 2, type: 'Int64', value: -9, timestamp: T + 1 },
        { alias: 3, type: 'Boolean', value: true },
        { alias: 4, type: 'Float', value: null, isNull: true },
        { alias: 5, type: 'String', value: 'text' },
      ],
    });
    expect(decodeSparkplug(bytes)).toEqual({
      tsMs: T,
      seq: 200,
      metrics: [
        { name: 'big', alias: 4_000_000_000, value: 2 ** 40 + 3 },
        { alias: 2, tsMs: T + 1, value: -9 },
        { alias: 3, value: 1 },
        { alias: 4, value: 'null' },
        { alias: 5, value: 'not_numeric' },
      ],
    });
  });

  it('parses the topic namespace and refuses what is not in it', () => {
    expect(parseTopic('spBv1.0/G/DDATA/E/D')).toEqual({
      groupId: 'G',
      type: 'DDATA',
      edgeNode: 'E',
      device: 'D',
    });
    expect(parseTopic('spBv1.0/G/NBIRTH/E')).toEqual({ groupId: 'G', type: 'NBIRTH', edgeNode: 'E' });
    for (const t of [
      'spBv1.0/G/DDATA/E',
      'spBv1.0/G/NDATA/E/D',
      'spBv1.0/STATE/host',
      'spAv1.0/G/NDATA/E',
      'spBv1.0/G/XDATA/E',
    ])
      expect(parseTopic(t), t).toBeUndefined();
  });
});

describe('SPARKPLUG_CONFIG', () => {
  const problems = (json: unknown): string[] => {
    try {
      parseSparkplugMapping(json);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  it('names every bad field at once', () => {
    expect(
      problems({
        groupId: 'a/b',
        batchWindow: 5,
        metrics: [
          { edgeNode: 'E', metric: 'T', asset: 'A' },
          { edgeNode: 'E+', device: '', metric: 'T', asset: 'A', sensor: 's' },
          { edgeNode: 'E', metric: 'T', asset: 'B', sensor: 't' },
          { edgeNode: 'E', metric: 'T', asset: 'B', sensor: 't', edge_node: 'x' },
        ],
      }),
    ).toEqual([
      'SPARKPLUG_CONFIG batchWindow: is not a known key (known: groupId, hostId, batchWindowMs, rebirthIntervalMs, metrics)',
      'SPARKPLUG_CONFIG groupId: "a/b" cannot be a topic level (no "/", "+" or "#")',
      'SPARKPLUG_CONFIG metrics[0].sensor: is required (a non-empty string), got undefined',
      'SPARKPLUG_CONFIG metrics[1].edgeNode: "E+" cannot be a topic level (no "/", "+" or "#")',
      'SPARKPLUG_CONFIG metrics[1].device: is required (a non-empty string), got ""',
      'SPARKPLUG_CONFIG metrics[3].edge_node: is not a known key (known: edgeNode, device, metric, asset, sensor)',
      'SPARKPLUG_CONFIG metrics[3].metric: T of E is already mapped by metrics[2]',
    ]);
    expect(
      problems({ groupId: 'STATE', metrics: [{ edgeNode: 'E', metric: 'm', asset: 'A', sensor: 's' }] }),
    ).toEqual(['SPARKPLUG_CONFIG groupId: "STATE" is reserved by Sparkplug for host application state']);
    expect(problems({ groupId: 'G', metrics: [] })).toEqual([
      'SPARKPLUG_CONFIG metrics: is required: an array mapping at least one metric to a sensor',
    ]);
  });

  it('takes defaults for the timing', () => {
    expect(
      parseSparkplugMapping({
        groupId: 'G',
        metrics: [{ edgeNode: 'E', metric: 'm', asset: 'A', sensor: 's' }],
      }),
    ).toEqual({
      groupId: 'G',
      batchWindowMs: 1000,
      rebirthIntervalMs: 5000,
      metrics: [{ edgeNode: 'E', metric: 'm', asset: 'A', sensor: 's', field: 'metrics[0]' }],
    });
  });
});
