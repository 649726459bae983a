/**
 * NASA C-MAPSS → one `turbofan` asset per engine (`cmapss/FD001/train/unit-1`), its 3
 * operational settings and 21 sensors as scalar sensors, one reading per cycle. Cycles carry
 * no time: cycle k is placed at base date + k hours (`metadata.time_axis`). `RUL_FDxxx.txt`
 * files add the true RUL after the last cycle to the matching test engines' metadata.
 *
 * Sensor names, units and kinds follow Saxena et al., PHM 2008, Table 2 (NASA's readme names
 * no units); the settings are altitude, Mach number and throttle resolver angle (TRA).
 */
import { basename } from 'node:path';
import {
  CmapssFormatError,
  cmapssUnits,
  parseCmapss,
  parseCmapssRul,
  type CmapssRow,
} from '../formats/cmapss.js';
import { FormatError } from '../formats/format-error.js';
import type { SensorSpec } from '../assets.repository.js';
import { expandFiles, readText, stem } from './input-files.js';
import { checkTimeAxis, HOUR_S, isoDate, type TimeAxis } from './time-axis.js';
import { ImportInputError, type FormatImporter, type ImportContext, type ImportOptions } from './types.js';

type Spec = [name: string, kind: SensorSpec['kind'], unit: string, description: string];

const CMAPSS_SETTING_SPECS: readonly Spec[] = [
  ['setting_1', 'other', 'kft', 'altitude'],
  ['setting_2', 'other', 'Mach', 'Mach number'],
  ['setting_3', 'other', '-', 'throttle resolver angle (TRA)'],
];

const CMAPSS_SENSOR_SPECS: readonly Spec[] = [
  ['T2', 'temperature', '°R', 'total temperature at fan inlet'],
  ['T24', 'temperature', '°R', 'total temperature at LPC outlet'],
  ['T30', 'temperature', '°R', 'total temperature at HPC outlet'],
  ['T50', 'temperature', '°R', 'total temperature at LPT outlet'],
  ['P2', 'pressure', 'psia', 'pressure at fan inlet'],
  ['P15', 'pressure', 'psia', 'total pressure in bypass duct'],
  ['P30', 'pressure', 'psia', 'total pressure at HPC outlet'],
  ['Nf', 'speed', 'rpm', 'physical fan speed'],
  ['Nc', 'speed', 'rpm', 'physical core speed'],
  ['epr', 'other', '-', 'engine pressure ratio (P50/P2)'],
  ['Ps30', 'pressure', 'psia', 'static pressure at HPC outlet'],
  ['phi', 'other', 'pps/psi', 'ratio of fuel flow to Ps30'],
  ['NRf', 'speed', 'rpm', 'corrected fan speed'],
  ['NRc', 'speed', 'rpm', 'corrected core speed'],
  ['BPR', 'other', '-', 'bypass ratio'],
  ['farB', 'other', '-', 'burner fuel-air ratio'],
  ['htBleed', 'other', '-', 'bleed enthalpy'],
  ['Nf_dmd', 'speed', 'rpm', 'demanded fan speed'],
  ['PCNfR_dmd', 'speed', 'rpm', 'demanded corrected fan speed'],
  ['W31', 'flow', 'lbm/s', 'HPT coolant bleed'],
  ['W32', 'flow', 'lbm/s', 'LPT coolant bleed'],
];

// Sensor names are the dataset's column names (setting_1..3, sensor_1..21) so that models and
// papers map one to one; the mnemonic is the sensor's external_ref, its meaning the location.
const SENSORS: SensorSpec[] = [
  ...CMAPSS_SETTING_SPECS.map(([name, kind, unit, description]) => ({
    name,
    kind,
    unit,
    location: description,
  })),
  ...CMAPSS_SENSOR_SPECS.map(([mnemonic, kind, unit, description], i) => ({
    name: `sensor_${i + 1}`,
    kind,
    unit,
    location: description,
    externalRef: mnemonic,
  })),
];

/**
 * The sensor names an imported engine has, in the order the RUL trainer reads an asset's scalar
 * sensors (settings first): the input identity of a RUL model trained on C-MAPSS files.
 */
export const CMAPSS_SENSOR_NAMES: readonly string[] = SENSORS.map((s) => s.name);

interface FileNaming {
  subset: string;
  split: string;
}

/** `train_FD001.txt` → FD001/train; any other name → <name>/data. */
function naming(path: string): FileNaming {
  const m = /^(train|test|rul)_(FD\d{3})/i.exec(basename(path));
  if (!m) return { subset: stem(path), split: 'data' };
  return { subset: m[2]!.toUpperCase(), split: m[1]!.toLowerCase() };
}

