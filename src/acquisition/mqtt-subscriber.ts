/**
 * Live readings over MQTT into the same validated path as HTTP (ReadingsService.ingest).
 *
 * Topics: `prognos/<asset>/<sensor>`, where <asset> is the asset's externalRef or, failing that,
 * its name (when exactly one asset has it), and <sensor> the sensor's externalRef or name within
 * that asset. Names holding `/`, `+` or `#` cannot appear in a topic: give those an externalRef.
 * Payload: `{ "ts": ..., "value": ... }` or `{ "readings": [{ ts, value }, ...] }`.
 *
 * Delivery: QoS 1 on a persistent session (clean: false, a stable client id), and a message is
 * acknowledged only after its batch has committed, so a crash or a database outage means
 * redelivery, never loss; ingestion is idempotent, so redelivery never stores twice. Messages
 * are processed one at a time per connection (the client's handleMessage back-pressure).
 * An invalid message is logged, counted and answered on `<topic>/errors`, then acknowledged:
 * it would never become valid by retrying.
 */
import { hostname } from 'node:os';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { AppError, badRequest, isDatabaseUnavailable } from '../errors.js';
import { connectionState } from '../metrics.js';
import type { AssetsService } from './assets.service.js';
import type { ReadingsService } from './readings.service.js';

export interface MqttSubscriberOptions {
  url: string;
  /** The application's services (AppContext): the same validation and limits as HTTP. */
  readings: ReadingsService;
  assets: AssetsService;
  logger: Logger;
  /** First topic level; default `prognos`. */
  prefix?: string;
  /** Stable id so the broker keeps the session (and queued QoS 1 messages) across restarts. */
  clientId?: string;
  /** Start a fresh session (tests); default false: keep the session across restarts. */
  clean?: boolean;
}

interface MqttStats {
  received: number;
  batchesStored: number;
  inserted: number;
  duplicates: number;
  rejected: number;
  failed: number;
}

export interface MqttSubscriber {
  readonly client: MqttClient;
  stats(): MqttStats;
  /** Resolves once subscribed (or rejects if the first connection fails within the timeout). */
  ready: Promise<void>;
  close(): Promise<void>;
}

const RESOLVE_TTL_MS = 60_000;

export function startMqttSubscriber(opts: MqttSubscriberOptions): MqttSubscriber {
  const prefix = opts.prefix ?? 'prognos';
  const log = opts.logger.child({ component: 'mqtt' });
  const { readings } = opts;
  const stats: MqttStats = {
    received: 0,
    batchesStored: 0,
    inserted: 0,
    duplicates: 0,
    rejected: 0,
    failed: 0,
  };
  const cache = new Map<string, { id: number; until: number }>();
  let closing = false;

  const client = mqtt.connect(opts.url, {
    clientId: opts.clientId ?? `prognos-ingest-${hostname()}`,
    clean: opts.clean ?? false,
    reconnectPeriod: 2_000,
    connectTimeout: 10_000,
  });

  async function resolveSensor(assetRef: string, sensorRef: string): Promise<number> {
    const key = `${assetRef}/${sensorRef}`;
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.id;
    const sensor = await opts.assets.sensorByRefs(assetRef, sensorRef);
    cache.set(key, { id: sensor.id, until: Date.now() + RESOLVE_TTL_MS });
    return sensor.id;
  }

  function parsePayload(payload: Buffer): unknown[] {
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      throw badRequest('invalid_json', 'payload is not JSON');
    }
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      const o = body as Record<string, unknown>;
      if ('readings' in o) return o.readings as unknown[];
      if ('ts' in o || 'value' in o) return [o];
    }
    throw badRequest(
      'invalid_payload',
      'payload must be { ts, value } or { readings: [{ ts, value }, ...] }',
    );
  }

  async function handle(topic: string, payload: Buffer): Promise<void> {
    stats.received += 1;
    const parts = topic.split('/');
    const [, assetRef, sensorRef] = parts;
    for (let attempt = 0; ; attempt++) {
      try {
        const sensorId = await resolveSensor(assetRef!, sensorRef!);
        const batch = parsePayload(payload);
        const result = await readings.ingest(sensorId, batch, 'readings', 'mqtt');
        stats.batchesStored += 1;
        stats.inserted += result.inserted;
        stats.duplicates += result.duplicates;
        return;
      } catch (err) {
        if (isDatabaseUnavailable(err) && !closing) {
          // Not acknowledged until stored: wait for the database rather than drop the message.
          const delay = Math.min(5_000, 200 * 2 ** attempt);
          log.warn({ err, topic, attempt, delay }, 'database unavailable; retrying message');
          await new Promise((r) => setTimeout(r, delay));
          continue;
        }
        const known = err instanceof AppError && err.statusCode < 500;
        if (known) stats.rejected += 1;
        else stats.failed += 1;
        const error = known
          ? { code: err.code, message: err.message }
          : { code: 'internal', message: 'internal error' };
        log[known ? 'warn' : 'error']({ err, topic }, `rejected MQTT message: ${error.message}`);
        client.publish(
          `${topic}/errors`,
          JSON.stringify({ error, topic, at: new Date().toISOString() }),
          { qos: 1 },
          () => {},
        );
        return;
      }
    }
  }

  client.handleMessage = (packet: IPublishPacket, done: (err?: Error) => void) => {
    const parts = packet.topic.split('/');
    if (parts.length !== 3 || parts[0] !== prefix) return done();
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    handle(packet.topic, payload).then(
      () => done(),
      (err: unknown) => {
        log.error({ err }, 'MQTT message handler failed');
        done();
      },
    );
  };

  const ready = new Promise<void>((resolve, reject) => {
    client.once('error', reject);
    client.on('connect', () => {
      client.subscribe(`${prefix}/+/+`, { qos: 1 }, (err) => {
        if (err) log.error({ err }, 'MQTT subscribe failed');
        else {
          log.info({ topic: `${prefix}/+/+` }, 'MQTT subscriber ready');
          client.off('error', reject);
          resolve();
        }
      });
    });
  });
  client.on('error', (err) => log.warn({ err }, 'MQTT connection error'));
  client.on('reconnect', () => log.info('MQTT reconnecting'));
  client.on('offline', () => log.warn('MQTT offline'));
  // prognos_connection_up{source="mqtt"}: down until the broker accepts us, and whenever the
  // connection drops (close comes with every loss, offline only once per outage).
  connectionState('mqtt', false);
  client.on('connect', () => connectionState('mqtt', true));
  client.on('close', () => connectionState('mqtt', false));
  ready.catch(() => {});

  return {
    client,
    ready,
    stats: () => ({ ...stats }),
    async close() {
      closing = true;
      await client.endAsync();
    },
  };
}
