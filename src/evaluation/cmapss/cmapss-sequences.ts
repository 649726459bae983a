/**
 * C-MAPSS rows as the RUL model's input: one `AssetSequence` per engine (unit number as key, in
 * order of first appearance), a step per cycle, the three operational settings as conditions and
 * the 21 sensors as values. File order is kept within an engine (the model sorts by cycle).
 */
import type { CmapssRow } from '../../acquisition/formats/cmapss.js';
import type { AssetSequence, SequenceStep } from '../../prognostics/rul/sequences.js';

export function cmapssSequences(rows: readonly CmapssRow[]): AssetSequence[] {
  const byUnit = new Map<number, SequenceStep[]>();
  for (const row of rows) {
    const step = { t: row.cycle, conditions: row.settings, values: row.sensors };
    const steps = byUnit.get(row.unit);
    if (steps) steps.push(step);
    else byUnit.set(row.unit, [step]);
  }
  return [...byUnit].map(([key, steps]) => ({ key, steps }));
}