const isRulFile = (path: string) => /^rul_/i.test(basename(path));

function withFile<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof CmapssFormatError) {
      throw new FormatError(err.message.replace(/^line \d+(, column \d+)?: /, ''), {
        file: path,
        line: err.line,
        ...(err.column === undefined ? {} : { column: err.column }),
      });
    }
    throw err;
  }
}

export const cmapssImporter: FormatImporter = {
  format: 'cmapss',
  async plan(paths, options) {
    const files = await expandFiles(paths, (n) => /^(train|test|rul)_.*\.txt$/i.test(n));
    // Data before RUL files: a RUL file annotates the test engines the data files create.
    const ordered = [...files.filter((f) => !isRulFile(f)), ...files.filter(isRulFile)];
    return ordered.map((path) => ({
      path,
      async load() {
        const text = await readText(path);
        if (isRulFile(path)) {
          const rul = withFile(path, () => parseCmapssRul(text));
          return (ctx) => writeRul(path, rul, ctx);
        }
        const rows = withFile(path, () => parseCmapss(text));
        return (ctx) => writeEngines(path, rows, ctx, options);
      },
    }));
  },
};

function engineRef(options: ImportOptions, naming: FileNaming, unit: number): string {
  return `${options.assetPrefix ?? 'cmapss'}/${naming.subset}/${naming.split}/unit-${unit}`;
}

async function writeEngines(path: string, rows: CmapssRow[], ctx: ImportContext, options: ImportOptions) {
  const { writer } = ctx;
  const names = naming(path);
  const byUnit = new Map<number, CmapssRow[]>(cmapssUnits(rows).map((u) => [u, []]));
  for (const row of rows) byUnit.get(row.unit)!.push(row);
  const timeAxis: TimeAxis = {
    base: isoDate(options.baseEpochSec),
    mapping: 'ts = base date + cycle hours',
    seconds_per_cycle: HOUR_S,
  };
  for (const [unit, engineRows] of byUnit) {
    checkCycles(path, unit, engineRows);
    const externalRef = engineRef(options, names, unit);
    const asset = await writer.ensureAsset({
      externalRef,
      name: `C-MAPSS ${names.subset} ${names.split} engine ${unit}`,
      type: 'turbofan',
      site: options.site,
      metadata: {
        dataset: 'NASA C-MAPSS',
        subset: names.subset,
        split: names.split,
        unit,
        source_file: basename(path),
        first_cycle: engineRows[0]!.cycle,
        last_cycle: engineRows.at(-1)!.cycle,
        run_to_failure: names.split === 'train',
        time_axis: timeAxis,
      },
    });
    if (!asset.created) checkTimeAxis(externalRef, asset.metadata, timeAxis);
    const sensorIds = await writer.ensureSensors(asset.id, SENSORS);
    const ts = engineRows.map((r) => options.baseEpochSec + r.cycle * HOUR_S);
    for (let s = 0; s < SENSORS.length; s++) {
      const values = engineRows.map((r) => (s < 3 ? r.settings[s]! : r.sensors[s - 3]!));
      await writer.series.addReadings(sensorIds.get(SENSORS[s]!.name)!, ts, values);
    }
  }
}

function checkCycles(path: string, unit: number, rows: CmapssRow[]): void {
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]!.cycle <= rows[i - 1]!.cycle) {
      throw new FormatError(
        `unit ${unit}: cycle ${rows[i]!.cycle} follows cycle ${rows[i - 1]!.cycle}; cycles must increase`,
        { file: path },
      );
    }
  }
}

/** Line i of RUL_FDxxx.txt is the true RUL of test engine i (after its last cycle). */
async function writeRul(path: string, rul: number[], ctx: ImportContext): Promise<void> {
  const names = naming(path);
  if (names.split !== 'rul') {
    throw new ImportInputError('a RUL file must be named RUL_FDxxx..., the name of its test set');
  }
  const test = { subset: names.subset, split: 'test' };
  for (let i = 0; i < rul.length; i++) {
    const externalRef = engineRef(ctx.options, test, i + 1);
    const asset = await ctx.writer.ensureAsset({
      externalRef,
      name: `C-MAPSS ${test.subset} test engine ${i + 1}`,
      type: 'turbofan',
      site: ctx.options.site,
      metadata: { dataset: 'NASA C-MAPSS', subset: test.subset, split: 'test', unit: i + 1 },
    });
    await ctx.writer.mergeAssetMetadata(asset.id, { true_rul_after_last_cycle: rul[i]! });
  }
}
