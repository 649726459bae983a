/**
 * ISO 20816-3 evaluation zones for broadband velocity RMS (mm/s, 10–1000 Hz).
 * Group 1: large machines, 300 kW–50 MW (or shaft height ≥ 315 mm);
 * group 2: medium machines, 15–300 kW (shaft height 160–315 mm).
 * A: newly commissioned; B: unrestricted long-term operation; C: restricted operation;
 * D: severe enough to cause damage. A value equal to a boundary stays in the lower zone: the
 * standard's boundaries are limits that are "exceeded".
 */
export type MachineGroup = 1 | 2;
export type Foundation = 'rigid' | 'flexible';
export type IsoZone = 'A' | 'B' | 'C' | 'D';

/** Zone boundaries A/B, B/C, C/D in mm/s. */
export function zoneBoundaries(
  group: MachineGroup,
  foundation: Foundation,
): readonly [number, number, number] {
  if (group === 1) return foundation === 'rigid' ? [2.3, 4.5, 7.1] : [3.5, 7.1, 11.0];
  if (group === 2) return foundation === 'rigid' ? [1.4, 2.8, 4.5] : [2.3, 4.5, 7.1];
  throw new RangeError(`machine group must be 1 or 2, got ${String(group)}`);
}

export function isoZone(velocityRmsMmS: number, group: MachineGroup, foundation: Foundation): IsoZone {
  if (!(velocityRmsMmS >= 0))
    throw new RangeError(`velocity RMS must be a number ≥ 0, got ${velocityRmsMmS}`);
  if (foundation !== 'rigid' && foundation !== 'flexible') {
    throw new RangeError(`foundation must be "rigid" or "flexible", got ${String(foundation)}`);
  }
  const [ab, bc, cd] = zoneBoundaries(group, foundation);
  if (velocityRmsMmS <= ab) return 'A';
  if (velocityRmsMmS <= bc) return 'B';
  if (velocityRmsMmS <= cd) return 'C';
  return 'D';
}
