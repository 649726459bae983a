import { startMqttSubscriber } from '../acquisition/mqtt-subscriber.js';
import { loadConfig } from '../config.js';
import { createContext } from '../context.js';
import { onShutdown } from '../lifecycle.js';
import { UsageError, type Command } from './command.js';

/** The MQTT subscriber on its own (`prognos worker` also runs it when MQTT_URL is set). */
export const mqttCommand: Command = {
  name: 'mqtt',
  summary: 'Ingest live readings from MQTT topics prognos/<asset>/<sensor> (needs MQTT_URL)',
  usage: 'prognos mqtt',
  async run(args) {
    if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}"`);
    const config = loadConfig();
    if (!config.mqttUrl) throw new UsageError('MQTT_URL is not set');
    const ctx = await createContext(config);
    const subscriber = startMqttSubscriber({
      url: config.mqttUrl,
      readings: ctx.readings,
      assets: ctx.assets,
      logger: ctx.logger,
    });
    onShutdown(ctx.logger, config.shutdownTimeoutMs, [
      async () => {
        ctx.logger.info(subscriber.stats(), 'MQTT ingestion totals');
        await subscriber.close();
      },
      () => ctx.close(),
    ]);
    await new Promise(() => {});
    return 0;
  },
};
