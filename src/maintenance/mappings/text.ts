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

/** Codes and identifiers are cut, never given an ellipsis: they must stay valid codes. */
export function cut(code: string, max: number): string {
  return code.trim().slice(0, max);
}
