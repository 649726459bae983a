/**
 * The standard normal distribution: the one erfc, CDF and quantile of the code base (drift
 * p-values, the failure risk read from an RUL interval).
 *
 * erfc is W. J. Cody's rational Chebyshev approximation ("Rational Chebyshev approximations for
 * the error function", Math. Comp. 23 (1969) 631–637; Netlib SPECFUN CALERF), accurate to about
 * 1e-15 relative in double precision — where Abramowitz & Stegun 7.1.26 (which both callers used
 * before) is off by up to 1.5e-7 absolute, which is all of a tail probability below 1e-7.
 */

// Coefficients as published, each written in the shortest form that reads back as the same double.
const SQRT_PI_INV = 0.5641895835477563;
// erf on |x| ≤ 0.46875.
const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
// erfc·exp(x²) on 0.46875 < |x| ≤ 4.
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
// erfc·exp(x²)·x on |x| > 4 (in 1/x²).
const P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378,
  0.016315387137302097,
];
const Q = [
  2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918,
];
/** Beyond this erfc(x) underflows to 0. */
const X_BIG = 26.543;

/** exp(−y²) without the rounding error of y·y: y is split at a multiple of 1/16, whose square is
 * exact (Cody's device). */
function expMinusSquare(y: number): number {
  const ySq = Math.trunc(16 * y) / 16;
  const del = (y - ySq) * (y + ySq);
  return Math.exp(-ySq * ySq - del);
}

/** Complementary error function erfc(x) = 1 − erf(x), for any real x (NaN gives NaN). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) {
    const z = y > 1.11e-16 ? y * y : 0;
    let num = A[4]! * z;
    let den = z;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]!) * z;
      den = (den + B[i]!) * z;
    }
    return 1 - (x * (num + A[3]!)) / (den + B[3]!);
  }
  let r: number;
  if (y <= 4) {
    let num = C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    r = ((num + C[7]!) / (den + D[7]!)) * expMinusSquare(y);
  } else if (y < X_BIG) {
    const z = 1 / (y * y);
    let num = P[5]! * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]!) * z;
      den = (den + Q[i]!) * z;
    }
    r = ((SQRT_PI_INV - (z * (num + P[4]!)) / (den + Q[4]!)) / y) * expMinusSquare(y);
  } else {
    r = 0;
  }
  return x < 0 ? 2 - r : r;
}

/** Φ(x), the standard normal CDF; accurate in both tails (through erfc, not 1 − erf). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Φ⁻¹(p) for 0 < p < 1, by bisection on Φ over [−10, 10] (callers use it once per fixed level,
 * so speed is moot; 60 halvings reach double precision). */
export function normalQuantile(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
