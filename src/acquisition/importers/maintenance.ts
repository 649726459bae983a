/**
 * CMMS-style maintenance records shaped like the Azure PdM tables → `maintenance_events`:
 * `datetime,machineID,comp` (replacement), `datetime,machineID,failure` (failure, the failed
 * component in `component`), `datetime,machineID,errorID` (error, the error code in
 * `failure_mode`). machineID n is the asset `azure/machine-<n>` (type `machine`), created when
 * missing. A `machineID,model,age` file (PdM_machines.csv) adds model and age to the assets'
 * metadata. Each event's dedup_key is asset, kind, time and component/code, so a record imported
 * twice is stored once.
 */
import { readFile } from 'node:fs/promises';
import { decodeText } from '../formats/csv.js';
import {
  parseMachinesCsv,
  parseMaintenanceCsv,
  type MachineRecord,
  type MaintenanceEvent,
} from '../formats/maintenance-csv.js';
import type { EventSpec } from '../maintenance-events.repository.js';
import { expandFiles } from './input-files.js';
import type { FormatImporter, ImportContext } from './types.js';

export const maintenanceImporter: FormatImporter = {
  format: 'maintenance',
  async plan(paths) {
    const files = await expandFiles(paths, (n) => n.toLowerCase().endsWith('.csv'));
    // Asset ids of this import, by machineID; valid because a failed file aborts the import.
    const assets = new Map<string, number>();
    return files.map((path) => ({
      path,
      async load() {
        const bytes = await readFile(path);
        if (isMachinesFile(decodeText(bytes, path))) {
          const machines = parseMachinesCsv(bytes, path);
          return (ctx) => writeMachines(machines, ctx, assets);
        }
        const events = parseMaintenanceCsv(bytes, path);
        return (ctx) => writeEvents(events, ctx, assets);
      },
    }));
  },
};

function isMachinesFile(text: string): boolean {
  const header = new Set(
    (text.split(/\r?\n|\r/, 1)[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase()),
  );
  return header.has('model') && header.has('age');
}

async function assetId(machineId: string, ctx: ImportContext, cache: Map<string, number>): Promise<number> {
  const cached = cache.get(machineId);
  if (cached !== undefined) return cached;
  const asset = await ctx.writer.ensureAsset({
    externalRef: `${ctx.options.assetPrefix ?? 'azure'}/machine-${machineId}`,
    name: `Machine ${machineId}`,
    type: 'machine',
    site: ctx.options.site,
    metadata: { machine_id: machineId },
  });
  cache.set(machineId, asset.id);
  return asset.id;
}

async function writeMachines(machines: MachineRecord[], ctx: ImportContext, cache: Map<string, number>) {
  for (const m of machines) {
    const id = await assetId(m.assetRef, ctx, cache);
    await ctx.writer.mergeAssetMetadata(id, { model: m.model, age_years: m.ageYears });
  }
}

async function writeEvents(records: MaintenanceEvent[], ctx: ImportContext, cache: Map<string, number>) {
  const events: EventSpec[] = [];
  for (const r of records) {
    const id = await assetId(r.assetRef, ctx, cache);
    const detail = r.component ?? r.code ?? '';
    events.push({
      assetId: id,
      kind: r.kind,
      component: r.component,
      failureMode: r.kind === 'error' ? r.code : null,
      description: null,
      occurredAt: r.at,
      dedupKey: `${ctx.options.assetPrefix ?? 'azure'}/machine-${r.assetRef}/${r.kind}/${r.at.toISOString()}/${detail}`,
    });
  }
  await ctx.writer.addEvents(events);
}
