// The one module of src/acquisition/formats that touches the file system: thin readers that
// hand file contents to the pure parsers beside it, one file at a time, so that a 515-file
// FEMTO folder is never held in memory as a whole.
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { parseAi4iCsv, type Ai4iRow } from './ai4i.js';
import { parseCwruMat, type CwruRecord } from './cwru.js';
import {
  listFemtoBearingFiles,
  parseFemtoAccCsv,
  parseFemtoTempCsv,
  type FemtoAccSnapshot,
  type FemtoBearingFiles,
  type FemtoFileRef,
  type FemtoRowIssue,
  type FemtoTempSeries,
} from './femto.js';
import {
  parseMachinesCsv,
  parseMaintenanceCsv,
  type MachineRecord,
  type MaintenanceEvent,
} from './maintenance-csv.js';
import { parseMat5, type Mat5File } from './mat5.js';

/** zlib inflate for miCOMPRESSED MAT elements (MATLAB -v7 files). */
export const zlibDecompress = (data: Uint8Array): Uint8Array => inflateSync(data);

export async function readMat5File(path: string): Promise<Mat5File> {
  return parseMat5(await readFile(path), { file: path, decompress: zlibDecompress });
}

export async function readCwruFile(path: string): Promise<CwruRecord> {
  // Errors name the full path; the CWRU conventions only look at the base name.
  return parseCwruMat(basename(path), await readFile(path), { decompress: zlibDecompress, file: path });
}

export async function listFemtoBearingDir(dir: string): Promise<FemtoBearingFiles> {
  return listFemtoBearingFiles(await readdir(dir));
}

/** `issues`: tolerant read, see parseFemtoAccCsv. */
export async function readFemtoAccFile(path: string, issues?: FemtoRowIssue[]): Promise<FemtoAccSnapshot> {
  return parseFemtoAccCsv(await readFile(path), path, issues);
}

export async function readFemtoTempFile(path: string): Promise<FemtoTempSeries> {
  return parseFemtoTempCsv(await readFile(path), path);
}

/** Yields a bearing folder's vibration snapshots in index order, reading one file at a time. */
export async function* readFemtoAccSnapshots(
  dir: string,
): AsyncGenerator<{ ref: FemtoFileRef; snapshot: FemtoAccSnapshot }> {
  const { acc } = await listFemtoBearingDir(dir);
  for (const ref of acc) yield { ref, snapshot: await readFemtoAccFile(join(dir, ref.name)) };
}

/** Yields a bearing folder's temperature files in index order, reading one file at a time. */
export async function* readFemtoTempFiles(
  dir: string,
): AsyncGenerator<{ ref: FemtoFileRef; series: FemtoTempSeries }> {
  const { temp } = await listFemtoBearingDir(dir);
  for (const ref of temp) yield { ref, series: await readFemtoTempFile(join(dir, ref.name)) };
}

export async function readAi4iFile(path: string): Promise<Ai4iRow[]> {
  return parseAi4iCsv(await readFile(path), path);
}

export async function readMaintenanceFile(path: string): Promise<MaintenanceEvent[]> {
  return parseMaintenanceCsv(await readFile(path), path);
}

export async function readMachinesFile(path: string): Promise<MachineRecord[]> {
  return parseMachinesCsv(await readFile(path), path);
}
