/**
 * A small plant behind node-opcua's own server, for the OPC UA ingestion tests.
 *
 * The plant ticks on its own clock whether or not the server is up: at tick k a variable whose
 * value changes takes it with source timestamp T0 + k s (an unchanged one keeps its value and
 * timestamp, as a device reports changes). The server records every data change it
 * actually sends to a client (its subscriptions' notification messages): that log, not the
 * plant, is the truth ingestion is checked against (OPC UA does not replay what changed while
 * the server was down, nor what was never published).
 */
import {
  DataChangeNotification,
  DataType,
  StatusCodes,
  type DataValue,
  type NodeId,
  type NotificationMessage,
  type ReadValueId,
} from 'node-opcua-client';
import {
  OPCUAServer,
  type MonitoredItem,
  type OPCUAServerOptions,
  type ServerSession,
  type Subscription,
} from 'node-opcua-server';

export const T0 = Date.parse('2024-06-01T00:00:00Z');

export interface VariableSpec {
  folder: string;
  name: string;
  dataType: 'Double' | 'UInt32' | 'Boolean' | 'String';
  /** Value at tick k; `bad` = the source reports BadSensorFailure at that tick. */
  value(k: number): number | boolean | string | 'bad';
}

interface Served {
  nodeId: string;
  tsMs: number;
  value: unknown;
  good: boolean;
}

export interface PlantServer {
  readonly endpoint: string;
  /** Every data change sent to a client, in order, across restarts. */
  readonly served: Served[];
  /** The tick counter; `tick()` advances it and sets the variables when the server is up. */
  readonly k: number;
  tick(): void;
  /** Source timestamp of each variable's current value, by node id. */
  current(): Map<string, number>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

type Namespace = ReturnType<NonNullable<OPCUAServer['engine']['addressSpace']>['getOwnNamespace']>;
type Variable = ReturnType<Namespace['addVariable']>;

export const nodeIdOf = (v: Pick<VariableSpec, 'folder' | 'name'>) => `ns=1;s=${v.folder}.${v.name}`;

/** `serverOptions`: extra OPCUAServer options (security modes and policies, a user manager). */
export async function startPlant(
  port: number,
  specs: VariableSpec[],
  serverOptions?: Partial<OPCUAServerOptions>,
): Promise<PlantServer> {
  const served: Served[] = [];
  let running: OPCUAServer | undefined;
  let vars = new Map<VariableSpec, Variable>();
  let k = 0;
  const last = new Map(specs.map((spec) => [spec, { x: spec.value(0), k: 0 }]));

  const setAll = () => {
    for (const [spec, v] of vars) {
      const { x, k: changedAt } = last.get(spec)!;
      const ts = new Date(T0 + changedAt * 1000);
      if (x === 'bad')
        v.setValueFromSource({ dataType: DataType.Double, value: 0 }, StatusCodes.BadSensorFailure, ts);
      else v.setValueFromSource({ dataType: DataType[spec.dataType], value: x }, StatusCodes.Good, ts);
    }
  };

  async function start(): Promise<void> {
    const s = new OPCUAServer({
      port,
      hostname: '127.0.0.1',
      alternateHostname: ['127.0.0.1'],
      ...serverOptions,
    });
    await s.initialize();
    const space = s.engine.addressSpace!;
    const ns = space.getOwnNamespace();
    const folders = new Map<string, ReturnType<typeof ns.addObject>>();
    vars = new Map();
    for (const spec of specs) {
      let folder = folders.get(spec.folder);
      if (!folder) {
        folder = ns.addObject({
          organizedBy: space.rootFolder.objects,
          browseName: spec.folder,
          nodeId: `s=${spec.folder}`,
        });
        folders.set(spec.folder, folder);
      }
      vars.set(
        spec,
        ns.addVariable({
          componentOf: folder,
          browseName: spec.name,
          nodeId: `s=${spec.folder}.${spec.name}`,
          dataType: spec.dataType,
        }),
      );
    }
    setAll(); // a restarted server comes back with the plant's current values
    s.on('create_session', (session: ServerSession) => {
      session.on('new_subscription', (sub: Subscription) => {
        const nodeOf = new Map<number, NodeId>();
        sub.on('monitoredItem', (item: MonitoredItem, toMonitor: ReadValueId) =>
          nodeOf.set(item.clientHandle, toMonitor.nodeId),
        );
        sub.on('notification', (msg: NotificationMessage) => {
          for (const data of msg.notificationData ?? []) {
            if (!(data instanceof DataChangeNotification)) continue;
            for (const m of data.monitoredItems ?? []) {
              const dv: DataValue = m.value;
              served.push({
                nodeId: nodeOf.get(m.clientHandle)!.toString(),
                tsMs: dv.sourceTimestamp!.getTime(),
                value: dv.value.value,
                good: dv.statusCode.isGood(),
              });
            }
          }
        });
      });
    });
    await s.start();
    running = s;
  }

  await start();
  return {
    endpoint: `opc.tcp://127.0.0.1:${port}`,
    served,
    get k() {
      return k;
    },
    tick() {
      k += 1;
      for (const spec of specs) {
        const x = spec.value(k);
        if (x !== last.get(spec)!.x) last.set(spec, { x, k });
      }
      if (running) setAll();
    },
    current: () => new Map(specs.map((spec) => [nodeIdOf(spec), T0 + last.get(spec)!.k * 1000])),
    async stop() {
      const s = running;
      running = undefined;
      vars = new Map();
      await s?.shutdown(0);
    },
    start,
  };
}
