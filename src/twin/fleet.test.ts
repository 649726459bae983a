import { describe, expect, it } from 'vitest';
import { zoneBoundaries } from '../state/iso20816.js';
import { createFleet, validateFleet } from './fleet.js';

describe('createFleet', () => {
  const fleet = createFleet({ machines: 30, days: 60, seed: 4 });

  it('mixes machine types, sites and failure modes, some healthy', () => {
    expect(new Set(fleet.machines.map((m) => m.type))).toEqual(new Set(['pump', 'motor', 'fan']));
    expect(new Set(fleet.machines.map((m) => m.site)).size).toBe(3);
    const modes = new Set(fleet.machines.map((m) => m.degradation.mode));
    expect(modes.has('none')).toBe(true);
    expect(modes.size).toBeGreaterThanOrEqual(4);
    expect(new Set(fleet.machines.map((m) => m.id)).size).toBe(30);
  });

  it('starts every machine in ISO 20816 zone A and ends it well into zone D', () => {
    for (const m of fleet.machines) {
      const [ab, , cd] = zoneBoundaries(m.isoGroup, m.foundation);
      expect(Math.hypot(m.vibration.oneXMmS, m.vibration.twoXMmS)).toBeLessThan(ab);
      expect(m.vibration.damageMmS).toBeGreaterThan(cd);
      expect(m.vibration.resonanceHz).toBeLessThan(fleet.sampleRateHz / 2);
    }
  });

  it('rejects a config out of range, naming the field', () => {
    const bad = structuredClone(fleet);
    bad.machines[2]!.degradation.endOfLifeDay = 0;
    expect(() => validateFleet(bad)).toThrow(/machines\[2\]\.degradation\.endOfLifeDay/);
    expect(() => createFleet({ machines: 1, days: 1, seed: 1, sampleRateHz: 10 })).toThrow(/sampleRateHz/);
  });
});
