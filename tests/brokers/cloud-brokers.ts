import { silentLogger } from '../../shared/log/logger.js';
import { EmbeddedCloudBroker, SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { migrate } from '../../cloud/db/migrate.js';
import { openDatabase } from '../../cloud/db/open-database.js';
import { RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { startMosquitto } from '../support/mosquitto.js';
import type { Login } from './mqtt-probe.js';

/** A cloud broker as deployed, with two gateways registered and the cloud's service account. */
export interface CloudBrokerUnderTest {
  url: string;
  /** The cloud's own login; its client id is the one the cloud's ingest would use. */
  service: Login;
  /** The password of each registered gateway. */
  gatewayPasswords: Record<string, string>;
  stop(): Promise<void>;
}

export interface CloudBrokerKind {
  name: string;
  /**
   * How the broker answers a subscription beyond a gateway's own topics. Mosquitto 2.0 with an
   * acl_file grants it and checks every message against the read rules before delivery, so with it
   * the proof is what arrives, not the SUBACK; the embedded broker refuses it (SUBACK 0x80).
   */
  forbiddenSubscriptionAnswer: 'granted' | 'refused';
  start(gatewayIds: readonly string[]): Promise<CloudBrokerUnderTest>;
}

const passwordOf = (gatewayId: string): string => `pw-${gatewayId}-secret`;

/**
 * The two cloud brokers the product ships: Mosquitto with deploy/mosquitto's config and ACL (a
 * private process on a free port, users in its password file), and the embedded aedes broker,
 * which checks gateway passwords against the registry (here on in-memory PGlite).
 */
export const CLOUD_BROKERS: readonly CloudBrokerKind[] = [
  {
    name: 'Mosquitto with the shipped config and ACL',
    forbiddenSubscriptionAnswer: 'granted',
    async start(gatewayIds) {
      const gatewayPasswords = Object.fromEntries(gatewayIds.map((id) => [id, passwordOf(id)]));
      const servicePassword = 'pw-cloud-service';
      const mosquitto = await startMosquitto({ ...gatewayPasswords, [SERVICE_USERNAME]: servicePassword });
      return {
        url: mosquitto.url,
        // The cloud config's default client_id.
        service: { username: SERVICE_USERNAME, password: servicePassword, clientId: 'estatecare-cloud-ingest' },
        gatewayPasswords,
        stop: () => mosquitto.stop(),
      };
    },
  },
  {
    name: 'the embedded cloud broker (aedes) on the registry',
    forbiddenSubscriptionAnswer: 'refused',
    async start(gatewayIds) {
      const db = await openDatabase({ pglite_dir: null });
      await migrate(db);
      const registry = new RegistryRepository(db);
      await registry.upsertEstate({ id: 'broker-estate', name: 'Broker estate' });
      for (const id of gatewayIds) await registry.upsertGateway({ id, estateId: 'broker-estate', name: id, password: passwordOf(id) });
      const broker = new EmbeddedCloudBroker({ host: '127.0.0.1', port: 0 }, registry, silentLogger());
      await broker.start();
      return {
        url: broker.url,
        service: { username: SERVICE_USERNAME, password: broker.servicePassword, clientId: 'estatecare-cloud-ingest-test' },
        gatewayPasswords: Object.fromEntries(gatewayIds.map((id) => [id, passwordOf(id)])),
        async stop() {
          await broker.stop();
          await db.close();
        },
      };
    },
  },
];
