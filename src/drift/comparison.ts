/**
 * The result of comparing recent rows with a training reference, shared by the drift service
 * (which computes it), the fleet ranking and retraining suggestions (which read it). Its own
 * module so that the readers need not import the service, which imports them.
 */
import type { DriftLevel, FeatureDrift } from '../models/drift-stats.js';

type DriftStatus = DriftLevel | 'unknown';

export interface Comparison {
  status: DriftStatus;
  /** 'asset': the asset's own training rows; 'fleet': all training rows of the model;
   * 'assets' (pooled): the compared assets' own training rows, mixed (mixtureReference). */
  baseline: 'asset' | 'fleet' | 'assets' | null;
  reason: string | null;
  rows: number;
  from: string | null;
  to: string | null;
  /** Highest PSI over the features (0 when none is computable). */
  maxPsi: number;
  features: FeatureDrift[];
}
