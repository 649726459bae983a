/**
 * CMMS settings from text: `setting=value` pairs (CLI) and a CSV of many assets and sites (bulk
 * import). Values are typed by the setting's schema: numbers for integer settings, JSON for
 * lists and maps, an empty value clears the setting. Every row is checked against the API's
 * schema before anything is written; the first problem names the line and setting.
 */
import { Value } from '@sinclair/typebox/value';
import { numberedLines, splitFields, type TextInput } from '../../acquisition/formats/csv.js';
import { FormatError } from '../../acquisition/formats/format-error.js';
import {
  CMMS_NAMES,
  CMMS_PATCHES,
  MaintainxSettings,
  MaximoSettings,
  SapSettings,
  type CmmsName,
} from './cmms-settings.js';

const SCHEMAS = { maximo: MaximoSettings, sap: SapSettings, maintainx: MaintainxSettings };

type SettingsTarget =
  { kind: 'asset-id'; id: number } | { kind: 'asset'; ref: string } | { kind: 'site'; site: string };

export interface TargetPatch {
  target: SettingsTarget;
  patch: Partial<Record<CmmsName, Record<string, unknown>>>;
}

/** One setting's value from its text form; throws Error naming the setting. */
export function parseSettingValue(cmms: string, setting: string, raw: string): unknown {
  if (!(CMMS_NAMES as readonly string[]).includes(cmms))
    throw new Error(`unknown CMMS "${cmms}" (one of ${CMMS_NAMES.join(', ')})`);
  const props = SCHEMAS[cmms as CmmsName].properties as Record<string, { type?: string }>;
  const schema = props[setting];
  if (!schema)
    throw new Error(`unknown setting ${cmms}.${setting} (one of ${Object.keys(props).join(', ')})`);
  const text = raw.trim();
  if (text === '') return null;
  if (schema.type === 'integer') {
    if (!/^\d+$/.test(text)) throw new Error(`${cmms}.${setting} must be an integer, got "${text}"`);
    return Number(text);
  }
  if (schema.type === 'array' || schema.type === 'object') {
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`${cmms}.${setting} must be JSON, got ${text.slice(0, 80)}`);
    }
  }
  return text;
}

/** The first schema error of a patch as "cmms.setting: message", or undefined when it is valid.
 * Each CMMS is checked against its own schema: a union's error would not name the setting. */
export function patchProblem(patch: Partial<Record<string, unknown>>): string | undefined {
  for (const [cmms, doc] of Object.entries(patch)) {
    if (!(CMMS_NAMES as readonly string[]).includes(cmms)) return `unknown CMMS "${cmms}"`;
    if (doc === null) continue;
    const first = Value.Errors(CMMS_PATCHES[cmms as CmmsName], doc).First();
    if (first) return `${cmms}${first.path.replace(/\//g, '.')}: ${first.message}`;
  }
  return undefined;
}

const HEADER = ['scope', 'key', 'cmms', 'setting', 'value'];

/**
 * `scope,key,cmms,setting,value` rows: scope `asset` (key = external_ref), `asset-id` (key = id)
 * or `site` (key = site name). Rows of one target are merged into one patch.
 */
export function parseSettingsCsv(input: TextInput, file?: string): TargetPatch[] {
  const lines = numberedLines(input, file);
  const [head, ...rows] = lines;
  const header = head
    ? splitFields(head.text, ',', { file, line: head.line }).map((h) => h.toLowerCase())
    : [];
  if (header.join(',') !== HEADER.join(','))
    throw new FormatError(`the header must be ${HEADER.join(',')}`, { file, line: head?.line ?? 1 });
  const byTarget = new Map<string, TargetPatch>();
  for (const { line, text } of rows) {
    const loc = { file, line };
    const fields = splitFields(text, ',', loc);
    if (fields.length !== HEADER.length)
      throw new FormatError(`expected ${HEADER.length} fields, got ${fields.length}`, loc);
    const [scope, key, cmms, setting, raw] = fields as [string, string, string, string, string];
    let target: SettingsTarget;
    if (scope === 'asset-id') {
      if (!/^[1-9]\d{0,15}$/.test(key))
        throw new FormatError(`asset id must be a positive integer, got "${key}"`, { ...loc, field: 'key' });
      target = { kind: 'asset-id', id: Number(key) };
    } else if (scope === 'asset' || scope === 'site') {
      if (key === '' || key.length > 200)
        throw new FormatError('key must be 1 to 200 characters', { ...loc, field: 'key' });
      target = scope === 'asset' ? { kind: 'asset', ref: key } : { kind: 'site', site: key };
    } else
      throw new FormatError(`scope must be asset, asset-id or site, got "${scope}"`, {
        ...loc,
        field: 'scope',
      });
    let value: unknown;
    try {
      value = parseSettingValue(cmms, setting, raw);
    } catch (err) {
      throw new FormatError((err as Error).message, { ...loc, field: setting });
    }
    const id = `${scope}\u0000${key}`;
    const entry = byTarget.get(id) ?? { target, patch: {} };
    const doc = (entry.patch[cmms as CmmsName] ??= {});
    if (setting in doc) throw new FormatError(`${cmms}.${setting} is given twice for ${scope} ${key}`, loc);
    doc[setting] = value;
    const problem = patchProblem(entry.patch);
    if (problem) throw new FormatError(problem, { ...loc, field: setting });
    byTarget.set(id, entry);
  }
  if (byTarget.size === 0) throw new FormatError('no settings rows', { file });
  return [...byTarget.values()];
}
