/** The test context's MQTT subscriber on the local broker (MQTT_URL). */
import { startMqttSubscriber, type MqttSubscriber } from '../../src/acquisition/mqtt-subscriber.js';
import type { TestCtx } from '../acquisition-helpers.js';
import { MQTT_URL } from './database.js';

/** Under its own topic prefix and client id, so parallel test files never see each other's messages. */
export function startTestSubscriber(ctx: TestCtx, prefix: string): MqttSubscriber {
  return startMqttSubscriber({
    url: MQTT_URL!,
    readings: ctx.readings,
    assets: ctx.assets,
    logger: ctx.logger,
    prefix,
    clientId: `${prefix}-sub`,
    clean: true,
  });
}
