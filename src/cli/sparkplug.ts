import { startSparkplug } from '../worker.js';
import { ingestionCommand } from './ingestion-command.js';

/** The Sparkplug B host on its own (`prognos worker` also runs it when SPARKPLUG_CONFIG is set). */
export const sparkplugCommand = ingestionCommand({
  name: 'sparkplug',
  summary:
    'Ingest Sparkplug B metrics from an MQTT broker (needs SPARKPLUG_CONFIG and SPARKPLUG_URL or MQTT_URL)',
  usage: 'prognos sparkplug',
  missing: (config) =>
    config.sparkplug ? undefined : 'SPARKPLUG_CONFIG (and SPARKPLUG_URL or MQTT_URL) is not set',
  // Defined: `missing` has checked config.sparkplug. Its close() logs the totals.
  start: async (config, ctx) => (await startSparkplug(config, ctx))!,
});
