/** The digital twin: a seeded, physics-informed run-to-failure simulator for a fleet of rotating machines. */
export * from './config.js';
export {
  createFleet,
  validateFleet,
  DEFAULT_FAULT_RATES,
  DEFAULT_START,
  type FleetOptions,
} from './fleet.js';
export { generateMachine, type CaptureTruth, type MachineHistory, type ReadingSeries } from './history.js';
export { renderCapture, accelPeakG } from './vibration.js';
export { severityAt, rulHoursAt, loadAt, shaftHzAt, ambientAt } from './state.js';
export {
  machineTruth,
  machineFingerprint,
  summarize,
  type FleetSummary,
  type MachineTruth,
} from './truth.js';
export {
  exportToDatabase,
  assetRef,
  TwinConflictError,
  type DbExportCounts,
  type DbExportOptions,
} from './export-db.js';
export { exportToFiles, captureFileName, type FileExportOptions } from './export-files.js';
export {
  streamLive,
  type LiveCapture,
  type LiveFailure,
  type LiveReading,
  type StreamLiveOptions,
  type StreamLiveResult,
} from './stream-live.js';
