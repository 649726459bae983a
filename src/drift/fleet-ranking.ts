/** The fleet drift report's orderings: assets by their highest PSI, features by how many
 * assets they drift in. */
import type { Comparison } from './comparison.js';

type AssetComparison = Comparison & { assetId: number; assetName: string; countsForRetraining: boolean };
const TOP = 3;

/** Highest PSI first; assets without a verdict last. */
export function rankAssets(assets: AssetComparison[]) {
  return assets
    .sort((a, b) => Number(a.status === 'unknown') - Number(b.status === 'unknown') || b.maxPsi - a.maxPsi)
    .map(({ features, from: _f, to: _t, ...a }) => ({ ...a, topFeatures: features.slice(0, TOP) }));
}

/** Per feature: in how many assets it warns or drifts, and its highest PSI. */
export function rankFeatures(assets: AssetComparison[]) {
  const by = new Map<string, { feature: string; assetsWarn: number; assetsDrift: number; maxPsi: number }>();
  for (const a of assets) {
    for (const f of a.features) {
      const e = by.get(f.feature) ?? { feature: f.feature, assetsWarn: 0, assetsDrift: 0, maxPsi: 0 };
      if (f.status === 'warn') e.assetsWarn += 1;
      if (f.status === 'drift') e.assetsDrift += 1;
      e.maxPsi = Math.max(e.maxPsi, f.psi ?? 0);
      by.set(f.feature, e);
    }
  }
  return [...by.values()].sort(
    (a, b) => b.assetsDrift - a.assetsDrift || b.assetsWarn - a.assetsWarn || b.maxPsi - a.maxPsi,
  );
}
