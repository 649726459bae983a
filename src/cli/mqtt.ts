import { mqttSubscriberSettings, startMqttSubscriber } from '../acquisition/mqtt-subscriber.js';
import { ingestionCommand } from './ingestion-command.js';

/** The MQTT subscriber on its own (`prognos worker` also runs it when MQTT_URL is set). */
export const mqttCommand = ingestionCommand({
  name: 'mqtt',
  summary: 'Ingest live readings from MQTT topics prognos/<asset>/<sensor> (needs MQTT_URL)',
  usage: 'prognos mqtt',
  missing: (config) => (config.mqttUrl ? undefined : 'MQTT_URL is not set'),
  async start(config, ctx) {
    const subscriber = startMqttSubscriber({
      ...mqttSubscriberSettings(config),
      readings: ctx.readings,
      assets: ctx.assets,
      logger: ctx.logger,
    });
    return {
      async close() {
        ctx.logger.info(subscriber.stats(), 'MQTT ingestion totals');
        await subscriber.close();
      },
    };
  },
});
