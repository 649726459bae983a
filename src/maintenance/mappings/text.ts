/** Text and date helpers shared by the CMMS mappings. Pure. */

/** Whitespace collapsed, cut at `max` characters with an ellipsis (counted in `max`). */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** The recommended action ("a; b; c") as checklist steps. */
export function actionSteps(action: string): string[] {
  return action
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** ISO 8601 without milliseconds and with an explicit UTC offset, as Maximo's REST API writes. */
export function isoSecondsUtc(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19)}+00:00`;
}

/** Long text kept as written (line breaks included), cut at `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  const t = text.trim();
  return t.length <= max ? t : `${t.slice(0, max - 1).trimEnd()}…`;
}

/** An external_ref usable as an upper-case CMMS code of at most `max` characters, else null. */
export function codeFromRef(ref: string | null, max: number): string | null {
  if (ref === null) return null;
  const code = ref.trim().toUpperCase();
  return code.length >= 1 && code.length <= max && /^[A-Z0-9][A-Z0-9_./#&-]*$/.test(code) ? code : null;
}
