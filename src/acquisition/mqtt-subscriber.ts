/**
 * Live readings over MQTT into the same validated path as HTTP (ReadingsService.ingestMany).
 *
 * Topics: `prognos/<asset>/<sensor>`, where <asset> is the asset's externalRef or, failing that,
 * its name (when exactly one asset has it), and <sensor> the sensor's externalRef or name within
 * that asset. Names holding `/`, `+` or `#` cannot appear in a topic: give those an externalRef.
 * Payload: `{ "ts": ..., "value": ... }` or `{ "readings": [{ ts, value }, ...] }`, checked
 * against the HTTP route's schema and limits (src/acquisition/readings.schemas.ts).
 *
 * Delivery: QoS 1 on an MQTT 5 persistent session (mqtt-connection.ts). Messages are gathered
 * into windows (MQTT_BATCH_MS after the first, or MQTT_BATCH_MAX messages, or
 * MAX_READINGS_PER_BATCH readings) and each window is stored in one transaction; a message is
 * acknowledged only after its window committed, so a crash or a database outage means
 * redelivery, never loss, and ingestion is idempotent, so redelivery never stores twice.
 * A window is written while the next one gathers: a burst costs one commit per window, not
 * one per message.
 * An invalid message is logged, counted and answered on `<topic>/errors`, then acknowledged:
 * it would never become valid by retrying, and it must not hold back the queue behind it.
 * One invalid message never costs the others of its window: each is checked before the
 * transaction, and a window refused anyway is stored message by message.
 */
