/**
 * A simulated Sparkplug B edge node for the tests: connects with its NDEATH as the MQTT Will
 * (bdSeq matching its NBIRTH), publishes births, data by alias and deaths with its own 0..255
 * sequence, and answers a rebirth request (NCMD Node Control/Rebirth) with a new NBIRTH and
 * DBIRTHs, as an edge node must.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { decodeSparkplug, encodeSparkplug } from '../../src/acquisition/sparkplug/sparkplug-decode.js';

export interface EdgeMetric {
  name: string;
  alias: number;
  value: number;
}

type Payload = Parameters<typeof encodeSparkplug>[0];

export class SimulatedEdge {
  private client!: MqttClient;
  private seq = 0;
  private bdSeq = 0;
  /** Rebirth requests received (NCMD Node Control/Rebirth = true). */
  rebirthRequests = 0;
  /** Answer a rebirth request with new births (tests turn it off to watch the request alone). */
  answerRebirths = true;

  constructor(
    private readonly url: string,
    readonly groupId: string,
    readonly edgeNode: string,
    /** Each device's metrics, as its DBIRTH defines them (current values included). */
    readonly devices: Record<string, EdgeMetric[]>,
  ) {}

  private topic(type: string, device?: string): string {
    return `spBv1.0/${this.groupId}/${type}/${this.edgeNode}${device ? `/${device}` : ''}`;
  }

  /** Connects (a new session: next bdSeq in the Will) and publishes NBIRTH and every DBIRTH,
   * unless `birth` is false (an edge node whose births the host missed). */
  async connect({ birth = true } = {}): Promise<void> {
    this.bdSeq = (this.bdSeq + 1) % 256;
    const will = encodeSparkplug({
      timestamp: Date.now(),
      metrics: [{ name: 'bdSeq', type: 'UInt64', value: this.bdSeq }],
    });
    this.client = await mqtt.connectAsync(this.url, {
      clientId: `${this.groupId}-${this.edgeNode}`,
      clean: true,
      reconnectPeriod: 0,
      will: { topic: this.topic('NDEATH'), payload: Buffer.from(will), qos: 1, retain: false },
    });
    await this.client.subscribeAsync(this.topic('NCMD'), { qos: 1 });
    this.client.on('message', (_topic, bytes) => {
      const cmd = decodeSparkplug(bytes);
      if (!cmd.metrics.some((m) => m.name === 'Node Control/Rebirth' && m.value === 1)) return;
      this.rebirthRequests += 1;
      if (this.answerRebirths) void this.birth();
    });
    if (birth) await this.birth();
  }

  /** NBIRTH (seq 0, this session's bdSeq) then a DBIRTH per device. */
  async birth(): Promise<void> {
    this.seq = 0;
    await this.send(this.topic('NBIRTH'), {
      timestamp: Date.now(),
      metrics: [
        { name: 'bdSeq', type: 'UInt64', value: this.bdSeq },
        { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
      ],
    });
    for (const [device, metrics] of Object.entries(this.devices))
      await this.send(this.topic('DBIRTH', device), {
        timestamp: Date.now(),
        metrics: metrics.map((m) => ({ name: m.name, alias: m.alias, type: 'Double', value: m.value })),
      });
  }

  /** DDATA by alias only, at `tsMs`; `skipSeq` leaves seq numbers out (lost messages). */
  async ddata(device: string, values: Array<{ alias: number; value: number }>, tsMs: number, skipSeq = 0) {
    this.seq = (this.seq + skipSeq) % 256;
    await this.send(this.topic('DDATA', device), {
      timestamp: tsMs,
      metrics: values.map((v) => ({ alias: v.alias, type: 'Double', value: v.value })),
    });
  }

  async ddeath(device: string): Promise<void> {
    await this.send(this.topic('DDEATH', device), { timestamp: Date.now(), metrics: [] });
  }

  /** Drops the connection without DISCONNECT, so the broker publishes the NDEATH Will. */
  async kill(): Promise<void> {
    await this.client.endAsync(true);
  }

  async close(): Promise<void> {
    await this.client?.endAsync().catch(() => {});
  }

  /** Publishes with the next seq (seq counts every message but NDEATH). */
  private async send(topic: string, payload: Payload): Promise<void> {
    const seq = this.seq;
    this.seq = (this.seq + 1) % 256;
    await this.client.publishAsync(topic, Buffer.from(encodeSparkplug({ ...payload, seq })), { qos: 0 });
  }
}
