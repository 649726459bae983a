-- The suspected fault a forecast names, with its evidence (state/diagnosis/diagnose.ts):
-- {fault, confidence, evidence: [{line, hz, orders, harmonics, strengthDb, z, present}], windows,
-- sampleRateHz, shaftHz}. NULL when the forecast rests on no waveform, or the asset has no bearing
-- geometry or shaft speed. Forecasts written before this migration keep NULL.
ALTER TABLE forecasts ADD COLUMN diagnosis jsonb;
