/**
 * The TF.js API the project uses: core (tensors, ops, optimizers, io) and layers, without the
 * `@tensorflow/tfjs` union package (its converter, data, WebGL backend and CLI dependencies are
 * unused here). Every module imports TF.js from this file so the pieces stay registered together:
 * - tfjs-layers' Node bundle registers the gradients of core's ops (the union did it itself);
 * - the pure-JS `cpu` backend is registered on import, as the union did, so code and tests that
 *   run before `initBackend()` have a backend, and `selectBackend` can fall back to it.
 * Core's chained ops (`tensor.square()`) are not registered: call the functional ops (`tf.square`).
 */
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
