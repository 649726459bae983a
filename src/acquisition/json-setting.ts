/**
 * The engineering mappings of the live-data clients (OPC UA's OPCUA_CONFIG, Sparkplug B's
 * SPARKPLUG_CONFIG) are a JSON file path or the JSON itself in one variable. Reading and
 * refusing them reads alike for both: every problem names the variable (and the file) and the
 * field, and a misspelt key is refused, since it would silently fall back to a default.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.js';

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
