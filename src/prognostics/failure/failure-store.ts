/** Directory layout of a failure classifier: model.json + weights.bin + manifest.json (kind 'failure'). */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '../../tf/tfjs.js';
import { directoryLoadHandler, directorySaveHandler } from '../../tf/model-files.js';
import { assertFailureManifest, type FailureManifest } from './failure-manifest.js';

export async function saveFailureModel(
  dir: string,
  model: tf.LayersModel,
  manifest: FailureManifest,
): Promise<void> {
  await model.save(directorySaveHandler(dir));
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function loadFailureModel(
  dir: string,
): Promise<{ model: tf.LayersModel; manifest: FailureManifest }> {
  const manifest: unknown = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  assertFailureManifest(manifest);
  const model = await tf.loadLayersModel(directoryLoadHandler(dir));
  return { model, manifest };
}
