/**
 * ISO 20816-3 zone boundaries (A/B, B/C, C/D in mm/s) — mirrors src/signal/iso20816.ts
 * (tests/dashboard-api.test.ts checks the two agree) — and the zone badge.
 */
import { el } from './dom.js';

/** @public Read by tests/dashboard-api.test.ts through an import knip cannot follow. */
export const ZONE_BOUNDARIES = {
  '1/rigid': [2.3, 4.5, 7.1],
  '1/flexible': [3.5, 7.1, 11.0],
  '2/rigid': [1.4, 2.8, 4.5],
  '2/flexible': [2.3, 4.5, 7.1],
};

export const ZONES = {
  A: { text: 'good', fill: 'rgba(46, 125, 50, 0.16)' },
  B: { text: 'acceptable', fill: 'rgba(156, 204, 101, 0.22)' },
  C: { text: 'restricted', fill: 'rgba(245, 124, 0, 0.18)' },
  D: { text: 'damage risk', fill: 'rgba(198, 40, 40, 0.16)' },
};

export function zoneBoundaries(group, foundation) {
  return ZONE_BOUNDARIES[`${group}/${foundation}`] ?? null;
}

/** Colour and text: the letter and its meaning are always written out. */
export function zoneBadge(zone) {
  if (!ZONES[zone]) return el('span', { class: 'zone zone-none' }, 'no zone');
  return el(
    'span',
    { class: `zone zone-${zone}`, dataset: { zone } },
    el('strong', {}, zone),
    ` ${ZONES[zone].text}`,
  );
}