import type { IPublishPacket, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { AppError, isDatabaseUnavailable } from '../errors.js';
import { connectionState, countMqttMessages } from '../metrics.js';
import type { AssetsService } from './assets.service.js';
import { DEFAULT_BATCH_LIMITS, validateReadings } from './ingest-validation.js';
import { claimClientId, connectConsumer, deferPubacks, subscriptionTopic } from './mqtt-connection.js';
import type { IngestResult, ReadingsService } from './readings.service.js';
import { readingsFromPayload } from './readings.schemas.js';

export interface MqttSubscriberOptions {
  url: string;
  /** The application's services (AppContext): the same validation and limits as HTTP. */
  readings: ReadingsService;
  assets: AssetsService;
  logger: Logger;
  /** First topic level; default `prognos`. */
  prefix?: string;
  /** MQTT_CLIENT_ID; default `prognos-<hostname>-<slot>` (claimClientId). */
  clientId?: string;
  /** Start a fresh session (tests); default false: keep the session across restarts. */
  clean?: boolean;
  /** MQTT_BATCH_MS, MQTT_BATCH_MAX, MQTT_SESSION_EXPIRY_S, MQTT_SHARE_GROUP. */
  batchMs?: number;
  batchMax?: number;
  sessionExpiryS?: number;
  shareGroup?: string;
  /** BODY_LIMIT_BYTES and MAX_READINGS_PER_BATCH: a message is bounded as an HTTP body is. */
  bodyLimitBytes?: number;
  maxReadingsPerBatch?: number;
  /** Directory of the client id slots' lock files (tests). */
  slotDir?: string;
}

/** The subscriber's settings from the configuration (its services come from the context). */
export function mqttSubscriberSettings(
  config: Config,
): Omit<MqttSubscriberOptions, 'readings' | 'assets' | 'logger'> {
  return {
    url: config.mqttUrl!,
    clientId: config.mqtt.clientId,
    batchMs: config.mqtt.batchMs,
    batchMax: config.mqtt.batchMax,
    sessionExpiryS: config.mqtt.sessionExpiryS,
    shareGroup: config.mqtt.shareGroup,
    bodyLimitBytes: config.bodyLimitBytes,
    maxReadingsPerBatch: config.ingestLimits.maxReadingsPerBatch,
  };
}

interface MqttStats {
  received: number;
  /** Messages stored (all their readings new or already there). */
  stored: number;
  /** Transactions: one per window of messages. */
  windows: number;
  inserted: number;
  duplicates: number;
  rejected: number;
  failed: number;
}

export interface MqttSubscriber {
  readonly client: MqttClient;
  readonly clientId: string;
  stats(): MqttStats;
  /** Resolves once subscribed (or rejects if the first connection fails within the timeout). */
  ready: Promise<void>;
  /** Stores and acknowledges what it holds, then disconnects (the session stays on the broker). */
  close(): Promise<void>;
}

/** One received message, held until its window is stored. */
interface Held {
  topic: string;
  assetRef: string;
  sensorRef: string;
  /** The readings array, checked; undefined when the message was refused or is not ours. */
  readings: unknown[] | undefined;
  error: AppError | undefined;
  ack: () => void;
}

const RESOLVE_TTL_MS = 60_000;

/** The database was unavailable and the subscriber is closing: leave the window unacknowledged. */
class GaveUp extends Error {}

export function startMqttSubscriber(opts: MqttSubscriberOptions): MqttSubscriber {
  const prefix = opts.prefix ?? 'prognos';
  const log = opts.logger.child({ component: 'mqtt' });
  const { readings } = opts;
  const batchMs = opts.batchMs ?? 50;
  const batchMax = opts.batchMax ?? 500;
  const bodyLimit = opts.bodyLimitBytes ?? 16 * 1024 * 1024;
  const maxReadings = opts.maxReadingsPerBatch ?? DEFAULT_BATCH_LIMITS.maxReadingsPerBatch;
  const stats: MqttStats = {
    received: 0,
    stored: 0,
    windows: 0,
    inserted: 0,
    duplicates: 0,
    rejected: 0,
    failed: 0,
  };
  const cache = new Map<string, { id: number; until: number }>();
  const held: Held[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let closing = false;
  let wake: (() => void) | undefined;

  const claimed = claimClientId(opts.clientId, log, opts.slotDir);
  const clean = opts.clean ?? false;
  const client = connectConsumer({
    url: opts.url,
    clientId: claimed.clientId,
    clean,
    sessionExpiryS: opts.sessionExpiryS ?? 3_600,
    // Room for the window being written and the next one gathering meanwhile.
    receiveMaximum: 2 * batchMax,
  });
  const filter = `${prefix}/+/+`;
  const topic = subscriptionTopic(filter, opts.shareGroup);

  deferPubacks(client, (packet: IPublishPacket, ack) => {
    // Closing: not acknowledged, so the broker delivers it again to the next session.
    if (closing) return;
    stats.received += 1;
    const parts = packet.topic.split('/');
    const entry: Held = {
      topic: packet.topic,
      assetRef: parts[1] ?? '',
      sensorRef: parts[2] ?? '',
      readings: undefined,
      error: undefined,
      ack,
    };
    if (parts.length === 3 && parts[0] === prefix) {
      try {
        const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
        const batch = readingsFromPayload(payload, bodyLimit);
        // Checked now (and again by the service): an invalid message leaves its window.
        validateReadings(batch, Date.now(), 'readings', maxReadings);
        entry.readings = batch;
      } catch (err) {
        entry.error = err instanceof AppError ? err : new AppError('internal', 500, 'internal error');
      }
    }
    held.push(entry);
    schedule();
  });

  function schedule(): void {
    if (flushing) return; // the running flush takes what arrived meanwhile
    if (held.length >= batchMax) flushNow();
    else timer ??= setTimeout(flushNow, batchMs);
  }

  function flushNow(): void {
    clearTimeout(timer);
    timer = undefined;
    if (flushing) return;
    flushing = drain()
      .catch((err: unknown) => {
        // Unacknowledged: redelivered on the next session.
        if (!(err instanceof GaveUp)) log.error({ err }, 'MQTT window not stored');
      })
      .finally(() => {
        flushing = undefined;
        if (held.length > 0 && !closing) schedule();
      });
  }

  async function drain(): Promise<void> {
    while (held.length > 0) {
      const window = takeWindow();
      await storeWindow(window);
      // In receipt order, as MQTT asks of PUBACKs.
      for (const h of window) h.ack();
    }
  }

  /** Up to batchMax messages and, past the first, at most maxReadings readings. */
  function takeWindow(): Held[] {
    let n = 0;
    let readingCount = 0;
    while (n < held.length && n < batchMax) {
      const size = held[n]!.readings?.length ?? 0;
      if (n > 0 && readingCount + size > maxReadings) break;
      readingCount += size;
      n += 1;
    }
    return held.splice(0, n);
  }

  /** Retries while the database is unavailable, unless closing (then nothing is acknowledged). */
  async function withDatabase<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!isDatabaseUnavailable(err)) throw err;
        if (closing) throw new GaveUp();
        const delay = Math.min(5_000, 200 * 2 ** attempt);
        log.warn({ err, attempt, delay }, `database unavailable; retrying ${what}`);
        // close() cuts the wait short: one last attempt, then the window is left to the broker.
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          wake = () => (clearTimeout(t), resolve());
        });
        wake = undefined;
      }
    }
  }

  async function resolveSensor(assetRef: string, sensorRef: string): Promise<number> {
    const key = `${assetRef}/${sensorRef}`;
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.id;
    const sensor = await opts.assets.sensorByRefs(assetRef, sensorRef);
    cache.set(key, { id: sensor.id, until: Date.now() + RESOLVE_TTL_MS });
    return sensor.id;
  }

  async function storeWindow(window: Held[]): Promise<void> {
    const valid: Array<{ h: Held; sensorId: number }> = [];
    for (const h of window) {
      if (h.error) {
        reject(h, h.error);
        continue;
      }
      if (h.readings === undefined) continue; // not a topic of ours
      try {
        const sensorId = await withDatabase('sensor lookup', () => resolveSensor(h.assetRef, h.sensorRef));
        valid.push({ h, sensorId });
      } catch (err) {
        if (err instanceof GaveUp) throw err;
        reject(h, err);
      }
    }
    if (valid.length === 0) return;
    // One batch per sensor: a query pair per sensor, not per message. A window holds at most
    // MAX_READINGS_PER_BATCH readings, so no merged batch passes the limit either.
    const bySensor = new Map<number, unknown[]>();
    for (const v of valid) {
      const batch = bySensor.get(v.sensorId);
      if (batch) for (const r of v.h.readings!) batch.push(r);
      else bySensor.set(v.sensorId, [...v.h.readings!]);
    }
    try {
      const results = await withDatabase('window', () =>
        readings.ingestMany(
          [...bySensor].map(([sensorId, batch]) => ({ sensorId, readings: batch, field: 'readings' })),
          'mqtt',
        ),
      );
      stats.windows += 1;
      stats.stored += valid.length;
      countMqttMessages('stored', valid.length);
      for (const r of results) {
        stats.inserted += r.inserted;
        stats.duplicates += r.duplicates;
      }
    } catch (err) {
      if (err instanceof GaveUp) throw err;
      // Refused as a whole (a sensor deleted meanwhile, a bug): one message at a time, so
      // only the messages at fault are rejected.
      log.warn({ err, messages: valid.length }, 'MQTT window refused; storing its messages one by one');
      for (const v of valid) {
        try {
          stored(
            await withDatabase('message', () =>
              readings.ingest(v.sensorId, v.h.readings, 'readings', 'mqtt'),
            ),
          );
          stats.windows += 1;
        } catch (e) {
          if (e instanceof GaveUp) throw e;
          reject(v.h, e);
        }
      }
    }
  }

  function stored(result: IngestResult): void {
    stats.stored += 1;
    stats.inserted += result.inserted;
    stats.duplicates += result.duplicates;
    countMqttMessages('stored');
  }

  function reject(h: Held, err: unknown): void {
    const known = err instanceof AppError && err.statusCode < 500;
    if (known) stats.rejected += 1;
    else stats.failed += 1;
    countMqttMessages(known ? 'rejected' : 'failed');
    const error = known
      ? { code: err.code, message: err.message }
      : { code: 'internal', message: 'internal error' };
    log[known ? 'warn' : 'error']({ err, topic: h.topic }, `rejected MQTT message: ${error.message}`);
    client.publish(
      `${h.topic}/errors`,
      JSON.stringify({ error, topic: h.topic, at: new Date().toISOString() }),
      { qos: 1 },
      () => {},
    );
  }

  const ready = new Promise<void>((resolve, reject) => {
    client.once('error', reject);
    client.on('connect', (connack) => {
      client.subscribe(topic, { qos: 1 }, (err) => {
        if (err) log.error({ err }, 'MQTT subscribe failed');
        else {
          log.info(
            { topic, clientId: claimed.clientId, sessionPresent: connack.sessionPresent },
            'MQTT subscriber ready',
          );
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
    clientId: claimed.clientId,
    ready,
    stats: () => ({ ...stats }),
    async close() {
      closing = true;
      wake?.();
      // What was received is stored and acknowledged before the connection ends.
      flushNow();
      await flushing;
      await client.endAsync();
      claimed.release();
    },
  };
}
