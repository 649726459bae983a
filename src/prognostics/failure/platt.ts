/**
 * Platt scaling: p = σ(a·z + b) on the network's logit z, fitted by Newton's method on a
 * held-out split with Platt's smoothed targets ((N₊+1)/(N₊+2) and 1/(N₋+2)), which keep a
 * perfectly separated validation set from driving a to infinity. It undoes the prior shift
 * that class weighting puts into the raw outputs.
 */

export interface PlattScaling {
  a: number;
  b: number;
}

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export function applyPlatt(p: PlattScaling, logit: number): number {
  return sigmoid(p.a * logit + p.b);
}

export function fitPlatt(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  iterations = 100,
): PlattScaling {
  let pos = 0;
  for (let i = 0; i < labels.length; i++) pos += labels[i] === 1 ? 1 : 0;
  const neg = labels.length - pos;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  let a = 1;
  let b = 0;
  for (let it = 0; it < iterations; it++) {
    // Gradient and Hessian of the mean log loss in (a, b).
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < logits.length; i++) {
      const z = logits[i] ?? 0;
      const t = labels[i] === 1 ? hi : lo;
      const p = sigmoid(a * z + b);
      const d = p - t;
      const w = p * (1 - p);
      ga += d * z;
      gb += d;
      haa += w * z * z;
      hab += w * z;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 1e-18)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-10) break;
  }
  return { a, b };
}
