import { validateConfig } from '../../shared/config/load-config.js';
import { silentLogger, type Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import { Cloud } from '../../cloud/cloud-service.js';
import { CloudConfigSchema, type CloudConfig } from '../../cloud/config/cloud-config.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { uniqueSlug } from './wire-fixtures.js';

export interface TestCloudOptions {
  /** The Mosquitto the cloud subscribes to, with the service account's password. */
  brokerUrl: string;
  servicePassword: string;
  /** PostgreSQL of the tickets and registry (and of the telemetry, without influx). */
  databaseUrl: string;
  /** Registered in one estate. */
  gatewayIds: string[];
  estate?: { id: string; name: string };
  /** The ingest's MQTT client id; its persistent session on the broker goes by it. Default: a fresh one. */
  clientId?: string;
  /** Readings and events in this InfluxDB database instead of SQL. */
  influx?: { url: string; database: string };
  /** The cloud's clock: the machine's by default. */
  clock?: Clock;
}

/**
 * The cloud as deployed against a real broker and database, API on a free port. No $share group:
 * Mosquitto 2.0 drops shared-subscription messages while the group has no member present.
 */
export function testCloudConfig(options: TestCloudOptions): CloudConfig {
  const estate = options.estate ?? { id: 'test-estate', name: 'Test Gardens' };
  return validateConfig(
    CloudConfigSchema,
    {
      broker: { embedded: false, url: options.brokerUrl, username: SERVICE_USERNAME, password: options.servicePassword, client_id: options.clientId ?? uniqueSlug('ingest') },
      database: { url: options.databaseUrl },
      ...(options.influx ? { telemetry: { backend: 'influxdb', influxdb: options.influx } } : {}),
      api: { host: '127.0.0.1', port: 0 },
      registry: { estates: [{ ...estate, gateways: options.gatewayIds.map((id) => ({ id })) }] },
    },
    'test cloud config',
  );
}

/** Builds the cloud of testCloudConfig and starts it. */
export async function startTestCloud(options: TestCloudOptions, logger: Logger = silentLogger()): Promise<Cloud> {
  const cloud = new Cloud(testCloudConfig(options), { logger, ...(options.clock ? { clock: options.clock } : {}) });
  await cloud.start();
  return cloud;
}
