/**
 * Custom layers that train on the wasm backend, which has no Conv2DBackpropFilter kernel.
 * `SeededDropout` draws a fresh, reproducible
 * mask per training call (tf.layers.dropout with a fixed seed would reuse one mask for every batch).
 */
import * as tf from './tfjs.js';

export interface ToeplitzConv1DArgs {
  filters: number;
  kernelSize: number;
  activation?: 'tanh' | 'linear';
  seed?: number;
  name?: string;
}

/**
 * 'same'-padded 1-D convolution over [batch, steps, channels] computed as ONE plain matmul of the
 * flattened window with a block-Toeplitz matrix expanded from the small kernel. On the wasm
 * backend a plain matmul runs on XNNPACK (~10 GMAC/s) while transposed matmuls (what Dense's
 * autograd emits) are ~13× slower and the unfold's concat/split gradients slower still, so the
 * gradient is written by hand: both matmuls are untransposed and the kernel gradient is folded
 * back from the expanded one in plain JS.
 */
export class ToeplitzConv1D extends tf.layers.Layer {
  static className = 'ToeplitzConv1D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly activation: 'tanh' | 'linear';
  readonly seed: number;
  private kernel: tf.LayerVariable | undefined;
  private bias: tf.LayerVariable | undefined;
  private steps = 0;
  private channels = 0;
  private op: ((x: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor) => tf.Tensor2D) | undefined;
  private expand: ((kernel: tf.Tensor, bias: tf.Tensor) => [Float32Array, Float32Array]) | undefined;
  /** Inference's expanded matrix and bias, valid while the variables hold the same data: every
   * assign (an optimizer step, setWeights, loading) gives a variable a new dataId. */
  private cache: { kernelId: object; biasId: object; w: tf.Tensor2D; b: tf.Tensor1D } | undefined;

  constructor(args: ToeplitzConv1DArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.activation = args.activation ?? 'linear';
    this.seed = args.seed ?? 0;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    this.steps = shape[1] ?? 0;
    this.channels = shape[2] ?? 0;
    if (this.steps <= 0 || this.channels <= 0)
      throw new Error('ToeplitzConv1D needs fixed steps and channels');
    this.kernel = this.addWeight(
      'kernel',
      [this.kernelSize, this.channels, this.filters],
      'float32',
      tf.initializers.glorotNormal({ seed: this.seed }),
    );
    this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.op = this.makeOp();
    this.built = true;
  }

