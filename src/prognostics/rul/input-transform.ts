/**
 * The input transform of a RUL model over feature rows. Wear grows vibration features
 * geometrically (an envelope amplitude or RMS is ten or a hundred times its healthy value near
 * the end), so z-scored raw values of a machine further gone than any training unit push the
 * network's tanh units into saturation: its output goes flat, the "RUL stuck for weeks" a user
 * sees. sign(x)·log(1 + |x|) keeps ratios as distances and stays defined for signed features
 * (temperature slope). The manifest names the transform so scoring applies the one training did.
 */
export type InputTransform = 'signed-log1p';

export function transformInput(transform: InputTransform | undefined, x: number): number {
  if (transform !== 'signed-log1p') return x;
  return Math.sign(x) * Math.log1p(Math.abs(x));
}
