import type { Logger } from '../../shared/log/logger.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { resolveDeviceLogins } from './device-logins.js';
import { EmbeddedBroker } from './embedded-broker.js';

/**
 * The gateway's embedded local broker with its device logins, or null for an external one. Password
 * files and variables are read here, when the gateway is built: a missing one is a ConfigError.
 */
export function createLocalBroker(config: GatewayConfig, logger: Logger): EmbeddedBroker | null {
  const brokerConfig = config.local_broker;
  if (!brokerConfig.embedded) return null;
  const { logins, withoutCredentials } = resolveDeviceLogins(config, `gateway ${config.gateway.id} config`);
  if (withoutCredentials.length > 0) {
    logger.warn({ devices: withoutCredentials }, 'MQTT devices without local_broker.device_credentials cannot log in to the local broker');
  }
  return new EmbeddedBroker({ host: brokerConfig.host, port: brokerConfig.port, devices: logins }, logger);
}
