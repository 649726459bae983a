/**
 * The host side of Sparkplug B session awareness, per edge node of one group: which metric each
 * alias stands for (from NBIRTH and DBIRTH), the sequence number the next message must carry,
 * and whether each node's and device's data can be trusted. Pure: messages and a clock in,
 * readings, rebirth requests and state changes out.
 *
 * The rules (Sparkplug 3.0, operational behaviour of a host application):
 * - NBIRTH starts a session: its bdSeq pairs it with the NDEATH Will; its seq starts the count;
 *   every NBIRTH invalidates the devices' births (they follow it with new DBIRTHs).
 * - Every later message of the node (DBIRTH, NDATA, DDATA, DDEATH) carries the previous seq plus
 *   one, modulo 256 (255 is followed by 0). Another value is a gap: messages were lost, so the
 *   node's data is stale and a rebirth is requested (NCMD `Node Control/Rebirth` = true).
 * - NDEATH with the session's bdSeq (the Will of this connection, not of an earlier one) and
 *   DDEATH mark data stale: nothing trusted until the next birth.
 * - A message before any birth, or a metric whose alias or name the birth did not define,
 *   cannot be mapped: it is dropped, counted, and a rebirth is requested.
 * Stale is left only by a birth: NBIRTH for the node, DBIRTH for a device.
 */

import type { DecodedMetric, DecodedPayload } from './sparkplug-decode.js';
import type { MessageType } from './sparkplug-topic.js';

export interface SparkplugMessage extends DecodedPayload {
  type: MessageType;
  edgeNode: string;
  device?: string;
}

export type StaleReason = 'seq_gap' | 'ndeath' | 'ddeath' | 'awaiting_birth' | 'reconnected' | 'undecodable';
export type DropReason = 'stale' | 'no_birth' | 'unknown_alias' | 'no_timestamp' | 'null' | 'not_numeric';

/** One metric value of a trusted message, by the name its birth gave it. */
interface Sample {
  edgeNode: string;
  /** Undefined for the node's own metrics (NBIRTH, NDATA). */
  device?: string;
  metric: string;
  tsMs: number;
  value: number;
}

interface StateChange {
  edgeNode: string;
  device?: string;
  online: boolean;
  /** Why it went stale; undefined when it came online. */
  reason?: StaleReason;
}

export interface Outcome {
  samples: Sample[];
  /** Metrics not turned into samples, by reason. */
  dropped: Partial<Record<DropReason, number>>;
  /** Edge nodes to send a rebirth request to now. */
  rebirth: string[];
  changes: StateChange[];
}

export interface EndpointState {
  edgeNode: string;
  device?: string;
  online: boolean;
  reason?: StaleReason;
  /** When it last changed (epoch ms). */
  sinceMs: number;
}

interface Births {
  /** Alias → metric name, as the birth defined them. */
  aliases: Map<number, string>;
  names: Set<string>;
}

interface DeviceSession extends Births {
  online: boolean;
  reason?: StaleReason;
  sinceMs: number;
}

interface NodeSession extends Births {
  edgeNode: string;
  bdSeq?: number;
  nextSeq: number;
  online: boolean;
  reason?: StaleReason;
  sinceMs: number;
  /** Whether NBIRTH was ever seen: before it, aliases mean nothing. */
  born: boolean;
  devices: Map<string, DeviceSession>;
  lastRebirthMs?: number;
}

/** Metrics of Sparkplug's own, not measurements. */
function isControlMetric(name: string): boolean {
  return name === 'bdSeq' || name.startsWith('Node Control/') || name.startsWith('Device Control/');
}

export class SparkplugSessions {
  private readonly nodes = new Map<string, NodeSession>();

  /** @param rebirthIntervalMs a node asked for a rebirth is not asked again sooner than this. */
  constructor(private readonly rebirthIntervalMs: number) {}

