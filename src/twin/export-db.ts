/**
 * Writes a simulated fleet to the database: one transaction per machine (asset, sensors,
 * captures, readings, failure event), so an interrupted export keeps whole machines and
 * running it again completes the rest and stores nothing twice. Captures are rendered one at a
 * time; the series writer holds at most a batch (8 MB) of them.
 */
import { EXTERNAL_REF_PATTERN } from '../acquisition/assets.schemas.js';
import { BulkWriter } from '../acquisition/importers/bulk-writer.js';
import { withSqlSession } from '../db/sql-session.js';
import type { ImportCounts } from '../acquisition/importers/import-counts.js';
import type { Database } from '../db/database.js';
import { FAULT_CODE, ISO_14224, TEMPERATURE_SENSOR, VIBRATION_SENSOR, type FleetConfig } from './config.js';
import { generateMachine, type MachineHistory } from './history.js';
import { addTwinFailure, ensureTwinAsset, ensureTwinSensors, type TwinSensorRow } from './twin.repository.js';
import { machineFingerprint, machineTruth } from './truth.js';
import { renderCapture } from './vibration.js';

export interface DbExportOptions {
  /** First part of every asset's external_ref: `<prefix>.<machine id>`. Default `twin-s<seed>`. */
  prefix?: string;
  /** Readings per INSERT. */
  batchSize?: number;
  onMachine?: (done: number, total: number, machineId: string) => void;
  onRows?: (count: number) => void;
}

export type DbExportCounts = ImportCounts;

export class TwinConflictError extends Error {
  override name = 'TwinConflictError';
}

/**
 * `<prefix>.<machine id>` (sensors: `<asset ref>.<sensor>`): valid under the API's own pattern,
 * so a simulated asset can be patched with its own ref and addressed in MQTT topics
 * (`prognos/twin-s4.pump-01/vibration`). A prefix the pattern refuses is a RangeError.
 */
export function assetRef(fleet: FleetConfig, machineId: string, prefix = `twin-s${fleet.seed}`): string {
  if (!new RegExp(EXTERNAL_REF_PATTERN).test(prefix))
    throw new RangeError(
      `prefix must not contain / # or + (it names assets in MQTT topics), got "${prefix}"`,
    );
  return `${prefix}${REF_SEPARATOR}${machineId}`;
}

/** Between a fleet's prefix and its machine id, and between an asset's ref and its sensor. */
export const REF_SEPARATOR = '.';

export async function exportToDatabase(
  database: Database,
  fleet: FleetConfig,
  opts: DbExportOptions = {},
): Promise<DbExportCounts> {
  return withSqlSession(database, async (session) => {
    const writer = new BulkWriter(session, { batchSize: opts.batchSize ?? 10_000, onRows: opts.onRows });
    for (let i = 0; i < fleet.machines.length; i++) {
      const h = generateMachine(fleet, i);
      await writer.transaction(() => writeMachine(writer, session, h, opts.prefix));
      opts.onMachine?.(i + 1, fleet.machines.length, h.machine.id);
    }
    return { ...writer.counts };
  });
}

async function writeMachine(
  writer: BulkWriter,
  session: Parameters<typeof ensureTwinAsset>[0],
  h: MachineHistory,
  prefix: string | undefined,
): Promise<void> {
  const { fleet, machine: m } = h;
  const ref = assetRef(fleet, m.id, prefix);
  const fingerprint = machineFingerprint(fleet, h.index);
  const asset = await ensureTwinAsset(session, {
    externalRef: ref,
    machine: m,
    metadata: {
      source: 'prognos-twin',
      twin: { fingerprint, seed: fleet.seed, config: m, truth: machineTruth(h) },
    },
  });
  const stored = (asset.metadata.twin as { fingerprint?: string } | undefined)?.fingerprint;
  if (!asset.created && stored !== fingerprint) {
    throw new TwinConflictError(
      `asset ${ref} already holds ${stored ? 'another simulation' : 'data not from this simulator'}; ` +
        `export with another prefix`,
    );
  }
  if (asset.created) writer.counts.assets++;
  const sensors = await ensureTwinSensors(session, asset.id, sensorRows(h, ref));
  writer.counts.sensors += sensors.created.length;
  writer.series.stats.markFresh(sensors.created);
  const vib = sensors.ids.get(VIBRATION_SENSOR)!;
  const temp = sensors.ids.get(TEMPERATURE_SENSOR)!;

  const c = h.captures;
  for (let k = 0; k < c.ts.length; k++) {
    if (c.fault[k] === FAULT_CODE.dropout) continue;
    // A fresh array each: the writer keeps a batch of captures until it sends them.
    await writer.series.addCapture(vib, c.ts[k]! / 1000, fleet.sampleRateHz, renderCapture(h, k));
  }
  const r = h.readings;
  const secs: number[] = [];
  const values: number[] = [];
  for (let k = 0; k < r.ts.length; k++) {
    if (r.fault[k] === FAULT_CODE.dropout) continue;
    secs.push(r.ts[k]! / 1000);
    values.push(r.value[k]!);
  }
  await writer.series.addReadings(temp, secs, values);

  const mode = m.degradation.mode;
  if (h.failureMs !== null && mode !== 'none') {
    const code = ISO_14224[mode];
    await writer.series.settle();
    const stored = await addTwinFailure(session, {
      assetId: asset.id,
      component: code.component,
      failureMode: code.mode,
      failureMechanism: code.mechanism,
      description: `Simulated ${mode.replace('_', ' ')} failure (${m.degradation.law} growth)`,
      occurredAt: new Date(h.failureMs),
      dedupKey: `${ref}/failure`,
    });
    if (stored) writer.counts.events++;
    else writer.counts.duplicates++;
  }
}

function sensorRows(h: MachineHistory, ref: string): TwinSensorRow[] {
  const { vibration: v, thermal: t } = h.machine;
  return [
    {
      name: VIBRATION_SENSOR,
      kind: 'vibration',
      unit: 'g',
      axis: 'radial',
      location: 'drive-end bearing',
      sampleRateHz: h.fleet.sampleRateHz,
      rangeMin: -v.rangeG,
      rangeMax: v.rangeG,
      externalRef: `${ref}${REF_SEPARATOR}${VIBRATION_SENSOR}`,
    },
    {
      name: TEMPERATURE_SENSOR,
      kind: 'temperature',
      unit: '°C',
      axis: null,
      location: 'drive-end bearing housing',
      sampleRateHz: 1 / (h.fleet.readingEveryMin * 60),
      rangeMin: t.rangeMinC,
      rangeMax: t.rangeMaxC,
      externalRef: `${ref}${REF_SEPARATOR}${TEMPERATURE_SENSOR}`,
    },
  ];
}
