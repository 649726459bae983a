import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config.js';
import { loadOpcuaMapping, parseOpcuaMapping } from './opcua-mapping.js';

const problems = (json: unknown): string[] => {
  try {
    parseOpcuaMapping(json);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('OPC UA mapping (OPCUA_CONFIG)', () => {
  it('reads nodes and folders with the defaults and per-node timing', () => {
    const m = parseOpcuaMapping({
      samplingIntervalMs: 250,
      nodes: [
        { nodeId: 'ns=2;s=Pump7.DE.Temp', asset: 'PUMP-7', sensor: 'de-temp' },
        { nodeId: 'ns=3;i=1001', asset: 'PUMP-7', sensor: 'speed', samplingIntervalMs: 50, queueSize: 100 },
      ],
      folders: [{ nodeId: 'ns=2;s=Fan3', asset: 'FAN-3' }],
    });
    expect(m.publishingIntervalMs).toBe(1000);
    expect(m.batchWindowMs).toBe(1000);
    expect(m.nodes.map((n) => [n.nodeId.toString(), n.samplingIntervalMs, n.queueSize])).toEqual([
      ['ns=2;s=Pump7.DE.Temp', 250, 10],
      ['ns=3;i=1001', 50, 100],
    ]);
    expect(m.folders[0]).toMatchObject({ asset: 'FAN-3', field: 'folders[0]', samplingIntervalMs: 250 });
  });

  it('names every bad field at once', () => {
    expect(
      problems({
        publishingIntervalMs: 0,
        nodes: [
          { nodeId: 'ns=2;x=1', asset: 'PUMP-7', sensor: 'de-temp' },
          { nodeId: 'ns=2;s=A', sensor: 'de-temp', samplingInterval: 100 },
          { nodeId: 'ns=2;s=B', asset: 'PUMP-7', sensor: 'x', queueSize: 0 },
          'ns=2;s=C',
        ],
        folders: { nodeId: 'ns=2;s=Fan3' },
      }),
    ).toEqual([
      'OPCUA_CONFIG nodes[3]: must be an object',
      'OPCUA_CONFIG nodes[0].nodeId: "ns=2;x=1" is not an OPC UA NodeId (e.g. "ns=2;s=Pump7.Temp" or "ns=3;i=1001")',
      'OPCUA_CONFIG nodes[1].samplingInterval: is not a known key (known: nodeId, asset, sensor, samplingIntervalMs, queueSize)',
      'OPCUA_CONFIG nodes[1].asset: is required (a non-empty string), got undefined',
      'OPCUA_CONFIG nodes[2].queueSize: must be an integer from 1 to 10000, got 0',
      'OPCUA_CONFIG folders: must be an array',
      'OPCUA_CONFIG publishingIntervalMs: must be an integer from 10 to 3600000, got 0',
    ]);
  });

  it('refuses a node mapped twice and a mapping with nothing in it', () => {
    const node = { nodeId: 'ns=2;s=A', asset: 'P', sensor: 's' };
    expect(problems({ nodes: [node, { ...node, sensor: 't' }] })).toEqual([
      'OPCUA_CONFIG nodes[1].nodeId: ns=2;s=A is already mapped by nodes[0]',
    ]);
    expect(problems({})).toEqual(['OPCUA_CONFIG nodes: map at least one node (nodes) or folder (folders)']);
    expect(problems([])).toEqual(['OPCUA_CONFIG must be a JSON object']);
  });

  it('says which file it could not read or parse', () => {
    expect(() => loadOpcuaMapping({ file: '/nonexistent/opcua.json' })).toThrow(
      /OPCUA_CONFIG \(\/nonexistent\/opcua.json\): cannot read the file/,
    );
    expect(() => loadOpcuaMapping({ inline: '{"nodes": [' })).toThrow(/OPCUA_CONFIG is not valid JSON/);
  });
});
