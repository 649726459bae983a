/** Directory layout of a health model: model.json + weights.bin + manifest.json (kind 'health'). */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '../tf/tfjs.js';
import { directoryLoadHandler, directorySaveHandler } from '../tf/model-files.js';
import { assertHealthManifest, type HealthManifest } from './health-manifest.js';

export async function saveHealthModel(
  dir: string,
  model: tf.LayersModel,
  manifest: HealthManifest,
): Promise<void> {
  await model.save(directorySaveHandler(dir));
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function loadHealthModel(
  dir: string,
): Promise<{ model: tf.LayersModel; manifest: HealthManifest }> {
  const manifest: unknown = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  assertHealthManifest(manifest);
  const model = await tf.loadLayersModel(directoryLoadHandler(dir));
  return { model, manifest };
}
