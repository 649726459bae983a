/**
 * Cepstrum pre-whitening (CPW; Sawalhi & Randall 2011, Borghesani et al. 2013): setting the real
 * cepstrum to zero everywhere but quefrency 0 is the same as dividing every DFT bin by its own
 * magnitude, keeping the phase. The spectrum becomes flat, so
 * - discrete components (shaft harmonics, electrical lines, the structure's resonances) no longer
 *   dominate: what survives is the phase-coherent train of impacts, which is the "discrete /
 *   random separation" step of the Smith & Randall CWRU benchmark in one pass;
 * - every frequency band weighs the same in the envelope that follows, so no band has to be
 *   picked per record or per sensor (the band a defect excites varies with the transfer path).
 * Operates in place on an interleaved one-sided DFT (re/im, bins 0..floor(n/2)) as produced by
 * `realFft`/`SpectrumAnalyzer.raw`. Bins of (numerically) zero magnitude are set to zero.
 */
export function prewhitenSpectrum(raw: Float64Array, bins = raw.length / 2): Float64Array {
  let peak = 0;
  for (let k = 0; k < bins; k++) peak = Math.max(peak, Math.hypot(raw[2 * k]!, raw[2 * k + 1]!));
  // Below this a bin is float32 rounding noise (e.g. the removed mean at DC): whitening would
  // blow it up to the level of real content.
  const tiny = peak * 1e-7;
  for (let k = 0; k < bins; k++) {
    const m = Math.hypot(raw[2 * k]!, raw[2 * k + 1]!);
    if (m > tiny) {
      raw[2 * k] = raw[2 * k]! / m;
      raw[2 * k + 1] = raw[2 * k + 1]! / m;
    } else {
      raw[2 * k] = 0;
      raw[2 * k + 1] = 0;
    }
  }
  return raw;
}
