/**
 * How a Prognos MQTT consumer connects: MQTT 5, a persistent session under a client id unique
 * to the process yet stable across its restarts, an optional shared subscription, and QoS 1
 * acknowledgements (PUBACK) sent only when the caller says the message is stored.
 */
import { mkdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { DataDirLockedError, lockDataDir } from '../db/data-dir-lock.js';

/** Slots tried per host before giving up on a stable id. */
const MAX_SLOTS = 64;

export interface ClaimedClientId {
  readonly clientId: string;
  /** Frees the slot for the next process (also done at process exit). */
  release(): void;
}

/**
 * The client id: MQTT_CLIENT_ID as given, or `prognos-<hostname>-<slot>` where the slot is the
 * lowest one no live process on this host holds (a lock file per slot). Two consumers on one
 * host (`prognos worker` beside `prognos mqtt`) then never share an id, which would make the
 * broker disconnect each in turn; and a process restarting takes its slot back, so it resumes
 * its session and the messages queued for it while it was down.
 */
export function claimClientId(
  configured: string | undefined,
  logger: Logger,
  slotDir = path.join(tmpdir(), 'prognos-mqtt-slots'),
): ClaimedClientId {
  if (configured !== undefined) return { clientId: configured, release: () => {} };
  const host = hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 40);
  try {
    for (let slot = 0; slot < MAX_SLOTS; slot++) {
      const dir = path.join(slotDir, `${host}-${slot}`);
      mkdirSync(dir, { recursive: true });
      try {
        return { clientId: `prognos-${host}-${slot}`, release: lockDataDir(dir) };
      } catch (err) {
        if (!(err instanceof DataDirLockedError)) throw err;
      }
    }
  } catch (err) {
    logger.warn({ err, slotDir }, 'MQTT client id slot not claimable; using the pid (set MQTT_CLIENT_ID)');
  }
  // Unique but not stable: a restart starts a new session (the old one expires on the broker).
  return { clientId: `prognos-${host}-p${process.pid}`, release: () => {} };
}

/** `$share/<group>/<filter>` when a group is set: each message goes to one member of the group. */
export function subscriptionTopic(filter: string, shareGroup: string | undefined): string {
  return shareGroup === undefined ? filter : `$share/${shareGroup}/${filter}`;
}

export interface ConsumerConnection {
  url: string;
  clientId: string;
  /** Clean start (tests): no session kept. Otherwise the session outlives the connection. */
  clean: boolean;
  sessionExpiryS: number;
  /** Unacknowledged QoS 1 messages the broker may have in flight to us (MQTT 5 Receive Maximum). */
  receiveMaximum: number;
}

export function connectConsumer(c: ConsumerConnection): MqttClient {
  const options: IClientOptions = {
    protocolVersion: 5,
    clientId: c.clientId,
    clean: c.clean,
    reconnectPeriod: 2_000,
    connectTimeout: 10_000,
    properties: {
      sessionExpiryInterval: c.clean ? 0 : c.sessionExpiryS,
      receiveMaximum: Math.min(65_535, c.receiveMaximum),
    },
  };
  return mqtt.connect(c.url, options);
}

/** mqtt.js's own packet writer: not in its typings, see deferPubacks. */
interface PacketWriter {
  _sendPacket(packet: { cmd: 'puback'; messageId: number; reasonCode: number }, ...rest: unknown[]): void;
}

// Handed to mqtt.js's handleMessage callback: it then sends no PUBACK but reads on.
const ACK_LATER = Object.freeze(new Error('PUBACK deferred until stored'));

/**
 * Routes every PUBLISH to `onMessage` with an `ack` to call once it is stored.
 *
 * mqtt.js acknowledges a QoS 1 message when its handler returns, and reads nothing more until
 * then: its public hook for late acknowledgements (customHandleAcks) holds the whole packet
 * pump too, so either way one message is stored per commit. Here the handler returns at once
 * without an acknowledgement, and the PUBACK is written later, through mqtt.js's own writer.
 * The broker sends at most Receive Maximum unacknowledged messages, which bounds what is held.
 *
 * An `ack` is dropped when the connection it came on is gone: the broker sends that message
 * again on the next connection (as it does every unacknowledged one), and storing is
 * idempotent, so it is stored once.
 */
export function deferPubacks(
  client: MqttClient,
  onMessage: (packet: IPublishPacket, ack: () => void) => void,
): void {
  const writer = client as unknown as PacketWriter;
  if (typeof writer._sendPacket !== 'function') {
    throw new Error('this mqtt.js has no _sendPacket: deferred acknowledgements need updating');
  }
  client.handleMessage = (packet, callback) => {
    if (packet.qos !== 1 || packet.messageId === undefined) {
      onMessage(packet, () => {});
      return callback();
    }
    const { stream } = client;
    const messageId = packet.messageId;
    onMessage(packet, () => {
      if (client.connected && client.stream === stream) {
        writer._sendPacket({ cmd: 'puback', messageId, reasonCode: 0 }, undefined, undefined, true);
      }
    });
    callback(ACK_LATER);
  };
}