  handle(msg: SparkplugMessage, nowMs: number): Outcome {
    const out: Outcome = { samples: [], dropped: {}, rebirth: [], changes: [] };
    // Commands go to edge nodes (our own rebirth requests among them): nothing to track.
    if (msg.type === 'NCMD' || msg.type === 'DCMD') return out;
    const node = this.node(msg.edgeNode, nowMs);
    switch (msg.type) {
      case 'NDEATH':
        // A Will whose bdSeq is not this session's belongs to a connection already replaced.
        if (
          node.born &&
          (node.bdSeq === undefined || bdSeqOf(msg) === undefined || bdSeqOf(msg) === node.bdSeq)
        )
          this.staleNode(node, 'ndeath', nowMs, out);
        return out;
      case 'NBIRTH':
        this.birthNode(node, msg, nowMs, out);
        return out;
    }
    // DBIRTH, DDEATH, NDATA, DDATA: the session must be born, in sequence and trusted.
    if (!node.born) return this.refuse(node, msg, 'no_birth', nowMs, out);
    if (msg.seq !== node.nextSeq) {
      if (node.online) this.staleNode(node, 'seq_gap', nowMs, out);
      return this.refuse(node, msg, 'stale', nowMs, out);
    }
    node.nextSeq = (node.nextSeq + 1) % 256;
    if (!node.online) return this.refuse(node, msg, 'stale', nowMs, out);
    if (msg.type === 'NDATA') {
      this.collect(node, node, msg, nowMs, out);
      return out;
    }
    const name = msg.device!;
    let device = node.devices.get(name);
    if (msg.type === 'DBIRTH') {
      device = { ...fromBirth(msg.metrics), online: true, sinceMs: nowMs };
      node.devices.set(name, device);
      out.changes.push({ edgeNode: node.edgeNode, device: name, online: true });
      this.collect(node, device, msg, nowMs, out);
      return out;
    }
    if (!device) return this.refuse(node, msg, 'no_birth', nowMs, out);
    if (msg.type === 'DDEATH') {
      if (device.online) this.staleDevice(node, name, device, 'ddeath', nowMs, out);
      return out;
    }
    if (!device.online) return this.refuse(node, msg, 'stale', nowMs, out);
    this.collect(node, device, msg, nowMs, out);
    return out;
  }

  /** A message of this node that could not be decoded: its seq is unknown, so it counts as a gap. */
  undecodable(edgeNode: string, nowMs: number): Outcome {
    const out: Outcome = { samples: [], dropped: {}, rebirth: [], changes: [] };
    const node = this.node(edgeNode, nowMs);
    if (node.online) this.staleNode(node, 'undecodable', nowMs, out);
    this.askRebirth(node, nowMs, out);
    return out;
  }

  /** After a lost broker connection anything may have been missed, deaths included: every
   * node is stale and asked for a rebirth. */
  reconnected(nowMs: number): Outcome {
    const out: Outcome = { samples: [], dropped: {}, rebirth: [], changes: [] };
    for (const node of this.nodes.values()) {
      if (node.online) this.staleNode(node, 'reconnected', nowMs, out);
      node.lastRebirthMs = undefined;
      this.askRebirth(node, nowMs, out);
    }
    return out;
  }

  states(): EndpointState[] {
    const list: EndpointState[] = [];
    for (const n of this.nodes.values()) {
      if (!n.born && n.reason === undefined) continue;
      list.push(endpoint(n.edgeNode, undefined, n));
      for (const [name, d] of n.devices) list.push(endpoint(n.edgeNode, name, d));
    }
    return list;
  }

  private node(edgeNode: string, nowMs: number): NodeSession {
    let node = this.nodes.get(edgeNode);
    if (!node) {
      node = {
        edgeNode,
        aliases: new Map(),
        names: new Set(),
        nextSeq: 0,
        online: false,
        sinceMs: nowMs,
        born: false,
        devices: new Map(),
      };
      this.nodes.set(edgeNode, node);
    }
    return node;
  }

  private birthNode(node: NodeSession, msg: SparkplugMessage, nowMs: number, out: Outcome) {
    Object.assign(node, fromBirth(msg.metrics));
    node.bdSeq = bdSeqOf(msg);
    node.nextSeq = ((msg.seq ?? 0) + 1) % 256;
    node.born = true;
    node.lastRebirthMs = undefined;
    if (!node.online) out.changes.push({ edgeNode: node.edgeNode, online: true });
    node.online = true;
    node.reason = undefined;
    node.sinceMs = nowMs;
    // The devices' births belonged to the previous session: each waits for its new DBIRTH.
    for (const [name, d] of node.devices)
      if (d.online) this.staleDevice(node, name, d, 'awaiting_birth', nowMs, out);
    this.collect(node, node, msg, nowMs, out);
  }

