/**
 * The Sparkplug B metric mapping (SPARKPLUG_CONFIG: a JSON file path, or the JSON itself when the
 * value starts with `{`): the group to follow, the host's STATE id, and which metric of which
 * edge node (and device) feeds which asset's sensor.
 *
 * ```json
 * {
 *   "groupId": "Plant1", "hostId": "prognos", "batchWindowMs": 1000, "rebirthIntervalMs": 5000,
 *   "metrics": [{ "edgeNode": "Line3", "device": "Pump7", "metric": "DE/Temperature", "asset": "PUMP-7", "sensor": "de-temp" }]
 * }
 * ```
 * `asset` and `sensor` are an externalRef or a name, as in OPCUA_CONFIG and MQTT topics; without
 * `device` the metric is one of the edge node's own (NBIRTH/NDATA). Every problem is reported at
 * once, each naming its field (`SPARKPLUG_CONFIG metrics[2].edgeNode: …`).
 */
import { ConfigError, type SparkplugConfig } from '../../config.js';
import { isJsonObject, readJsonSetting, unknownKeys } from '../mapping-setting.js';
import { validTopicId } from './sparkplug-topic.js';

export interface MetricMapping {
  edgeNode: string;
  device?: string;
  metric: string;
  asset: string;
  sensor: string;
  /** Where it came from, for messages: `metrics[0]`. */
  field: string;
}

export interface SparkplugMapping {
  groupId: string;
  /** Publishes `spBv1.0/STATE/<hostId>` when set. */
  hostId?: string;
  /** Readings collected this long go to the database in one transaction. */
  batchWindowMs: number;
  /** A node asked for a rebirth is not asked again sooner than this. */
  rebirthIntervalMs: number;
  metrics: MetricMapping[];
}

const TOP_KEYS = ['groupId', 'hostId', 'batchWindowMs', 'rebirthIntervalMs', 'metrics'];
const METRIC_KEYS = ['edgeNode', 'device', 'metric', 'asset', 'sensor'];

/** The key a sample is looked up by. */
export function metricKey(edgeNode: string, device: string | undefined, metric: string): string {
  return JSON.stringify([edgeNode, device ?? null, metric]);
}

/** Reads SPARKPLUG_CONFIG (file or inline) and validates it; throws ConfigError listing every problem. */
export function loadSparkplugMapping(source: SparkplugConfig['mapping']): SparkplugMapping {
  const { json, where } = readJsonSetting('SPARKPLUG_CONFIG', source);
  return parseSparkplugMapping(json, where);
}

export function parseSparkplugMapping(json: unknown, where = 'SPARKPLUG_CONFIG'): SparkplugMapping {
  const problems: string[] = [];
  const fail = (field: string, message: string) => problems.push(`${where} ${field}: ${message}`);
  if (!isJsonObject(json)) throw new ConfigError([`${where} must be a JSON object`]);
  const top = json;
  unknownKeys(top, TOP_KEYS, '', fail);

  const text = (o: Record<string, unknown>, key: string, field: string, optional = false) => {
    const v = o[key];
    if (v === undefined && optional) return undefined;
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    fail(`${field}${key}`, `is required (a non-empty string), got ${JSON.stringify(v)}`);
    return undefined;
  };
  const topicId = (o: Record<string, unknown>, key: string, field: string, optional = false) => {
    const v = text(o, key, field, optional);
    if (v !== undefined && !validTopicId(v))
      fail(`${field}${key}`, `"${v}" cannot be a topic level (no "/", "+" or "#")`);
    return v;
  };
  const int = (key: string, def: number, min: number, max: number) => {
    const v = top[key];
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      fail(key, `must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
      return def;
    }
    return v;
  };

  const groupId = topicId(top, 'groupId', '') ?? '';
  // spBv1.0/STATE/<host> is the host applications' topic, not a group's.
  if (groupId === 'STATE') fail('groupId', '"STATE" is reserved by Sparkplug for host application state');
  const hostId = topicId(top, 'hostId', '', true);
  const metrics: MetricMapping[] = [];
  const seen = new Map<string, string>();
  const list = top.metrics;
  if (!Array.isArray(list) || list.length === 0) {
    fail('metrics', 'is required: an array mapping at least one metric to a sensor');
  } else {
    list.forEach((o: unknown, i) => {
      const field = `metrics[${i}].`;
      if (typeof o !== 'object' || o === null || Array.isArray(o))
        return fail(`metrics[${i}]`, 'must be an object');
      const m = o as Record<string, unknown>;
      unknownKeys(m, METRIC_KEYS, field, fail);
      const edgeNode = topicId(m, 'edgeNode', field);
      const device = topicId(m, 'device', field, true);
      const metric = text(m, 'metric', field);
      const asset = text(m, 'asset', field);
      const sensor = text(m, 'sensor', field);
      if (!edgeNode || !metric || !asset || !sensor) return;
      const key = metricKey(edgeNode, device, metric);
      const first = seen.get(key);
      if (first)
        return fail(
          `${field}metric`,
          `${metric} of ${edgeNode}${device ? `/${device}` : ''} is already mapped by ${first}`,
        );
      seen.set(key, `metrics[${i}]`);
      metrics.push({
        edgeNode,
        ...(device ? { device } : {}),
        metric,
        asset,
        sensor,
        field: `metrics[${i}]`,
      });
    });
  }
  const mapping: SparkplugMapping = {
    groupId,
    ...(hostId ? { hostId } : {}),
    batchWindowMs: int('batchWindowMs', 1000, 10, 60_000),
    rebirthIntervalMs: int('rebirthIntervalMs', 5000, 0, 3_600_000),
    metrics,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return mapping;
}
