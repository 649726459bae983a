/** Queue and job names are constants: a typo is a compile error, and start-up checks that every
 * job name has exactly one handler (see handlers.ts). */
export const QUEUES = {
  maintenance: 'maintenance',
  ingest: 'ingest',
  features: 'features',
  training: 'training',
  scoring: 'scoring',
  webhooks: 'webhooks',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const JOBS = {
  ensurePartitions: 'ensure-partitions',
  extractFeatures: 'extract-features',
  trainModel: 'train-model',
  scoreFleet: 'score-fleet',
  deliverWebhook: 'deliver-webhook',
  checkDrift: 'check-drift',
  applyRetention: 'apply-retention',
  refreshAsset: 'refresh-asset',
  refreshPending: 'refresh-pending',
} as const;
export type JobName = (typeof JOBS)[keyof typeof JOBS];
