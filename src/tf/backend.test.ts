import * as tf from './tfjs.js';
import { describe, expect, it } from 'vitest';
import { initBackend, selectBackend, type BackendLoaders } from './backend.js';

const fail = (message: string) => async (): Promise<boolean> => {
  throw new Error(message);
};

describe('selectBackend', () => {
  it('falls back from native to wasm when the native module does not import', async () => {
    const tried: string[] = [];
    const messages: string[] = [];
    const loaders: BackendLoaders = {
      native: async () => {
        tried.push('native');
        throw new Error("Cannot find package 'tfjs-node-native'");
      },
      wasm: async () => {
        tried.push('wasm');
        return tf.setBackend('cpu');
      },
      cpu: async () => {
        tried.push('cpu');
        return true;
      },
    };
    const info = await selectBackend(loaders, { info: (m) => messages.push(m) });
    expect(info).toEqual({ name: 'wasm', tfjsVersion: tf.version_core });
    expect(tried).toEqual(['native', 'wasm']);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/backend: wasm .*tensorflow: Cannot find package/);
  });

  it('falls back to cpu when native and wasm both fail', async () => {
    const loaders: BackendLoaders = {
      native: fail('no native'),
      wasm: async () => false,
      cpu: async () => tf.setBackend('cpu'),
    };
    const info = await selectBackend(loaders);
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('throws naming every failure when nothing initialises', async () => {
    const loaders: BackendLoaders = { native: fail('a'), wasm: fail('b'), cpu: fail('c') };
    await expect(selectBackend(loaders)).rejects.toThrow(/tensorflow: a; wasm: b; cpu: c/);
  });
});

describe('initBackend', () => {
  it('is idempotent and selects a real backend', async () => {
    const first = await initBackend();
    const second = await initBackend();
    expect(second).toBe(first);
    expect(['tensorflow', 'wasm', 'cpu']).toContain(first.name);
    expect(first.tfjsVersion).toBe(tf.version_core);
  });
});
