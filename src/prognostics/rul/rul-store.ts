/**
 * Saves and loads a RUL model as `<dir>/model.json` + `<dir>/weights.bin` + `<dir>/manifest.json`
 * (the layout of tfjs-node's file:// handler, which the wasm and cpu backends do not have).
 * Conventional location: models/<name>/<version>/.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '../../tf/tfjs.js';
import { directoryLoadHandler, directorySaveHandler } from '../../tf/model-files.js';
import { assertRulManifest, type RulManifest } from './rul-manifest.js';

const MANIFEST_FILE = 'manifest.json';

export async function saveRulModel(dir: string, model: tf.LayersModel, manifest: RulManifest): Promise<void> {
  await model.save(directorySaveHandler(dir));
  await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function loadRulModel(dir: string): Promise<{ model: tf.LayersModel; manifest: RulManifest }> {
  const manifest: unknown = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
  assertRulManifest(manifest);
  const model = await tf.loadLayersModel(directoryLoadHandler(dir));
  return { model, manifest };
}
