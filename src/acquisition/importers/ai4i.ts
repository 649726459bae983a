/**
 * UCI AI4I 2020 → a single `milling_machine` asset (`ai4i/milling-machine`). The rows are one
 * machine's consecutive process steps (tool wear accumulates across products of every type and
 * resets at tool changes), so one asset keeps that history whole; the product type and id of a
 * step only appear on its failure event. UDI k is placed at base date + k minutes.
 *
 * Readings: air and process temperature [K], rotational speed [rpm], torque [Nm], tool wear
 * [min]. A row with `Machine failure` = 1 becomes a `failure` event whose failure_mode lists the
 * mode flags set (TWF, HDF, PWF, OSF, RNF; null for the dataset's few failures without one).
 * Mode flags on rows without `Machine failure` (the documented quirk) are not failures.
 */
import { readAi4iFile } from '../formats/files.js';
import type { Ai4iRow } from '../formats/ai4i.js';
import type { SensorSpec } from '../assets.repository.js';
import type { EventSpec } from '../maintenance-events.repository.js';
import { expandFiles } from './input-files.js';
import { checkTimeAxis, isoDate, MINUTE_S, type TimeAxis } from './time-axis.js';
import type { FormatImporter, ImportContext } from './types.js';

const SENSORS: (SensorSpec & { value: (r: Ai4iRow) => number })[] = [
  { name: 'air_temperature', kind: 'temperature', unit: 'K', value: (r) => r.airTemperatureK },
  { name: 'process_temperature', kind: 'temperature', unit: 'K', value: (r) => r.processTemperatureK },
  { name: 'rotational_speed', kind: 'speed', unit: 'rpm', value: (r) => r.rotationalSpeedRpm },
  { name: 'torque', kind: 'other', unit: 'Nm', value: (r) => r.torqueNm },
  { name: 'tool_wear', kind: 'other', unit: 'min', value: (r) => r.toolWearMin },
];

const MODES = [
  ['TWF', 'twf'],
  ['HDF', 'hdf'],
  ['PWF', 'pwf'],
  ['OSF', 'osf'],
  ['RNF', 'rnf'],
] as const;

export const ai4iImporter: FormatImporter = {
  format: 'ai4i',
  async plan(paths) {
    const files = await expandFiles(paths, (n) => n.toLowerCase().endsWith('.csv'));
    return files.map((path) => ({
      path,
      async load() {
        const rows = await readAi4iFile(path);
        return (ctx) => writeRows(rows, ctx);
      },
    }));
  },
};

async function writeRows(rows: Ai4iRow[], ctx: ImportContext): Promise<void> {
  const { options, writer } = ctx;
  const externalRef = `${options.assetPrefix ?? 'ai4i'}/milling-machine`;
  const timeAxis: TimeAxis = {
    base: isoDate(options.baseEpochSec),
    mapping: 'ts = base date + UDI minutes',
    seconds_per_step: MINUTE_S,
  };
  const asset = await writer.ensureAsset({
    externalRef,
    name: 'AI4I 2020 milling machine',
    type: 'milling_machine',
    site: options.site,
    metadata: { dataset: 'UCI AI4I 2020 predictive maintenance', time_axis: timeAxis },
  });
  if (!asset.created) checkTimeAxis(externalRef, asset.metadata, timeAxis);
  const ids = await writer.ensureSensors(asset.id, SENSORS);
  const ts = rows.map((r) => options.baseEpochSec + r.udi * MINUTE_S);
  for (const sensor of SENSORS) {
    await writer.series.addReadings(ids.get(sensor.name)!, ts, rows.map(sensor.value));
  }
  const events: EventSpec[] = rows
    .filter((r) => r.machineFailure)
    .map((r) => {
      const modes = MODES.filter(([, key]) => r[key]).map(([code]) => code);
      return {
        assetId: asset.id,
        kind: 'failure',
        component: null,
        failureMode: modes.length > 0 ? modes.join(',') : null,
        description: `UDI ${r.udi}, product ${r.productId ?? '?'} (type ${r.type})`,
        occurredAt: new Date((options.baseEpochSec + r.udi * MINUTE_S) * 1000),
        dedupKey: `${externalRef}/udi-${r.udi}/failure`,
      };
    });
  await writer.addEvents(events);
}
