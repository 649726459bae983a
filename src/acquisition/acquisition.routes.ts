/** The acquisition API (issue 3): assets, sensors, readings, captures and data quality. */
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';
import { assetRoutes } from './assets.routes.js';
import { captureRoutes } from './captures.routes.js';
import { qualityRoutes } from './quality.routes.js';
import { readingRoutes } from './readings.routes.js';

export const ACQUISITION_TAGS = [
  { name: 'assets', description: 'Machines: type, site, ISO 20816 class, speed, bearing geometry' },
  { name: 'sensors', description: 'Transducers on an asset: kind, unit, axis, rate, physical range' },
  { name: 'readings', description: 'Scalar time series: idempotent batch ingestion, paged reading back' },
  { name: 'captures', description: 'Vibration waveforms: JSON or little-endian float32' },
  { name: 'quality', description: 'Per-sensor data quality and quality flags' },
];

export const acquisitionRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(assetRoutes, { ctx });
  await app.register(readingRoutes, { ctx });
  await app.register(captureRoutes, { ctx });
  await app.register(qualityRoutes, { ctx });
};
