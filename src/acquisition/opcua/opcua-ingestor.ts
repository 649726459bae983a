/**
 * OPC UA → readings: resolves the mapping against the assets, subscribes to the mapped nodes
 * and hands each value change to the batcher (the same ingestion as HTTP and MQTT).
 *
 * Start-up fails with a ConfigError naming the field for what a restart cannot fix (bad JSON,
 * bad NodeId, unknown asset or sensor, unreadable identity files); an unreachable server is
 * not one: the client keeps trying with a warning. What only the server can tell (a node it
 * does not know, a folder without mapped variables) is logged at error level, once, and the
 * other nodes are monitored.
 */
import {
  AttributeIds,
  BrowseDirection,
  NodeClassMask,
  TimestampsToReturn,
  type ClientSession,
  type ClientSubscription,
  type ConnectionStrategyOptions,
  type DataValue,
  type NodeId,
  type OPCUAClient,
  type ReferenceDescription,
} from 'node-opcua-client';
import type { Logger } from 'pino';
import { ConfigError, type OpcuaConfig } from '../../config.js';
import { AppError } from '../../errors.js';
import type { Asset } from '../../db/schema.js';
import { mappedSensorId, orProblem } from '../mapping-setting.js';
import type { AssetsService } from '../assets.service.js';
import type { ReadingsService } from '../readings.service.js';
import { toReading } from './data-value.js';
import { createOpcuaClient, userIdentity } from './opcua-connection.js';
import { loadOpcuaMapping, type NodeMapping, type OpcuaMapping, type Timing } from './opcua-mapping.js';
import { ReadingBatcher, type BatcherStats } from './reading-batcher.js';

export interface OpcuaIngestorOptions {
  config: OpcuaConfig;
  readings: ReadingsService;
  assets: AssetsService;
  logger: Logger;
  /** MAX_READINGS_PER_BATCH. */
  maxPerBatch: number;
  /** Reconnection backoff (tests shorten it). */
  connectionStrategy?: ConnectionStrategyOptions;
}

interface OpcuaStats extends BatcherStats {
  /** Value changes received from the server. */
  received: number;
  /** Not stored, by reason: a status name (BadSensorFailure…), not_numeric, no_timestamp. */
  skipped: Record<string, number>;
  /** Nodes being monitored. */
  monitored: number;
  pending: number;
}

export interface OpcuaIngestor {
  /** Resolves once the first subscription is live (never rejects; close() ends the wait). */
  readonly ready: Promise<void>;
  stats(): OpcuaStats;
  /** Writes what is pending now (tests; the batcher does it every window). */
  flush(): Promise<void>;
  /** Ends the subscription, session and connection, then stores what is pending. */
  close(): Promise<void>;
}

interface Target extends Timing {
  nodeId: NodeId;
  sensorId: number;
  field: string;
}

