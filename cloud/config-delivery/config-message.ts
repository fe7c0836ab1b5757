import { SCHEMA_VERSION, toWireTime, type ConfigMessage } from '../../shared/contract/index.js';
import type { StoredGatewayConfig } from './gateway-config-repository.js';

/**
 * The retained config message of wire contract v1 for a stored config. Its seq is the config
 * version: config messages are few, and a gateway can tell an older one from a newer by it.
 */
export function configMessageOf(config: StoredGatewayConfig, sentAt: number): ConfigMessage {
  return {
    schema_version: SCHEMA_VERSION,
    gateway_id: config.gatewayId,
    seq: config.version,
    sent_at: toWireTime(sentAt),
    config: { config_version: String(config.version), issued_at: toWireTime(config.issuedAt), rules: config.rules },
  };
}
