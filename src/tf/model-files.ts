/**
 * A TF.js model saved as `<dir>/model.json` + `<dir>/weights.bin` (the layout of tfjs-node's
 * file:// handler, which the wasm and cpu backends do not have). Every model store (health, RUL,
 * failure) writes and reads its network through these two handlers and adds its own manifest.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from './tfjs.js';
// A saved network may use the custom layers: they are registered before any model is loaded.
import './layers.js';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

function joinWeights(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  return tf.io.CompositeArrayBuffer.join(data);
}

/** A TF.js IOHandler writing model.json + weights.bin into `dir` with node:fs. */
export function directorySaveHandler(dir: string): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    await mkdir(dir, { recursive: true });
    const weights = joinWeights(artifacts.weightData);
    const modelJson: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology as object,
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
    };
    if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
    await writeFile(join(dir, MODEL_FILE), JSON.stringify(modelJson));
    await writeFile(join(dir, WEIGHTS_FILE), new Uint8Array(weights));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  });
}

/** A TF.js IOHandler reading what `directorySaveHandler` wrote. */
export function directoryLoadHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const modelJson = JSON.parse(await readFile(join(dir, MODEL_FILE), 'utf8')) as tf.io.ModelJSON;
      const buffers: ArrayBuffer[] = [];
      for (const group of modelJson.weightsManifest) {
        for (const path of group.paths) {
          const bytes = await readFile(join(dir, path));
          buffers.push(
            bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
          );
        }
      }
      return {
        modelTopology: modelJson.modelTopology,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy,
        weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
        weightData: tf.io.concatenateArrayBuffers(buffers),
        ...(modelJson.trainingConfig ? { trainingConfig: modelJson.trainingConfig } : {}),
      };
    },
  };
}
