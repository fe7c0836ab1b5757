import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../shared/log/logger.js';
import { ManualClock } from '../../shared/time/clock.js';
import { EmbeddedCloudBroker, SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { CloudConfigSchema } from '../../cloud/config/cloud-config.js';
import { migrate } from '../../cloud/db/migrate.js';
import { openDatabase } from '../../cloud/db/open-database.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import type { Caller } from '../../cloud/access/caller.js';
import { GatewayCredentialService } from '../../cloud/registry/gateway-credential-service.js';
import { GatewayLoginCheck } from '../../cloud/registry/gateway-login-check.js';
import { RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { ACL_FILE_NAME, PASSWORD_FILE_NAME, writeBrokerFiles } from '../../deploy/cli/commands/admin/broker-files.js';
import { startMosquitto } from '../support/mosquitto.js';
import { BASE_TIME } from '../support/wire-fixtures.js';
import type { Login } from './mqtt-probe.js';

/** A cloud broker as deployed, with two gateways registered and the cloud's service account. */
export interface CloudBrokerUnderTest {
  url: string;
  /** The cloud's own login; its client id is the one the cloud's ingest would use. */
  service: Login;
  /** The password in force of each registered gateway, as the registry issued it. */
  gatewayPasswords: Record<string, string>;
  /**
   * Has an administrator issue the gateway a new password through the registry (a rotation) and
   * puts it in force as the product does: the embedded broker at the next CONNECT, Mosquitto once
   * the operator has written its files again and reloaded it. Updates gatewayPasswords.
   */
  rotate(gatewayId: string): Promise<void>;
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

/** A registry (in-memory PGlite) whose gateways hold passwords issued by an administrator through the credential service. */
interface IssuingRegistry {
  db: SqlDatabase;
  registry: RegistryRepository;
  credentials: GatewayCredentialService;
  operator: Caller;
  passwords: Record<string, string>;
  /** Issues the gateway a new password, replacing the one in force. */
  issue(gatewayId: string): Promise<void>;
}

async function issuingRegistry(gatewayIds: readonly string[]): Promise<IssuingRegistry> {
  const db = await openDatabase({ pglite_dir: null });
  await migrate(db);
  const registry = new RegistryRepository(db);
  await registry.upsertEstate({ id: 'broker-estate', name: 'Broker estate' });
  for (const id of gatewayIds) await registry.upsertGateway({ id, estateId: 'broker-estate', name: id });
  const credentials = new GatewayCredentialService(db, new ManualClock(BASE_TIME));
  const operator = await loadOperatorCaller(db);
  const passwords: Record<string, string> = {};
  const issue = async (gatewayId: string): Promise<void> => {
    passwords[gatewayId] = (await credentials.issue(operator, gatewayId)).password;
  };
  for (const id of gatewayIds) await issue(id);
  return { db, registry, credentials, operator, passwords, issue };
}

/**
 * The two cloud brokers the product ships, both on passwords an administrator issued through the
 * registry: Mosquitto with deploy/mosquitto's config and the password file and ACL that
 * `estatecare admin broker-files` writes (a private process on a free port), and the embedded aedes
 * broker, which checks the registry (here on in-memory PGlite) at every CONNECT.
 */
export const CLOUD_BROKERS: readonly CloudBrokerKind[] = [
  {
    name: 'Mosquitto with the shipped config and the files broker-files writes',
    forbiddenSubscriptionAnswer: 'granted',
    async start(gatewayIds) {
      const issued = await issuingRegistry(gatewayIds);
      const servicePassword = 'pw-cloud-service';
      const config = CloudConfigSchema.parse({ broker: { embedded: false, url: 'mqtt://127.0.0.1:1883', username: SERVICE_USERNAME, password: servicePassword } });
      const outDir = mkdtempSync(join(tmpdir(), 'estatecare-broker-files-'));
      const writeFiles = () => writeBrokerFiles(issued.credentials, issued.operator, config, outDir, () => {});
      await writeFiles();
      const mosquitto = await startMosquitto({}, { files: { passwordFile: join(outDir, PASSWORD_FILE_NAME), aclFile: join(outDir, ACL_FILE_NAME) } });
      return {
        url: mosquitto.url,
        // The cloud config's default client_id.
        service: { username: SERVICE_USERNAME, password: servicePassword, clientId: 'estatecare-cloud-ingest' },
        gatewayPasswords: issued.passwords,
        async rotate(gatewayId) {
          await issued.issue(gatewayId);
          await writeFiles();
          await mosquitto.reload();
        },
        async stop() {
          await mosquitto.stop();
          await issued.db.close();
          rmSync(outDir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'the embedded cloud broker (aedes) on the registry',
    forbiddenSubscriptionAnswer: 'refused',
    async start(gatewayIds) {
      const issued = await issuingRegistry(gatewayIds);
      const broker = new EmbeddedCloudBroker({ host: '127.0.0.1', port: 0 }, new GatewayLoginCheck(issued.db, issued.registry), silentLogger());
      await broker.start();
      return {
        url: broker.url,
        service: { username: SERVICE_USERNAME, password: broker.servicePassword, clientId: 'estatecare-cloud-ingest-test' },
        gatewayPasswords: issued.passwords,
        rotate: (gatewayId) => issued.issue(gatewayId),
        async stop() {
          await broker.stop();
          await issued.db.close();
        },
      };
    },
  },
];
