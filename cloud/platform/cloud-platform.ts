import { randomBytes } from 'node:crypto';
import { componentOf, type Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import type { CloudConfig } from '../config/cloud-config.js';
import { migrate } from '../db/migrate.js';
import type { SqlDatabase } from '../db/sql-database.js';
import { EmbeddedCloudBroker, SERVICE_USERNAME } from '../broker/embedded-cloud-broker.js';
import { RegistryRepository } from '../registry/registry-repository.js';
import { seedRegistry } from '../registry/seed-registry.js';
import { GatewayLoginCheck } from '../registry/gateway-login-check.js';
import { ConfigGatewayPasswords } from '../registry/config-gateway-passwords.js';
import { createTelemetryStore } from '../telemetry/create-telemetry-store.js';
import type { TelemetryStore } from '../telemetry/telemetry-store.js';
import type { Clock } from '../../shared/time/clock.js';
import { CloudMqttConnection, type CloudMqttSettings } from './cloud-mqtt-connection.js';
import { newCloudPresence } from './cloud-presence-message.js';

/** What every module of the cloud stands on: its stores, its broker, its one MQTT connection. */
export interface CloudPlatform {
  readonly db: SqlDatabase;
  readonly registry: RegistryRepository;
  readonly telemetry: TelemetryStore;
  /** The broker in this process; null with an external one (broker.embedded: false). */
  readonly broker: EmbeddedCloudBroker | null;
  readonly connection: CloudMqttConnection;
  /**
   * In start order: the database (migrated), the registry (seeded from the config), the telemetry
   * store, the embedded broker, the MQTT connection to it.
   */
  readonly components: readonly Component[];
}

/** The platform over an opened database; nothing else is acquired before its components start. */
export function buildCloudPlatform(db: SqlDatabase, config: CloudConfig, clock: Clock, logger: Logger): CloudPlatform {
  const registry = new RegistryRepository(db);
  const telemetry = createTelemetryStore(config.telemetry, db);
  const gatewayLogins = new GatewayLoginCheck(db, new ConfigGatewayPasswords(registry, config.registry.estates));
  const { broker, serviceAccount } = brokerOf(config.broker, gatewayLogins, clock, logger);
  const connection = new CloudMqttConnection(serviceAccount, logger.child({ component: 'cloud-mqtt' }));
  return {
    db,
    registry,
    telemetry,
    broker,
    connection,
    components: [
      componentOf('database', async () => void (await migrate(db, logger)), () => db.close()),
      componentOf('registry', () => seedRegistry(registry, config.registry.estates)),
      componentOf('telemetry-store', () => telemetry.init(), () => telemetry.close()),
      ...(broker ? [broker] : []),
      connection,
    ],
  };
}

/**
 * The embedded broker when configured, and how the cloud's service account logs in: on the embedded
 * broker with the password it made for this start, under a client id of this start (it keeps no
 * session across a restart); on an external broker with the configured login and client id, under
 * which the broker keeps the persistent session, or, with a share group, as one member of the group
 * whose departure is a new cloud presence (gateways then send again what it left unanswered).
 */
function brokerOf(
  config: CloudConfig['broker'],
  gatewayLogins: GatewayLoginCheck,
  clock: Clock,
  logger: Logger,
): { broker: EmbeddedCloudBroker | null; serviceAccount: () => CloudMqttSettings } {
  if (!config.embedded) {
    const account: CloudMqttSettings = { url: config.url, username: config.username, password: config.password, clientId: config.client_id };
    if (config.share_group !== null) account.departure = () => newCloudPresence(clock);
    return { broker: null, serviceAccount: () => account };
  }
  const broker = new EmbeddedCloudBroker({ host: config.host, port: config.port }, gatewayLogins, logger.child({ component: 'cloud-broker' }));
  const clientId = `estatecare-cloud-ingest-${randomBytes(4).toString('hex')}`;
  // aedes speaks MQTT 3.1.1 only.
  return { broker, serviceAccount: () => ({ url: broker.url, username: SERVICE_USERNAME, password: broker.servicePassword, clientId, protocolVersion: 4 }) };
}
