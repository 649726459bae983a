/**
 * The RUL network: the DCNN of Li, Ding & Sun (RESS 2018) — stacked 1-D convolutions over a
 * window of cycles, a 1-filter convolution, dropout and a dense layer — written with ToeplitzConv1D
 * so it trains (fast) on the wasm backend. An ensemble is several such branches on one input whose outputs
 * are concatenated, so the whole ensemble saves as one model.json + weights.bin.
 */
import * as tf from '../../tf/tfjs.js';
import { SeededDropout, ToeplitzConv1D } from '../../tf/layers.js';

export interface NetworkConfig {
  window: number;
  features: number;
  convLayers: number;
  filters: number;
  kernelSize: number;
  dense: number;
  dropout: number;
}

export const DEFAULT_NETWORK: Omit<NetworkConfig, 'window' | 'features'> = {
  convLayers: 4,
  filters: 10,
  kernelSize: 10,
  dense: 100,
  dropout: 0.5,
};

function branch(
  input: tf.SymbolicTensor,
  cfg: NetworkConfig,
  prefix: string,
  seed: number,
): tf.SymbolicTensor {
  let s = seed * 101;
  const conv = (x: tf.SymbolicTensor, filters: number, kernel: number, i: number): tf.SymbolicTensor =>
    new ToeplitzConv1D({
      filters,
      kernelSize: kernel,
      activation: 'tanh',
      seed: s++,
      name: `${prefix}conv${i}`,
    }).apply(x) as tf.SymbolicTensor;
  let x = input;
  for (let i = 0; i < cfg.convLayers; i++) x = conv(x, cfg.filters, cfg.kernelSize, i);
  x = conv(x, 1, 3, cfg.convLayers);
  x = tf.layers.flatten({ name: `${prefix}flatten` }).apply(x) as tf.SymbolicTensor;
  x = new SeededDropout({ rate: cfg.dropout, seed: seed, name: `${prefix}dropout` }).apply(
    x,
  ) as tf.SymbolicTensor;
  x = tf.layers
    .dense({
      units: cfg.dense,
      activation: 'tanh',
      kernelInitializer: tf.initializers.glorotNormal({ seed: s++ }),
      name: `${prefix}dense`,
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.layers
    .dense({ units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: s++ }), name: `${prefix}out` })
    .apply(x) as tf.SymbolicTensor;
}

export interface EnsembleNetwork {
  /** Output [batch, members]: one normalised RUL per member. */
  ensemble: tf.LayersModel;
  /** Member i alone, sharing its layers (and so its weights) with `ensemble`. */
  members: tf.LayersModel[];
}

/** Member `member` alone, with the same layer names, weight order and initial weights as in the ensemble. */
export function buildMemberNetwork(cfg: NetworkConfig, member: number, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [cfg.window, cfg.features], name: 'window' });
  return tf.model({ inputs: input, outputs: branch(input, cfg, `m${member}_`, seed + member) });
}

export function buildEnsembleNetwork(cfg: NetworkConfig, members: number, seed: number): EnsembleNetwork {
  const input = tf.input({ shape: [cfg.window, cfg.features], name: 'window' });
  const outputs = Array.from({ length: members }, (_, i) => branch(input, cfg, `m${i}_`, seed + i));
  const memberModels = outputs.map((out, i) => tf.model({ inputs: input, outputs: out, name: `member${i}` }));
  const combined =
    members === 1
      ? (outputs[0] as tf.SymbolicTensor)
      : (tf.layers.concatenate({ axis: 1, name: 'members' }).apply(outputs) as tf.SymbolicTensor);
  return {
    ensemble: tf.model({ inputs: input, outputs: combined, name: 'rul_ensemble' }),
    members: memberModels,
  };
}
