import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { DriverName } from '../profiles/device-profile.js';
import type { DeviceSink, Driver } from './driver.js';
import { MqttDriver } from './mqtt/mqtt-driver.js';

/** What the composition root can give a driver; each driver takes the parts it needs. */
export interface DriverContext {
  gatewayId: string;
  sink: DeviceSink;
  logger: Logger;
  clock: Clock;
  /** URL of the gateway's local MQTT broker, known once it listens. */
  localBrokerUrl: () => string;
}

/** The driver registry: one case per protocol folder under edge/drivers/. */
export function createDriver(name: DriverName, context: DriverContext): Driver {
  switch (name) {
    case 'modbus':
    case 'dlt645':
    case 'cjt188':
      throw new Error(`the ${name} driver is not wired into the gateway yet`);
    case 'mqtt':
      return new MqttDriver({
        brokerUrl: context.localBrokerUrl,
        clientId: `estatecare-gw-${context.gatewayId}-mqtt-driver`,
        sink: context.sink,
        logger: context.logger.child({ component: 'mqtt-driver' }),
        clock: context.clock,
      });
  }
}
