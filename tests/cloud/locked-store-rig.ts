import pg from 'pg';
import type { Cloud } from '../../cloud/cloud-service.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { GatewayPublisher } from '../support/gateway-publisher.js';
import { uniqueSlug } from '../support/wire-fixtures.js';
import { startTestCloud } from '../support/test-cloud.js';

/**
 * How long the cloud's sessions wait for a lock before PostgreSQL fails the statement with SQLSTATE
 * 55P03 lock_not_available, which ingest takes for a store that cannot write now (store-failure.ts).
 * A test that locks the readings table so makes every readings write fail, as a store fault does.
 */
export const LOCK_TIMEOUT = '50ms';

/**
 * The real parts of a store-fault test of ingest: a private Mosquitto with the deployed ACL, the
 * cloud storing everything in PostgreSQL with LOCK_TIMEOUT on its database, a session of its own
 * (`locker`) to lock tables with, one to read with (`sql`), and two gateways on the wire, one for
 * telemetry and one for alarms.
 */
export class LockedStoreRig {
  private constructor(
    readonly mosquitto: MosquittoInstance,
    readonly postgres: TestPostgresDatabase,
    readonly cloud: Cloud,
    readonly sql: pg.Client,
    readonly locker: pg.Client,
    readonly telemetryGateway: string,
    readonly telemetry: GatewayPublisher,
    readonly alarms: GatewayPublisher,
  ) {}

  /** name: a few letters that tell this test's gateways and passwords from another's. */
  static async start(name: string): Promise<LockedStoreRig> {
    const telemetryGateway = uniqueSlug(`gw-${name}-tele`);
    const alarmGateway = uniqueSlug(`gw-${name}-alarm`);
    const passwords = { [telemetryGateway]: `pw-${name}-tele-1`, [alarmGateway]: `pw-${name}-alarm-1`, [SERVICE_USERNAME]: `pw-${name}-cloud` };
    const [mosquitto, postgres] = await Promise.all([startMosquitto(passwords), createTestPostgresDatabase()]);
    const sql = new pg.Client({ connectionString: postgres.url });
    const locker = new pg.Client({ connectionString: postgres.url });
    const opened: Array<{ close(): Promise<void> }> = [];
    try {
      await sql.connect();
      await sql.query(`ALTER DATABASE "${new URL(postgres.url).pathname.slice(1)}" SET lock_timeout = '${LOCK_TIMEOUT}'`);
      await locker.connect();
      // The locker itself waits for its locks however long it takes (the database's LOCK_TIMEOUT is
      // for the cloud's sessions): an autovacuum of the new database holds SHARE UPDATE EXCLUSIVE on a
      // table now and then, which LOCK TABLE … IN SHARE MODE waits for.
      await locker.query('SET lock_timeout = 0');
      const cloud = await startTestCloud({ brokerUrl: mosquitto.url, servicePassword: passwords[SERVICE_USERNAME], databaseUrl: postgres.url, gatewayIds: [telemetryGateway, alarmGateway] });
      opened.push({ close: () => cloud.stop() });
      const telemetry = await GatewayPublisher.connect(mosquitto.url, telemetryGateway, passwords[telemetryGateway]!);
      opened.push(telemetry);
      const alarms = await GatewayPublisher.connect(mosquitto.url, alarmGateway, passwords[alarmGateway]!);
      return new LockedStoreRig(mosquitto, postgres, cloud, sql, locker, telemetryGateway, telemetry, alarms);
    } catch (error) {
      // What did start is stopped, so a failed start leaves no broker or database behind.
      await Promise.allSettled([...opened.reverse().map((part) => part.close()), sql.end(), locker.end()]);
      await Promise.allSettled([mosquitto.stop(), postgres.drop()]);
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.telemetry.close();
    await this.alarms.close();
    await this.locker.end();
    await this.sql.end();
    await this.cloud.stop();
    await Promise.allSettled([this.mosquitto.stop(), this.postgres.drop()]);
  }
}
