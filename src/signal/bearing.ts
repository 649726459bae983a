/**
 * Rolling-element bearing defect frequencies (Hz) from geometry and shaft speed, outer race
 * fixed, inner race turning with the shaft. Diameters may be in any unit (only their ratio is
 * used). `bsf` follows the CWRU / SKF "ball defect" convention: twice the ball spin frequency,
 * because a spall on a ball strikes both races once per spin turn; `ballSpin` is the spin itself.
 */
export interface BearingGeometry {
  nBalls: number;
  ballDiameter: number;
  pitchDiameter: number;
  contactAngleDeg: number;
}

export interface DefectFrequencies {
  ftf: number;
  bpfo: number;
  bpfi: number;
  bsf: number;
  ballSpin: number;
}

export const DEFECT_KEYS = ['bpfo', 'bpfi', 'bsf', 'ftf'] as const;
export type DefectKey = (typeof DEFECT_KEYS)[number];

/** SKF 6205-2RS as fitted at the drive end of the CWRU test rig. */
export const SKF_6205: BearingGeometry = {
  nBalls: 9,
  ballDiameter: 0.3126,
  pitchDiameter: 1.537,
  contactAngleDeg: 0,
};

/**
 * SKF 6203-2RS JEM at the fan end of the CWRU rig (CWRU Bearing Data Center: ball 0.2656 in,
 * pitch 1.122 in; its published defect orders BPFO 3.0530, BPFI 4.9469 imply 8 balls).
 */
export const SKF_6203: BearingGeometry = {
  nBalls: 8,
  ballDiameter: 0.2656,
  pitchDiameter: 1.122,
  contactAngleDeg: 0,
};

export function validateGeometry(g: BearingGeometry): void {
  if (!Number.isInteger(g.nBalls) || g.nBalls < 1) throw new RangeError(`nBalls must be an integer ≥ 1`);
  if (!(g.ballDiameter > 0)) throw new RangeError(`ballDiameter must be > 0`);
  if (!(g.pitchDiameter > g.ballDiameter)) throw new RangeError(`pitchDiameter must exceed ballDiameter`);
  if (!(g.contactAngleDeg >= 0 && g.contactAngleDeg < 90))
    throw new RangeError(`contactAngleDeg must be in [0, 90)`);
}

export function defectFrequencies(g: BearingGeometry, shaftHz: number): DefectFrequencies {
  validateGeometry(g);
  const r = (g.ballDiameter / g.pitchDiameter) * Math.cos((g.contactAngleDeg * Math.PI) / 180);
  const ftf = (shaftHz / 2) * (1 - r);
  const ballSpin = (g.pitchDiameter / (2 * g.ballDiameter)) * shaftHz * (1 - r * r);
  return {
    ftf,
    bpfo: g.nBalls * ftf,
    bpfi: (g.nBalls * shaftHz * (1 + r)) / 2,
    bsf: 2 * ballSpin,
    ballSpin,
  };
}
