/** The digital twin: a seeded, physics-informed run-to-failure simulator for a fleet of rotating machines. */
export * from './config.js';
export { createFleet, DEFAULT_START } from './fleet.js';
export { generateMachine, type MachineHistory } from './history.js';
export { renderCapture } from './vibration.js';
export { machineFingerprint, summarize } from './truth.js';
export { exportToDatabase, assetRef, REF_SEPARATOR, TwinConflictError } from './export-db.js';
export { exportToFiles } from './export-files.js';
export { streamLive, type LiveCapture, type LiveReading, type StreamLiveResult } from './stream-live.js';
