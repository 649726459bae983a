/** The dashboard's own reads: fleet filter choices, an asset's latest spectra, its maintenance history. */
import type { Kysely } from 'kysely';
import { assetsRepository } from '../acquisition/assets.repository.js';
import { decodeSamples } from '../acquisition/captures.service.js';
import type { DB } from '../db/schema.js';
import { conflict, notFound } from '../errors.js';
import { bearingOf } from '../features/features.service.js';
import { MIN_SPECTRUM_SAMPLES, assetSpectrum } from './asset-spectrum.js';
import { dashboardRepository as repo } from './dashboard.repository.js';

export class DashboardService {
  constructor(
    private readonly db: Kysely<DB>,
    /** The planning lead time of the work-order rules, shown with the fleet. */
    private readonly leadTimeHours: number,
  ) {}

  async fleetSummary() {
    return {
      ...(await repo.sitesAndTypes(this.db)),
      openSuggestions: await repo.openSuggestionCounts(this.db),
      leadTimeHours: this.leadTimeHours,
    };
  }

  /** Spectrum and envelope spectrum of the asset's latest vibration capture. */
  async spectrum(assetId: number) {
    const asset = await assetsRepository.get(this.db, assetId);
    if (!asset) throw notFound('asset', assetId);
    const capture = await repo.latestVibrationCapture(this.db, asset.id);
    if (!capture) throw notFound('vibration capture for asset', asset.id);
    // Ingestion accepts any capture of one sample or more; a spectrum needs a few more.
    if (capture.n_samples < MIN_SPECTRUM_SAMPLES)
      throw conflict(
        'capture_too_short',
        `the latest capture of asset ${asset.id} has ${capture.n_samples} samples; a spectrum needs at least ${MIN_SPECTRUM_SAMPLES}`,
      );
    const shaftHz = asset.nominal_speed_rpm ? asset.nominal_speed_rpm / 60 : null;
    const result = assetSpectrum(decodeSamples(capture.samples), capture.sample_rate_hz, {
      shaftHz,
      bearing: bearingOf(asset),
    });
    return { capture, shaftHz, result };
  }

  /** The asset's maintenance events and work-order suggestions, newest first. */
  async maintenance(assetId: number, limit: number) {
    if (!(await repo.assetExists(this.db, assetId))) throw notFound('asset', assetId);
    const [events, suggestions] = await Promise.all([
      repo.maintenanceEvents(this.db, assetId, limit),
      repo.suggestions(this.db, assetId, limit),
    ]);
    return { events, suggestions };
  }
}
