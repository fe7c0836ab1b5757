import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { DriverName } from '../profiles/device-profile.js';
import type { DeviceSink, Driver } from './driver.js';
import { MqttDriver } from './mqtt/mqtt-driver.js';
import { PolledDriver } from '../bus/polled-driver.js';
import type { BusConfig } from '../bus/bus-config.js';
import type { DeviceIntakeHost } from '../local-broker/embedded-broker.js';
import { POLLED_PROTOCOLS } from './polled-protocols.js';

/** What the composition root can give a driver; each driver takes the parts it needs. */
export interface DriverContext {
  gatewayId: string;
  sink: DeviceSink;
  logger: Logger;
  clock: Clock;
  /** URL of the gateway's local MQTT broker, known once it listens. */
  localBrokerUrl: () => string;
  /** The embedded local broker, whose intake the MQTT driver becomes; null with an external broker. */
  embeddedBroker: DeviceIntakeHost | null;
  /** The field buses of the gateway config, by id. */
  buses: ReadonlyMap<string, BusConfig>;
}

/** The driver registry: one case per protocol folder under edge/drivers/. */
export function createDriver(name: DriverName, context: DriverContext): Driver {
  switch (name) {
    case 'modbus':
    case 'dlt645':
    case 'cjt188':
      return new PolledDriver(
        name,
        POLLED_PROTOCOLS[name].implementation,
        context.buses,
        context.sink,
        context.clock,
        context.logger.child({ component: `${name}-driver` }),
      );
    case 'mqtt':
      return new MqttDriver({
        brokerUrl: context.localBrokerUrl,
        embeddedBroker: context.embeddedBroker ?? undefined,
        clientId: `estatecare-gw-${context.gatewayId}-mqtt-driver`,
        sink: context.sink,
        logger: context.logger.child({ component: 'mqtt-driver' }),
        clock: context.clock,
      });
  }
}