  private staleNode(node: NodeSession, reason: StaleReason, nowMs: number, out: Outcome) {
    if (node.online) out.changes.push({ edgeNode: node.edgeNode, online: false, reason });
    node.online = false;
    node.reason = reason;
    node.sinceMs = nowMs;
    for (const [name, d] of node.devices) if (d.online) this.staleDevice(node, name, d, reason, nowMs, out);
  }

  private staleDevice(
    node: { edgeNode: string },
    name: string,
    d: DeviceSession,
    reason: StaleReason,
    nowMs: number,
    out: Outcome,
  ) {
    d.online = false;
    d.reason = reason;
    d.sinceMs = nowMs;
    out.changes.push({ edgeNode: node.edgeNode, device: name, online: false, reason });
  }

  /** Drops every metric of the message for `reason` and asks the node for a rebirth. */
  private refuse(
    node: NodeSession,
    msg: SparkplugMessage,
    reason: DropReason,
    nowMs: number,
    out: Outcome,
  ): Outcome {
    if (msg.metrics.length > 0) count(out, reason, msg.metrics.length);
    this.askRebirth(node, nowMs, out);
    return out;
  }

  private askRebirth(node: NodeSession, nowMs: number, out: Outcome) {
    if (node.lastRebirthMs !== undefined && nowMs - node.lastRebirthMs < this.rebirthIntervalMs) return;
    node.lastRebirthMs = nowMs;
    out.rebirth.push(node.edgeNode);
  }

  /** The message's metrics as samples, by their birth names; unknown aliases ask for a rebirth. */
  private collect(node: NodeSession, births: Births, msg: SparkplugMessage, nowMs: number, out: Outcome) {
    let unknown = false;
    for (const m of msg.metrics) {
      const name = metricName(births, m);
      if (name === undefined) {
        unknown = true;
        count(out, 'unknown_alias', 1);
        continue;
      }
      if (isControlMetric(name)) continue;
      if (typeof m.value !== 'number') {
        count(out, m.value, 1);
        continue;
      }
      const tsMs = m.tsMs ?? msg.tsMs;
      if (tsMs === undefined) {
        count(out, 'no_timestamp', 1);
        continue;
      }
      out.samples.push({
        edgeNode: node.edgeNode,
        ...(msg.device === undefined ? {} : { device: msg.device }),
        metric: name,
        tsMs,
        value: m.value,
      });
    }
    if (unknown) this.askRebirth(node, nowMs, out);
  }
}

function fromBirth(metrics: DecodedMetric[]): Births {
  const aliases = new Map<number, string>();
  const names = new Set<string>();
  for (const m of metrics) {
    if (m.name === undefined) continue;
    names.add(m.name);
    if (m.alias !== undefined) aliases.set(m.alias, m.name);
  }
  return { aliases, names };
}

/** A birth metric's name; in data messages the alias, else the name, must be one the birth defined. */
function metricName(births: Births, m: DecodedMetric): string | undefined {
  if (m.alias !== undefined) return births.aliases.get(m.alias);
  return m.name !== undefined && births.names.has(m.name) ? m.name : undefined;
}

function bdSeqOf(msg: SparkplugMessage): number | undefined {
  const v = msg.metrics.find((m) => m.name === 'bdSeq')?.value;
  return typeof v === 'number' ? v : undefined;
}

function count(out: Outcome, reason: DropReason, n: number) {
  out.dropped[reason] = (out.dropped[reason] ?? 0) + n;
}

function endpoint(
  edgeNode: string,
  device: string | undefined,
  s: { online: boolean; reason?: StaleReason; sinceMs: number },
): EndpointState {
  return {
    edgeNode,
    ...(device === undefined ? {} : { device }),
    online: s.online,
    ...(s.reason === undefined ? {} : { reason: s.reason }),
    sinceMs: s.sinceMs,
  };
}
