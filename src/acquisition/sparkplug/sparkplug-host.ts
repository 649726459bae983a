/**
 * Sparkplug B → readings: a host application on the broker that subscribes to one group
 * (`spBv1.0/<groupId>/#`), follows each edge node's session (sparkplug-session.ts), maps the
 * trusted metric values to sensors and hands them to the batcher (the same ingestion as HTTP,
 * MQTT and OPC UA). Gaps, deaths and unknown aliases go stale and ask the node for a rebirth.
 *
 * Start-up fails with a ConfigError naming the field for what a restart cannot fix (bad JSON,
 * unknown key, unknown asset or sensor); an unreachable broker is not one: mqtt.js keeps
 * reconnecting, and after a reconnection every known node is stale and asked for a rebirth.
 */
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import type { Logger } from 'pino';
import { ConfigError, type SparkplugConfig } from '../../config.js';
import {
  connectionState,
  countSparkplugDropped,
  countSparkplugRebirth,
  sparkplugState,
} from '../../metrics.js';
import { mappedSensorId } from '../mapping-setting.js';
import type { AssetsService } from '../assets.service.js';
import { ReadingBatcher, type BatcherStats } from '../opcua/reading-batcher.js';
import type { ReadingsService } from '../readings.service.js';
import { decodeSparkplug, encodeSparkplug, type DecodedPayload } from './sparkplug-decode.js';
import { loadSparkplugMapping, metricKey, type MetricMapping } from './sparkplug-mapping.js';
import { SparkplugSessions, type EndpointState, type Outcome } from './sparkplug-session.js';
import { NAMESPACE, ncmdTopic, parseTopic, stateTopic } from './sparkplug-topic.js';

export interface SparkplugHostOptions {
  config: SparkplugConfig;
  readings: ReadingsService;
  assets: AssetsService;
  logger: Logger;
  /** MAX_READINGS_PER_BATCH. */
  maxPerBatch: number;
  /** Broker reconnection delay (tests shorten it). */
  reconnectPeriodMs?: number;
}

interface SparkplugStats extends BatcherStats {
  /** Messages of the group received (commands included). */
  messages: number;
  /** Metric values not handed to the batcher, by reason. */
  dropped: Record<string, number>;
  rebirthRequests: number;
}

export interface SparkplugHost {
  /** Resolves at the first broker connection with the subscription in place (or at close). */
  ready: Promise<void>;
  flush(): Promise<void>;
  stats(): SparkplugStats;
  /** Each node's and device's state (devices under their node). */
  states(): EndpointState[];
  close(): Promise<void>;
}

