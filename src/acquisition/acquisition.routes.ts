/** The acquisition API (issue 3): assets, sensors, readings and captures. */
import type { FastifyPluginAsync } from 'fastify';
import type { CoreContext } from '../app-context.js';
import type { AssetsService } from './assets.service.js';
import type { CapturesService } from './captures.service.js';
import type { ReadingsService } from './readings.service.js';
import { assetRoutes } from './assets.routes.js';
import { captureRoutes } from './captures.routes.js';
import { readingRoutes } from './readings.routes.js';

export const ACQUISITION_TAGS = [
  { name: 'assets', description: 'Machines: type, site, ISO 20816 class, speed, bearing geometry' },
  { name: 'sensors', description: 'Transducers on an asset: kind, unit, axis, rate, physical range' },
  { name: 'readings', description: 'Scalar time series: idempotent batch ingestion, paged reading back' },
  { name: 'captures', description: 'Vibration waveforms: JSON or little-endian float32' },
];

/** What the acquisition routes use: the core context and this stage's services. */
export type AcquisitionContext = CoreContext & {
  readonly assets: AssetsService;
  readonly readings: ReadingsService;
  readonly captures: CapturesService;
};

export const acquisitionRoutes: FastifyPluginAsync<{ ctx: AcquisitionContext }> = async (app, { ctx }) => {
  await app.register(assetRoutes, { ctx });
  await app.register(readingRoutes, { ctx });
  await app.register(captureRoutes, { ctx });
};
