/**
 * The engineering mappings of the live-data clients (OPC UA's OPCUA_CONFIG, Sparkplug B's
 * SPARKPLUG_CONFIG) are a JSON file path or the JSON itself in one variable, mapping source
 * items to assets' sensors. Reading, refusing and resolving them reads alike for both: every
 * problem names the variable (and the file) and the field, a misspelt key is refused, since it
 * would silently fall back to a default, and every unknown asset or sensor is reported at once.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.js';
import type { Asset } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { AssetsService } from './assets.service.js';

/** Reads the setting's JSON text (inline, or from its file); `where` names it in messages. */
export function readJsonSetting(
  variable: string,
  source: { readonly inline: string } | { readonly file: string },
): { json: unknown; where: string } {
  let text: string;
  let where: string;
  if ('inline' in source) {
    text = source.inline;
    where = variable;
  } else {
    where = `${variable} (${source.file})`;
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (err) {
      throw new ConfigError([`${where}: cannot read the file: ${(err as Error).message}`]);
    }
  }
  try {
    return { json: JSON.parse(text) as unknown, where };
  } catch (err) {
    throw new ConfigError([`${where} is not valid JSON: ${(err as Error).message}`]);
  }
}

export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reports each key of `o` not in `allowed` as a problem of `${field}${key}`. */
export function unknownKeys(
  o: Record<string, unknown>,
  allowed: readonly string[],
  field: string,
  fail: (field: string, message: string) => void,
): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k)) fail(`${field}${k}`, `is not a known key (known: ${allowed.join(', ')})`);
}

/** A lookup the mapping got wrong (a 4xx: unknown, ambiguous) becomes a problem naming its field. */
export async function orProblem<T>(
  lookup: Promise<T>,
  where: string,
  problems: string[],
): Promise<T | undefined> {
  try {
    return await lookup;
  } catch (err) {
    if (!(err instanceof AppError && err.statusCode < 500)) throw err;
    problems.push(`${where}: ${err.message}`);
    return undefined;
  }
}

/** The sensor id of one mapping entry (`asset` by ref or name, `sensor` of it), or undefined
 * with its problems added (`variable field.asset` / `.sensor`). */
export async function mappedSensorId(
  assets: AssetsService,
  variable: string,
  entry: { asset: string; sensor: string; field: string },
  problems: string[],
): Promise<number | undefined> {
  const asset: Asset | undefined = await orProblem(
    assets.assetByRef(entry.asset),
    `${variable} ${entry.field}.asset`,
    problems,
  );
  const sensor =
    asset &&
    (await orProblem(
      assets.sensorOfAsset(asset, entry.asset, entry.sensor),
      `${variable} ${entry.field}.sensor`,
      problems,
    ));
  return sensor ? sensor.id : undefined;
}
