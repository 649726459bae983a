import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { FormatError } from '../acquisition/formats/format-error.js';
import { loadConfig } from '../config.js';
import { openDatabase, type Database } from '../db/database.js';
import { migrate } from '../db/migrator.js';
import { AppError } from '../errors.js';
import type { CmmsSettingsPatch } from '../maintenance/cmms/cmms-settings.js';
import {
  parseSettingValue,
  parseSettingsCsv,
  patchProblem,
} from '../maintenance/cmms/cmms-settings-input.js';
import { CmmsSettingsService } from '../maintenance/cmms/cmms-settings.service.js';
import { parseFlags, UsageError, type Command } from './command.js';

const USAGE = `prognos cmms show (--asset ID | --site NAME)
       prognos cmms set (--asset ID | --site NAME) --cmms maximo|sap|maintainx --set SETTING=VALUE [--set ...]
       prognos cmms import FILE.csv   (columns scope,key,cmms,setting,value; scope asset|asset-id|site)`;

/**
 * `prognos cmms`: the per-asset CMMS identifiers and per-site defaults of PATCH /v1/assets/:id/cmms
 * and /v1/sites/:site/cmms, from a shell or a CSV. JSON on stdout, problems on stderr (exit 1);
 * an import stores every row or none.
 */
export const cmmsCommand: Command = {
  name: 'cmms',
  summary: 'Show, set and bulk-import CMMS identifiers of assets and site defaults',
  usage: USAGE,
  run: (args) => runCmmsCommand(args, { stdout: process.stdout, stderr: process.stderr }),
};

export async function runCmmsCommand(
  args: string[],
  io: { stdout: Writable; stderr: Writable },
  /** The environment; the process's when omitted (loadConfig's default). */
  env?: Record<string, string | undefined>,
): Promise<number> {
  const parsed = parseFlags({
    args,
    allowPositionals: true,
    options: {
      asset: { type: 'string' },
      site: { type: 'string' },
      cmms: { type: 'string' },
      set: { type: 'string', multiple: true },
    },
  });
  const [action, file, ...extra] = parsed.positionals;
  const { asset, site, cmms, set } = parsed.values;
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  if (action !== 'show' && action !== 'set' && action !== 'import')
    throw new UsageError('action must be show, set or import');
  let assetId: number | undefined;
  let patch: CmmsSettingsPatch | undefined;
  if (action === 'import') {
    if (!file) throw new UsageError('import needs a CSV file');
  } else {
    if ((asset === undefined) === (site === undefined))
      throw new UsageError('give exactly one of --asset and --site');
    if (asset !== undefined) {
      if (!/^[1-9]\d{0,15}$/.test(asset)) throw new UsageError('--asset must be a positive integer id');
      assetId = Number(asset);
    }
    if (site !== undefined && (site === '' || site.length > 200))
      throw new UsageError('--site must be 1 to 200 characters');
  }
  if (action === 'set') {
    if (!cmms) throw new UsageError('set needs --cmms');
    if (!set || set.length === 0) throw new UsageError('set needs at least one --set SETTING=VALUE');
    const doc: Record<string, unknown> = {};
    for (const pair of set) {
      const eq = pair.indexOf('=');
      if (eq < 1) throw new UsageError(`--set must be SETTING=VALUE, got "${pair}"`);
      try {
        doc[pair.slice(0, eq)] = parseSettingValue(cmms, pair.slice(0, eq), pair.slice(eq + 1));
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    }
    patch = { [cmms]: doc };
    const problem = patchProblem(patch);
    if (problem) throw new UsageError(problem);
  }

  const config = loadConfig(env);
  let database: Database | undefined;
  try {
    const targets = action === 'import' ? parseSettingsCsv(await readFile(file!), file) : undefined;
    database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
    await migrate(database.db);
    const service = new CmmsSettingsService(database.db, config.cmms);
    let out: unknown;
    if (targets) out = await service.importPatches(targets);
    else if (patch)
      out = assetId ? await service.patchAsset(assetId, patch) : await service.patchSite(site!, patch);
    else out = assetId ? await service.getAsset(assetId) : await service.getSite(site!);
    io.stdout.write(`${JSON.stringify(out)}\n`);
    return 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      io.stderr.write(`prognos cmms: no such file ${file}\n`);
      return 1;
    }
    if (err instanceof FormatError || err instanceof AppError) {
      io.stderr.write(`prognos cmms: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await database?.close();
  }
}
