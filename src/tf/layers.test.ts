import * as tf from './tfjs.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { SeededDropout, ToeplitzConv1D } from './layers.js';

beforeAll(async () => {
  await initBackend();
});

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? NaN);
}

describe('ToeplitzConv1D', () => {
  it('matches a same-padded conv1d and its gradients', async () => {
    const layer = new ToeplitzConv1D({ filters: 3, kernelSize: 4, seed: 7 });
    const x = tf.randomNormal([5, 9, 2], 0, 1, 'float32', 1);
    const dy = tf.randomNormal([5, 9, 3], 0, 1, 'float32', 2);
    layer.apply(x);
    const kernel = (layer.getWeights()[0] as tf.Tensor3D).clone();
    layer.setWeights([kernel, tf.tensor1d([0.1, -0.2, 0.3])]);
    const b = tf.tensor1d([0.1, -0.2, 0.3]);
    // Reference: tf.conv1d on the cpu backend (its filter gradient is not registered on wasm).
    // TF 'same' padding puts the extra zero on the right for an even kernel, as ToeplitzConv1D does.
    const ours = layer.apply(x) as tf.Tensor;
    const ref = tf.add(tf.conv1d(x as tf.Tensor3D, kernel, 1, 'same'), b);
    expect(maxAbsDiff(ours, ref)).toBeLessThan(1e-4);

    const vars = layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const grads = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, dy)) as tf.Scalar, vars);
    const dxOurs = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.apply(xx) as tf.Tensor, dy)))(x);
    const backend = tf.getBackend();
    await tf.setBackend('cpu');
    const xc = tf.tensor(x.arraySync() as number[][][]) as tf.Tensor3D;
    const kc = tf.tensor(kernel.arraySync() as number[][][]) as tf.Tensor3D;
    const dyc = tf.tensor(dy.arraySync() as number[][][]);
    const [dxRef, dkRef] = tf.grads((xx: tf.Tensor, kk: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv1d(xx as tf.Tensor3D, kk as tf.Tensor3D, 1, 'same'), dyc)),
    )([xc, kc]) as [tf.Tensor, tf.Tensor];
    const dbRef = tf.sum(dyc, [0, 1]);
    const dkRefArr = dkRef.arraySync();
    const dxRefArr = dxRef.arraySync();
    const dbRefArr = dbRef.arraySync();
    await tf.setBackend(backend);
    const gradList = Object.values(grads.grads);
    expect(maxAbsDiff(gradList[0] as tf.Tensor, tf.tensor(dkRefArr as number[][][]))).toBeLessThan(1e-3);
    expect(maxAbsDiff(gradList[1] as tf.Tensor, tf.tensor(dbRefArr as number[]))).toBeLessThan(1e-3);
    expect(maxAbsDiff(dxOurs, tf.tensor(dxRefArr as number[][][]))).toBeLessThan(1e-3);
  });
});

/** 'same' 1-D convolution in plain loops: for an even kernel the extra zero goes on the right (TF's rule). */
function referenceConv(x: number[][][], k: number[][][], b: number[]): number[][][] {
  const left = Math.floor((k.length - 1) / 2);
  return x.map((seq) =>
    seq.map((_, t) =>
      b.map((bf, f) => {
        let acc = bf;
        for (let i = 0; i < k.length; i++) {
          const row = seq[t + i - left];
          if (row) row.forEach((v, c) => (acc += v * (k[i]?.[c]?.[f] ?? 0)));
        }
        return acc;
      }),
    ),
  );
}

function randomArray(shape: number[], seed: number): number[] {
  return Array.from(tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync());
}

describe('ToeplitzConv1D at inference', () => {
  it('equals a reference convolution before and after the weights change', async () => {
    const input = tf.input({ shape: [8, 3] });
    const layer = new ToeplitzConv1D({ filters: 2, kernelSize: 3, seed: 11 });
    const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    const x = tf.tensor3d(randomArray([4, 8, 3], 5), [4, 8, 3]);
    const check = () => {
      const [k, b] = layer.getWeights() as [tf.Tensor3D, tf.Tensor1D];
      const ref = referenceConv(x.arraySync(), k.arraySync(), b.arraySync());
      const ours = model.predict(x) as tf.Tensor;
      expect(maxAbsDiff(ours, tf.tensor3d(ref))).toBeLessThan(1e-4);
    };
    check();
    check(); // served from the cache
    layer.setWeights([tf.tensor3d(randomArray([3, 3, 2], 9), [3, 3, 2]), tf.tensor1d([0.5, -1])]);
    check();
    // A training step assigns new values through the optimizer, not setWeights.
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    await model.fit(x, tf.randomNormal([4, 8, 2], 0, 1, 'float32', 3), {
      epochs: 1,
      batchSize: 4,
      verbose: 0,
    });
    check();
  });
});

describe('SeededDropout', () => {
  it('is the identity at inference and draws reproducible, changing masks in training', () => {
    const x = tf.ones([4, 50]);
    const a = new SeededDropout({ rate: 0.5, seed: 3 });
    const b = new SeededDropout({ rate: 0.5, seed: 3 });
    expect(maxAbsDiff(a.apply(x) as tf.Tensor, x)).toBe(0);
    const a1 = a.call(x, { training: true });
    const a2 = a.call(x, { training: true });
    const b1 = b.call(x, { training: true });
    expect(maxAbsDiff(a1, b1)).toBe(0);
    expect(maxAbsDiff(a1, a2)).toBeGreaterThan(0);
    const values = a1.dataSync();
    expect([...values].every((v) => v === 0 || Math.abs(v - 2) < 1e-6)).toBe(true);
  });
});
