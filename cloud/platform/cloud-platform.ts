import { randomBytes } from 'node:crypto';
import { componentOf, type Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import { URGENT_LANE_SUFFIX, urgentLaneLogin, type CloudConfig } from '../config/cloud-config.js';
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

/**
 * The cloud's two connections to its broker, each with its own session and receive window (MQTT 5.0
 * Receive Maximum, cloud-mqtt-connection.ts INFLIGHT_MESSAGES): a telemetry backlog that fills one
 * window cannot hold back what arrives on the other.
 */
export interface CloudConnections {
  /**
   * Alerts and status arrive here (cloud/ingest/ingest-lanes.ts), and every module publishes
   * here (gateway configs, receipts, presence): a publish resolves on its PUBACK, which a full
   * telemetry window would leave unread.
   */
  readonly urgent: CloudMqttConnection;
  /** Telemetry, events and household activity: the bulk of the traffic, stored in grouped writes. */
  readonly telemetry: CloudMqttConnection;
}

/** What every module of the cloud stands on: its stores, its broker, its MQTT connections. */
export interface CloudPlatform {
  readonly db: SqlDatabase;
  readonly registry: RegistryRepository;
  readonly telemetry: TelemetryStore;
  /** The broker in this process; null with an external one (broker.embedded: false). */
  readonly broker: EmbeddedCloudBroker | null;
  /** The urgent lane's connection, on which every module publishes (connections.urgent). */
  readonly connection: CloudMqttConnection;
  readonly connections: CloudConnections;
  /**
   * In start order: the database (migrated), the registry (seeded from the config), the telemetry
   * store, the embedded broker, the MQTT connections to it.
   */
  readonly components: readonly Component[];
}

/** The platform over an opened database; nothing else is acquired before its components start. */
export function buildCloudPlatform(db: SqlDatabase, config: CloudConfig, clock: Clock, logger: Logger): CloudPlatform {
  const registry = new RegistryRepository(db);
  const telemetry = createTelemetryStore(config.telemetry, db);
  const gatewayLogins = new GatewayLoginCheck(db, new ConfigGatewayPasswords(registry, config.registry.estates));
  const { broker, accounts } = brokerOf(config.broker, gatewayLogins, clock, logger);
  const connections: CloudConnections = {
    urgent: new CloudMqttConnection(accounts.urgent, logger.child({ component: 'cloud-mqtt', lane: 'urgent' }), 'urgent'),
    telemetry: new CloudMqttConnection(accounts.telemetry, logger.child({ component: 'cloud-mqtt', lane: 'telemetry' }), 'telemetry'),
  };
  return {
    db,
    registry,
    telemetry,
    broker,
    connection: connections.urgent,
    connections,
    components: [
      componentOf('database', async () => void (await migrate(db, logger)), () => db.close()),
      componentOf('registry', () => seedRegistry(registry, config.registry.estates)),
      componentOf('telemetry-store', () => telemetry.init(), () => telemetry.close()),
      ...(broker ? [broker] : []),
      connections.urgent,
      connections.telemetry,
    ],
  };
}

/**
 * The embedded broker when configured, and how each of the cloud's connections logs in: on the
 * embedded broker as its service account with the password it made for this start, under client
 * ids of this start (it keeps no session across a restart); on an external broker the telemetry
 * lane with the configured login and client id and the urgent lane with its own
 * (urgentLaneLogin), under which the broker keeps each lane's persistent session, or, with a share
 * group, each as one member of the group whose departure is a new cloud presence (gateways then
 * send again what it left unanswered).
 */
function brokerOf(
  config: CloudConfig['broker'],
  gatewayLogins: GatewayLoginCheck,
  clock: Clock,
  logger: Logger,
): { broker: EmbeddedCloudBroker | null; accounts: Record<keyof CloudConnections, () => CloudMqttSettings> } {
  if (!config.embedded) {
    const telemetry: CloudMqttSettings = { url: config.url, username: config.username, password: config.password, clientId: config.client_id };
    const urgent: CloudMqttSettings = { url: config.url, ...urgentLaneLogin(config) };
    if (config.share_group !== null) {
      telemetry.departure = () => newCloudPresence(clock);
      urgent.departure = () => newCloudPresence(clock);
    }
    return { broker: null, accounts: { urgent: () => urgent, telemetry: () => telemetry } };
  }
  const broker = new EmbeddedCloudBroker({ host: config.host, port: config.port }, gatewayLogins, logger.child({ component: 'cloud-broker' }));
  const clientId = `estatecare-cloud-ingest-${randomBytes(4).toString('hex')}`;
  // aedes speaks MQTT 3.1.1 only.
  const account = (id: string) => (): CloudMqttSettings => ({ url: broker.url, username: SERVICE_USERNAME, password: broker.servicePassword, clientId: id, protocolVersion: 4 });
  return { broker, accounts: { urgent: account(`${clientId}${URGENT_LANE_SUFFIX}`), telemetry: account(clientId) } };
}
