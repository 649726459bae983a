/**
 * Writes a simulated fleet to a folder:
 *   fleet.json                      the fleet config (regenerates everything) and the summary
 *   <machine>/captures/<k>.f32      each delivered capture, raw little-endian float32 in g
 *   <machine>/readings.csv          ts (ISO 8601), temperature_c — as measured, faults included
 *   <machine>/truth.json            ground truth per capture step, reading faults, failure
 * Files are rewritten whole, so exporting again gives the same bytes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { float32Le } from '../acquisition/importers/series-writer.js';
import { FAULT_CODE, type FleetConfig } from './config.js';
import { generateMachine, type MachineHistory } from './history.js';
import { machineTruth, summarize, type FleetSummary } from './truth.js';
import { renderCapture } from './vibration.js';

export interface FileExportOptions {
  onMachine?: (done: number, total: number, machineId: string) => void;
  onCapture?: () => void;
}

function captureFileName(k: number): string {
  return `${String(k).padStart(6, '0')}.f32`;
}

export async function exportToFiles(
  fleet: FleetConfig,
  dir: string,
  opts: FileExportOptions = {},
): Promise<FleetSummary & { files: number }> {
  await mkdir(dir, { recursive: true });
  const histories: MachineHistory[] = [];
  let files = 0;
  for (let i = 0; i < fleet.machines.length; i++) {
    const h = generateMachine(fleet, i);
    histories.push(h);
    files += await writeMachine(h, path.join(dir, h.machine.id), opts);
    opts.onMachine?.(i + 1, fleet.machines.length, h.machine.id);
  }
  const summary = summarize(histories);
  await writeFile(path.join(dir, 'fleet.json'), `${JSON.stringify({ fleet, summary }, null, 2)}\n`);
  return { ...summary, files: files + 1 };
}

async function writeMachine(h: MachineHistory, dir: string, opts: FileExportOptions): Promise<number> {
  const captures = path.join(dir, 'captures');
  await mkdir(captures, { recursive: true });
  const buf = new Float32Array(h.samplesPerCapture);
  const c = h.captures;
  const files: Array<string | null> = [];
  for (let k = 0; k < c.ts.length; k++) {
    if (c.fault[k] === FAULT_CODE.dropout) {
      files.push(null);
      continue;
    }
    const name = captureFileName(k);
    // Awaited before the buffer is reused.
    await writeFile(path.join(captures, name), float32Le(renderCapture(h, k, buf)));
    files.push(`captures/${name}`);
    opts.onCapture?.();
  }
  await writeFile(path.join(dir, 'readings.csv'), readingsCsv(h));
  const truth = {
    machine: h.machine,
    sampleRateHz: h.fleet.sampleRateHz,
    samplesPerCapture: h.samplesPerCapture,
    captureFiles: files,
    ...machineTruth(h),
  };
  await writeFile(path.join(dir, 'truth.json'), `${JSON.stringify(truth)}\n`);
  return files.filter((f) => f !== null).length + 2;
}

function readingsCsv(h: MachineHistory): string {
  const r = h.readings;
  const lines = ['ts,temperature_c'];
  for (let k = 0; k < r.ts.length; k++) {
    if (r.fault[k] === FAULT_CODE.dropout) continue;
    lines.push(`${new Date(r.ts[k]!).toISOString()},${r.value[k]!.toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}