export async function startOpcuaIngestor(opts: OpcuaIngestorOptions): Promise<OpcuaIngestor> {
  const log = opts.logger.child({ component: 'opcua' });
  const mapping = loadOpcuaMapping(opts.config.mapping);
  const identity = userIdentity(opts.config.identity);
  const targets = await resolveNodes(mapping.nodes, opts.assets);
  const folderAssets = await resolveFolderAssets(mapping, opts.assets);

  const batcher = new ReadingBatcher({
    readings: opts.readings,
    windowMs: mapping.batchWindowMs,
    maxPerBatch: opts.maxPerBatch,
    logger: log,
  });
  const counts = { received: 0, monitored: 0, skipped: {} as Record<string, number> };
  const warned = new Set<string>();
  const client: OPCUAClient = createOpcuaClient(opts.config, log, opts.connectionStrategy);
  let session: ClientSession | undefined;
  let subscription: ClientSubscription | undefined;
  let closing = false;
  let wake = () => {};

  const onValue = (target: Target, dv: DataValue) => {
    counts.received += 1;
    const r = toReading(dv);
    if ('skip' in r) {
      counts.skipped[r.skip] = (counts.skipped[r.skip] ?? 0) + 1;
      const key = `${target.field}:${r.skip}`;
      if (!warned.has(key)) {
        warned.add(key);
        log.warn(
          { nodeId: target.nodeId.toString(), field: target.field, reason: r.skip },
          'OPC UA values skipped (counted, logged once)',
        );
      }
      return;
    }
    batcher.add(target.sensorId, r.tsMs, r.value);
  };

  async function subscribe(): Promise<void> {
    counts.monitored = 0;
    await client.connect(opts.config.endpoint);
    session = await client.createSession(identity);
    const all = [...targets, ...(await browseFolders(session, mapping, folderAssets, opts.assets, log))];
    subscription = await session.createSubscription2({
      requestedPublishingInterval: mapping.publishingIntervalMs,
      // Keep-alives every 10 publishing intervals; the server keeps the subscription for 60 of them.
      requestedMaxKeepAliveCount: 10,
      requestedLifetimeCount: 60,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 0,
    });
    const results = await Promise.allSettled(
      all.map(async (t) => {
        const item = await subscription!.monitor(
          { nodeId: t.nodeId, attributeId: AttributeIds.Value },
          { samplingInterval: t.samplingIntervalMs, queueSize: t.queueSize, discardOldest: true },
          TimestampsToReturn.Both,
        );
        // A node the server does not know still yields an item, with a Bad status: drop it.
        if (item.statusCode.isNotGood()) {
          await item.terminate().catch(() => {});
          throw new Error(item.statusCode.name);
        }
        item.on('changed', (dv: DataValue) => onValue(t, dv));
      }),
    );
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') counts.monitored += 1;
      else {
        const t = all[i]!;
        log.error(
          { field: t.field, nodeId: t.nodeId.toString(), err: r.reason as Error },
          `OPCUA_CONFIG ${t.field}.nodeId ${t.nodeId.toString()}: the server refused to monitor it (${(r.reason as Error).message}); not ingested`,
        );
      }
    });
    log.info(
      { endpoint: opts.config.endpoint, monitored: counts.monitored, of: all.length },
      'OPC UA subscription ready',
    );
  }

  // Until the first session exists, a failure (server refusing the session, the user name…) is
  // retried here; afterwards node-opcua's reconnection keeps session and subscription alive.
  const ready = (async () => {
    let lastMessage = '';
    for (let attempt = 0; !closing; attempt++) {
      try {
        await subscribe();
        return;
      } catch (err) {
        if (closing) return;
        const message = (err as Error).message;
        if (message !== lastMessage)
          log.error({ err, endpoint: opts.config.endpoint }, 'OPC UA session could not be set up; retrying');
        lastMessage = message;
        await session?.close().catch(() => {});
        session = undefined;
        subscription = undefined;
        await client.disconnect().catch(() => {});
        if (closing) return;
        // close() cuts the wait short, so that `ready` settles once closed, not up to 30 s later.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(30_000, 1_000 * 2 ** attempt));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  })();

  batcher.start();
  return {
    ready,
    flush: () => batcher.flush(),
    stats: () => ({ ...batcher.snapshot(), ...counts, skipped: { ...counts.skipped } }),
    async close() {
      closing = true;
      wake();
      await subscription?.terminate().catch(() => {});
      await session?.close().catch(() => {});
      await client.disconnect().catch(() => {});
      await batcher.close();
      log.info(
        { ...batcher.snapshot(), received: counts.received, skipped: counts.skipped },
        'OPC UA ingestion totals',
      );
    },
  };
}

async function resolveNodes(nodes: NodeMapping[], assets: AssetsService): Promise<Target[]> {
  const problems: string[] = [];
  const out: Target[] = [];
  for (const n of nodes) {
    const sensorId = await mappedSensorId(assets, 'OPCUA_CONFIG', n, problems);
    if (sensorId !== undefined) out.push({ ...n, sensorId });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}

/** Each folder's asset, resolved once at start-up (browsing matches its sensors on every session). */
async function resolveFolderAssets(mapping: OpcuaMapping, assets: AssetsService): Promise<Asset[]> {
  const problems: string[] = [];
  const out: Asset[] = [];
  for (const f of mapping.folders) {
    const asset = await orProblem(assets.assetByRef(f.asset), `OPCUA_CONFIG ${f.field}.asset`, problems);
    if (asset) out.push(asset);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}

/** The Variables directly below each folder whose browse name is a sensor of the folder's asset. */
async function browseFolders(
  session: ClientSession,
  mapping: OpcuaMapping,
  folderAssets: Asset[],
  assets: AssetsService,
  log: Logger,
): Promise<Target[]> {
  const out: Target[] = [];
  for (const [i, f] of mapping.folders.entries()) {
    const refs: ReferenceDescription[] = [];
    let result = await session.browse({
      nodeId: f.nodeId,
      browseDirection: BrowseDirection.Forward,
      referenceTypeId: 'HierarchicalReferences',
      includeSubtypes: true,
      nodeClassMask: NodeClassMask.Variable,
      resultMask: 0x3f,
    });
    for (;;) {
      if (result.statusCode.isNotGood()) break;
      refs.push(...(result.references ?? []));
      if (!result.continuationPoint || result.continuationPoint.length === 0) break;
      result = await session.browseNext(result.continuationPoint, false);
    }
    if (result.statusCode.isNotGood()) {
      log.error(
        { field: f.field },
        `OPCUA_CONFIG ${f.field}.nodeId ${f.nodeId.toString()}: ${result.statusCode.name}; not browsed`,
      );
      continue;
    }
    const unmapped: string[] = [];
    for (const ref of refs) {
      const name = ref.browseName.name ?? '';
      // Only "no such sensor" means unmapped; a database error fails this attempt (retried).
      const sensor = await assets.sensorOfAsset(folderAssets[i]!, f.asset, name).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'not_found') return undefined;
        throw err;
      });
      if (sensor)
        out.push({
          nodeId: ref.nodeId as NodeId,
          sensorId: sensor.id,
          field: `${f.field}/${name}`,
          samplingIntervalMs: f.samplingIntervalMs,
          queueSize: f.queueSize,
        });
      else unmapped.push(name);
    }
    if (unmapped.length > 0)
      log.warn(
        { field: f.field, asset: f.asset, unmapped },
        'OPC UA variables without a sensor of that name; not ingested',
      );
    if (refs.length === unmapped.length)
      log.error(
        { field: f.field },
        `OPCUA_CONFIG ${f.field}: no variable below it names a sensor of asset ${f.asset}`,
      );
  }
  return out;
}
