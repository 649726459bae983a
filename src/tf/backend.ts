/**
 * TF.js backend selection at start-up: the native TensorFlow binding when it installed (the
 * optional `tfjs-node-native` alias needs a download at install time, so it is often absent),
 * else WebAssembly (4–5× faster than `cpu` for dense/LSTM training here), else pure-JS `cpu`.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from './tfjs.js';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  tfjsVersion: string;
}

export interface BackendLogger {
  info(message: string): void;
}

/** Each loader registers and activates its backend, or throws / returns false. */
export interface BackendLoaders {
  native: () => Promise<boolean>;
  wasm: () => Promise<boolean>;
  cpu: () => Promise<boolean>;
}

// A variable specifier keeps TypeScript from resolving a module that is usually not installed.
const NATIVE_MODULE = 'tfjs-node-native';

async function loadNative(): Promise<boolean> {
  await import(NATIVE_MODULE);
  return tf.findBackend('tensorflow') !== null && (await tf.setBackend('tensorflow'));
}

async function loadWasm(): Promise<boolean> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  // The package's main file sits in dist/, beside the .wasm binaries.
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  wasm.setWasmPaths(`${dist}/`);
  return tf.setBackend('wasm');
}

async function loadCpu(): Promise<boolean> {
  return tf.setBackend('cpu');
}

export const defaultBackendLoaders: BackendLoaders = { native: loadNative, wasm: loadWasm, cpu: loadCpu };

const ORDER: [keyof BackendLoaders, BackendName][] = [
  ['native', 'tensorflow'],
  ['wasm', 'wasm'],
  ['cpu', 'cpu'],
];

/** Tries the loaders in order (native, wasm, cpu) and returns the first that activates. */
export async function selectBackend(
  loaders: BackendLoaders = defaultBackendLoaders,
  logger?: BackendLogger,
): Promise<BackendInfo> {
  const failures: string[] = [];
  for (const [key, name] of ORDER) {
    try {
      if (await loaders[key]()) {
        await tf.ready();
        const info: BackendInfo = { name, tfjsVersion: tf.version_core };
        const why = failures.length > 0 ? ` (unavailable: ${failures.join('; ')})` : '';
        logger?.info(`tfjs ${info.tfjsVersion} backend: ${name}${why}`);
        return info;
      }
      failures.push(`${name}: refused`);
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  throw new Error(`no TF.js backend could be initialised (${failures.join('; ')})`);
}

let selected: Promise<BackendInfo> | undefined;

/** Idempotent start-up selection: the first call picks the backend, later calls return it. */
export function initBackend(logger?: BackendLogger): Promise<BackendInfo> {
  selected ??= selectBackend(defaultBackendLoaders, logger).catch((error: unknown) => {
    selected = undefined;
    throw error;
  });
  return selected;
}
