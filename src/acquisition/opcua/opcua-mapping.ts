/**
 * The OPC UA node mapping (OPCUA_CONFIG: a JSON file path, or the JSON itself when the value
 * starts with `{`): which nodes feed which asset's sensor, and the subscription's timing.
 *
 * ```json
 * {
 *   "publishingIntervalMs": 1000, "samplingIntervalMs": 500, "queueSize": 10, "batchWindowMs": 1000,
 *   "nodes": [{ "nodeId": "ns=2;s=Pump7.DE.Temp", "asset": "PUMP-7", "sensor": "de-temp", "samplingIntervalMs": 100 }],
 *   "folders": [{ "nodeId": "ns=2;s=Fan3", "asset": "FAN-3" }]
 * }
 * ```
 * `asset` and `sensor` are an externalRef or a name, as in MQTT topics. A folder maps each
 * Variable directly below it whose browse name is a sensor's externalRef or name on that asset.
 * Every problem is reported at once, each naming its field (`OPCUA_CONFIG nodes[2].nodeId: …`).
 */
import { resolveNodeId, type NodeId } from 'node-opcua-client';
import { ConfigError, type OpcuaConfig } from '../../config.js';
import { isJsonObject, readJsonSetting, unknownKeys } from '../mapping-setting.js';

export interface Timing {
  samplingIntervalMs: number;
  queueSize: number;
}

export interface NodeMapping extends Timing {
  nodeId: NodeId;
  asset: string;
  sensor: string;
  /** Where it came from, for messages: `nodes[0]`. */
  field: string;
}

interface FolderMapping extends Timing {
  nodeId: NodeId;
  asset: string;
  field: string;
}

export interface OpcuaMapping {
  publishingIntervalMs: number;
  /** Readings collected this long go to the database in one transaction. */
  batchWindowMs: number;
  nodes: NodeMapping[];
  folders: FolderMapping[];
}

const TOP_KEYS = [
  'publishingIntervalMs',
  'samplingIntervalMs',
  'queueSize',
  'batchWindowMs',
  'nodes',
  'folders',
];
const NODE_KEYS = ['nodeId', 'asset', 'sensor', 'samplingIntervalMs', 'queueSize'];
const FOLDER_KEYS = ['nodeId', 'asset', 'samplingIntervalMs', 'queueSize'];

/** Reads OPCUA_CONFIG (file or inline) and validates it; throws ConfigError listing every problem. */
export function loadOpcuaMapping(source: OpcuaConfig['mapping']): OpcuaMapping {
  const { json, where } = readJsonSetting('OPCUA_CONFIG', source);
  return parseOpcuaMapping(json, where);
}

export function parseOpcuaMapping(json: unknown, where = 'OPCUA_CONFIG'): OpcuaMapping {
  const problems: string[] = [];
  const fail = (field: string, message: string) => problems.push(`${where} ${field}: ${message}`);
  if (!isJsonObject(json)) throw new ConfigError([`${where} must be a JSON object`]);
  unknownKeys(json, TOP_KEYS, '', fail);

  const int = (
    o: Record<string, unknown>,
    key: string,
    field: string,
    def: number,
    min: number,
    max: number,
  ) => {
    const v = o[key];
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      fail(`${field}${key}`, `must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
      return def;
    }
    return v;
  };
  const text = (o: Record<string, unknown>, key: string, field: string): string => {
    const v = o[key];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    fail(`${field}${key}`, `is required (a non-empty string), got ${JSON.stringify(v)}`);
    return '';
  };
  const nodeId = (o: Record<string, unknown>, field: string): NodeId | undefined => {
    const raw = text(o, 'nodeId', field);
    if (raw === '') return undefined;
    try {
      return resolveNodeId(raw);
    } catch {
      fail(`${field}nodeId`, `"${raw}" is not an OPC UA NodeId (e.g. "ns=2;s=Pump7.Temp" or "ns=3;i=1001")`);
      return undefined;
    }
  };

  const defaults: Timing = {
    samplingIntervalMs: int(json, 'samplingIntervalMs', '', 1000, 0, 3_600_000),
    queueSize: int(json, 'queueSize', '', 10, 1, 10_000),
  };
  const timing = (o: Record<string, unknown>, field: string): Timing => ({
    samplingIntervalMs: int(o, 'samplingIntervalMs', field, defaults.samplingIntervalMs, 0, 3_600_000),
    queueSize: int(o, 'queueSize', field, defaults.queueSize, 1, 10_000),
  });
  const list = (key: string): Record<string, unknown>[] => {
    const v = json[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      fail(key, 'must be an array');
      return [];
    }
    return v.filter((item, i) => isJsonObject(item) || (fail(`${key}[${i}]`, 'must be an object'), false));
  };

  const nodes: NodeMapping[] = [];
  list('nodes').forEach((o, i) => {
    const field = `nodes[${i}].`;
    unknownKeys(o, NODE_KEYS, field, fail);
    const id = nodeId(o, field);
    const m = { asset: text(o, 'asset', field), sensor: text(o, 'sensor', field), ...timing(o, field) };
    if (id) nodes.push({ nodeId: id, ...m, field: `nodes[${i}]` });
  });
  const folders: FolderMapping[] = [];
  list('folders').forEach((o, i) => {
    const field = `folders[${i}].`;
    unknownKeys(o, FOLDER_KEYS, field, fail);
    const id = nodeId(o, field);
    const m = { asset: text(o, 'asset', field), ...timing(o, field) };
    if (id) folders.push({ nodeId: id, ...m, field: `folders[${i}]` });
  });
  const seen = new Map<string, string>();
  for (const n of nodes) {
    const key = n.nodeId.toString();
    const first = seen.get(key);
    if (first) fail(`${n.field}.nodeId`, `${key} is already mapped by ${first}`);
    else seen.set(key, n.field);
  }
  if (nodes.length === 0 && folders.length === 0 && problems.length === 0)
    fail('nodes', 'map at least one node (nodes) or folder (folders)');

  const mapping: OpcuaMapping = {
    publishingIntervalMs: int(json, 'publishingIntervalMs', '', 1000, 10, 3_600_000),
    batchWindowMs: int(json, 'batchWindowMs', '', 1000, 10, 60_000),
    nodes,
    folders,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return mapping;
}