export async function startSparkplugHost(opts: SparkplugHostOptions): Promise<SparkplugHost> {
  const mapping = loadSparkplugMapping(opts.config.mapping);
  const sensors = await resolveMetrics(mapping.metrics, opts.assets);
  const group = mapping.groupId;
  const log = opts.logger.child({ component: 'sparkplug', groupId: group });
  const sessions = new SparkplugSessions(mapping.rebirthIntervalMs);
  const batcher = new ReadingBatcher({
    readings: opts.readings,
    windowMs: mapping.batchWindowMs,
    maxPerBatch: opts.maxPerBatch,
    logger: log,
    source: 'sparkplug',
    label: 'Sparkplug B',
  });
  const counts = { messages: 0, dropped: {} as Record<string, number>, rebirthRequests: 0 };
  const drop = (reason: string, n: number) => {
    counts.dropped[reason] = (counts.dropped[reason] ?? 0) + n;
    countSparkplugDropped(reason, n);
  };

  // 3.0 STATE: retained JSON; the Will says offline with the same timestamp as the birth.
  const stateTs = Date.now();
  const state = (online: boolean) => JSON.stringify({ online, timestamp: stateTs });
  const client = mqtt.connect(opts.config.url, {
    clientId: `prognos-sparkplug-${mapping.hostId ?? group}-${randomBytes(3).toString('hex')}`,
    clean: true,
    reconnectPeriod: opts.reconnectPeriodMs ?? 2_000,
    ...(mapping.hostId
      ? {
          will: {
            topic: stateTopic(mapping.hostId),
            payload: Buffer.from(state(false)),
            qos: 1,
            retain: true,
          },
        }
      : {}),
  });

  const apply = (outcome: Outcome) => {
    for (const [reason, n] of Object.entries(outcome.dropped)) drop(reason, n);
    for (const s of outcome.samples) {
      const sensorId = sensors.get(metricKey(s.edgeNode, s.device, s.metric));
      if (sensorId === undefined) drop('unmapped', 1);
      else if (!batcher.add(sensorId, s.tsMs, s.value)) drop('invalid_reading', 1);
    }
    for (const c of outcome.changes) {
      sparkplugState(group, c.edgeNode, c.device, c.online);
      const who = { edgeNode: c.edgeNode, device: c.device };
      if (c.online) log.info(who, 'Sparkplug B online');
      else log.warn({ ...who, reason: c.reason }, 'Sparkplug B data stale until rebirth');
    }
    for (const edgeNode of outcome.rebirth) {
      counts.rebirthRequests += 1;
      countSparkplugRebirth(group);
      log.info({ edgeNode }, 'Sparkplug B rebirth requested');
      const payload = encodeSparkplug({
        timestamp: Date.now(),
        metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }],
      });
      client.publish(ncmdTopic(group, edgeNode), Buffer.from(payload), { qos: 0 }, (err) => {
        if (err) log.warn({ err, edgeNode }, 'Sparkplug B rebirth request not sent');
      });
    }
  };

  client.on('message', (topic, bytes) => {
    const t = parseTopic(topic);
    if (!t || t.groupId !== group) return;
    counts.messages += 1;
    let decoded: DecodedPayload;
    try {
      decoded = decodeSparkplug(bytes);
    } catch (err) {
      log.warn({ err, topic }, 'Sparkplug B payload not decodable');
      drop('undecodable', 1);
      if (t.type !== 'NCMD' && t.type !== 'DCMD') apply(sessions.undecodable(t.edgeNode, Date.now()));
      return;
    }
    apply(
      sessions.handle(
        { ...decoded, type: t.type, edgeNode: t.edgeNode, ...(t.device ? { device: t.device } : {}) },
        Date.now(),
      ),
    );
  });

  let connectedBefore = false;
  let resolveReady!: () => void;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  connectionState('sparkplug', false);
  client.on('connect', () => {
    connectionState('sparkplug', true);
    // Subscribe first, then say online (3.0): edge nodes that wait for our STATE then birth to us.
    client.subscribe(`${NAMESPACE}/${group}/#`, { qos: 1 }, (err) => {
      if (err) {
        log.error({ err }, 'Sparkplug B subscription refused');
        return;
      }
      if (mapping.hostId)
        client.publish(stateTopic(mapping.hostId), state(true), { qos: 1, retain: true }, (e) => {
          if (e) log.warn({ err: e }, 'Sparkplug B STATE not published');
        });
      if (connectedBefore) apply(sessions.reconnected(Date.now()));
      connectedBefore = true;
      log.info({ url: redact(opts.config.url) }, 'Sparkplug B host subscribed');
      resolveReady();
    });
  });
  client.on('close', () => connectionState('sparkplug', false));
  client.on('offline', () => log.warn('Sparkplug B broker offline; reconnecting'));
  client.on('error', (err) => log.warn({ err }, 'Sparkplug B connection error'));

  batcher.start();
  let closing: Promise<void> | undefined;
  return {
    ready,
    flush: () => batcher.flush(),
    stats: () => ({ ...batcher.snapshot(), ...counts, dropped: { ...counts.dropped } }),
    states: () => sessions.states(),
    close: () => (closing ??= shutdown()),
  };

  async function shutdown(): Promise<void> {
    if (mapping.hostId && client.connected)
      await client
        .publishAsync(stateTopic(mapping.hostId), state(false), { qos: 1, retain: true })
        .catch(() => {});
    await client.endAsync().catch(() => {});
    connectionState('sparkplug', false);
    await batcher.close();
    log.info({ ...batcher.snapshot(), ...counts }, 'Sparkplug B ingestion totals');
    resolveReady(); // closed before the broker ever answered: nothing left to wait for
  }
}

/** Each mapped metric's sensor id, by metricKey; every unknown asset or sensor is reported at once. */
async function resolveMetrics(metrics: MetricMapping[], assets: AssetsService): Promise<Map<string, number>> {
  const problems: string[] = [];
  const out = new Map<string, number>();
  for (const m of metrics) {
    const id = await mappedSensorId(assets, 'SPARKPLUG_CONFIG', m, problems);
    if (id !== undefined) out.set(metricKey(m.edgeNode, m.device, m.metric), id);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}

/** The broker URL for the log, without a password. */
function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