  private makeOp(): (x: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor) => tf.Tensor2D {
    const T = this.steps;
    const C = this.channels;
    const F = this.filters;
    const k = this.kernelSize;
    const left = Math.floor((k - 1) / 2);
    const rows = T * C;
    const cols = T * F;
    // Every (input position s, output position t) pair that the kernel connects, with its tap i.
    const taps: [number, number, number][] = [];
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < k; i++) {
        const s = t + i - left;
        if (s >= 0 && s < T) taps.push([s, t, i]);
      }
    }
    this.expand = (kernel, bias) => {
      const kv = kernel.dataSync() as Float32Array;
      const bv = bias.dataSync();
      const big = new Float32Array(rows * cols);
      for (const [s, t, i] of taps) {
        for (let c = 0; c < C; c++) {
          const src = (i * C + c) * F;
          big.set(kv.subarray(src, src + F), (s * C + c) * cols + t * F);
        }
      }
      const biasBig = new Float32Array(cols);
      for (let j = 0; j < cols; j++) biasBig[j] = bv[j % F] ?? 0;
      return [big, biasBig];
    };
    const expand = this.expand;
    const op = tf.customGrad((...args: (tf.Tensor | ((t: tf.Tensor[]) => void))[]) => {
      const [x, kernel, bias, save] = args as [tf.Tensor2D, tf.Tensor, tf.Tensor, (t: tf.Tensor[]) => void];
      const [big, biasBig] = expand(kernel, bias);
      const w = tf.tensor2d(big, [rows, cols]);
      const wT = tf.transpose(w);
      const value = tf.add(tf.matMul(x, w), tf.tensor1d(biasBig)) as tf.Tensor2D;
      save([x, wT]);
      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
        const [xs, wTs] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dx = tf.matMul(dy as tf.Tensor2D, wTs);
        const dBig = tf.matMul(tf.transpose(xs), dy as tf.Tensor2D).dataSync();
        const dk = new Float32Array(k * C * F);
        for (const [s, t, i] of taps) {
          for (let c = 0; c < C; c++) {
            const dst = (i * C + c) * F;
            const src = (s * C + c) * cols + t * F;
            for (let f = 0; f < F; f++) dk[dst + f] = (dk[dst + f] ?? 0) + (dBig[src + f] ?? 0);
          }
        }
        const dyCols = tf.sum(dy, 0).dataSync();
        const db = new Float32Array(F);
        for (let j = 0; j < cols; j++) db[j % F] = (db[j % F] ?? 0) + (dyCols[j] ?? 0);
        return [dx, tf.tensor3d(dk, [k, C, F]), tf.tensor1d(db)];
      };
      return { value, gradFunc };
    });
    return (x, kernel, bias) => op(x, kernel, bias) as tf.Tensor2D;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [shape[0] ?? null, shape[1] ?? null, this.filters];
  }

  /** The expanded matrix and bias for the variables' current values, rebuilt only after they change. */
  private expanded(kernel: tf.Tensor, bias: tf.Tensor): { w: tf.Tensor2D; b: tf.Tensor1D } {
    const c = this.cache;
    if (c && c.kernelId === kernel.dataId && c.biasId === bias.dataId) return c;
    this.dropCache();
    if (!this.expand) throw new Error('ToeplitzConv1D used before build');
    const [big, biasBig] = this.expand(kernel, bias);
    const w = tf.keep(tf.tensor2d(big, [this.steps * this.channels, this.steps * this.filters]));
    const b = tf.keep(tf.tensor1d(biasBig));
    this.cache = { kernelId: kernel.dataId, biasId: bias.dataId, w, b };
    return this.cache;
  }

  private dropCache(): void {
    this.cache?.w.dispose();
    this.cache?.b.dispose();
    this.cache = undefined;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      if (!this.op || !this.kernel || !this.bias) throw new Error('ToeplitzConv1D used before build');
      const batch = x.shape[0];
      const flat = tf.reshape(x, [batch, this.steps * this.channels]) as tf.Tensor2D;
      const kernel = this.kernel.read();
      const bias = this.bias.read();
      // Outside training and any gradient tape (tf.grad, variableGrads) nothing will ask for the
      // gradient: one matmul with the cached matrix, no per-call expansion and no transpose.
      const y =
        kwargs['training'] !== true && tf.engine().state.gradientDepth === 0
          ? (() => {
              const { w, b } = this.expanded(kernel, bias);
              return tf.add(tf.matMul(flat, w), b) as tf.Tensor2D;
            })()
          : this.op(flat, kernel, bias);
      const out = tf.reshape(y, [batch, this.steps, this.filters]);
      return this.activation === 'tanh' ? tf.tanh(out) : out;
    });
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    this.dropCache();
    return super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      activation: this.activation,
      seed: this.seed,
    };
  }
}

export interface SeededDropoutArgs {
  rate: number;
  seed: number;
  name?: string;
}

export class SeededDropout extends tf.layers.Layer {
  static className = 'SeededDropout';
  readonly rate: number;
  readonly seed: number;
  private calls = 0;

  constructor(args: SeededDropoutArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.rate = args.rate;
    this.seed = args.seed;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return inputShape as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
      if (kwargs['training'] !== true || this.rate <= 0) return x.clone();
      this.calls += 1;
      const keep = tf.randomUniform(x.shape, 0, 1, 'float32', this.seed * 1_000_003 + this.calls);
      const mask = tf.cast(tf.greaterEqual(keep, this.rate), 'float32');
      return tf.mul(x, tf.mul(mask, 1 / (1 - this.rate)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(ToeplitzConv1D);
tf.serialization.registerClass(SeededDropout);
