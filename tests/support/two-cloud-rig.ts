import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { CloudInstance } from './cloud-instance.js';
import { startMosquitto, type MosquittoInstance } from './mosquitto.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from './postgres.js';
import { UplinkGateway } from './uplink-gateway.js';
import { uniqueSlug } from './wire-fixtures.js';

/** The share group both instances name in their config (broker.share_group). */
export const SHARE_GROUP = 'ingest';
/** The second instance's broker account; the first uses the shipped one (SERVICE_USERNAME). */
const SECOND_CLOUD_ACCOUNT = 'estatecare-cloud-2';

export interface TwoCloudRigOptions {
  /** Prefix of gateway ids, the estate and the temp folder. */
  name: string;
  gateways: number;
  /** The gateways' receipt timeout (UplinkGatewayOptions.receiptTimeoutMs). */
  receiptTimeoutMs: number;
}

export interface TicketOpening {
  episodeId: string;
  /** tickets.opened_at (the opening instance's clock, on this machine), ms. */
  openedAt: number;
}

/**
 * Two cloud instances as an operator runs them to scale out: each its own `estatecare cloud`
 * process with its own Mosquitto account, both in one share group, on one PostgreSQL database and
 * one Mosquitto (deploy/mosquitto's config and ACL, the second account given the same rules as the
 * shipped one); and gateways' uplinks in this process. Both instances are started, one after the
 * other (the first migrates the database), before the gateways.
 */
export class TwoCloudRig {
  private constructor(
    readonly dir: string,
    readonly mosquitto: MosquittoInstance,
    readonly postgres: TestPostgresDatabase,
    readonly sql: pg.Pool,
    readonly instances: readonly [CloudInstance, CloudInstance],
    readonly gateways: readonly UplinkGateway[],
  ) {}

  static async start(options: TwoCloudRigOptions): Promise<TwoCloudRig> {
    const dir = mkdtempSync(join(tmpdir(), `estatecare-${options.name}-`));
    const gatewayIds = Array.from({ length: options.gateways }, () => uniqueSlug(options.name));
    const accounts: Record<string, string> = { [SERVICE_USERNAME]: `pw-${options.name}-cloud-1`, [SECOND_CLOUD_ACCOUNT]: `pw-${options.name}-cloud-2` };
    const passwords: Record<string, string> = { ...accounts, ...Object.fromEntries(gatewayIds.map((id) => [id, `pw-${id}`])) };
    const cleanups: Array<() => Promise<unknown>> = [async () => rmSync(dir, { recursive: true, force: true })];
    try {
      const [mosquitto, postgres] = await Promise.all([startMosquitto(passwords, { cloudAccounts: [SECOND_CLOUD_ACCOUNT] }), createTestPostgresDatabase()]);
      cleanups.push(() => mosquitto.stop(), () => postgres.drop());
      const instance = (name: string, username: string): CloudInstance =>
        new CloudInstance({
          name,
          dir,
          brokerUrl: mosquitto.url,
          username,
          password: accounts[username]!,
          shareGroup: SHARE_GROUP,
          databaseUrl: postgres.url,
          estate: { id: `${options.name}-estate`, name: `${options.name} estate` },
          gatewayIds,
        });
      const instances = [instance('cloud-1', SERVICE_USERNAME), instance('cloud-2', SECOND_CLOUD_ACCOUNT)] as const;
      cleanups.push(...instances.map((cloud) => () => cloud.stop()));
      for (const cloud of instances) await cloud.start();
      const sql = new pg.Pool({ connectionString: postgres.url, max: 4 });
      cleanups.push(() => sql.end());
      const gateways: UplinkGateway[] = [];
      cleanups.push(() => Promise.all(gateways.map((gateway) => gateway.stop())));
      for (const gatewayId of gatewayIds) {
        gateways.push(await UplinkGateway.start({ url: mosquitto.url, gatewayId, password: passwords[gatewayId]!, receiptTimeoutMs: options.receiptTimeoutMs }));
      }
      return new TwoCloudRig(dir, mosquitto, postgres, sql, instances, gateways);
    } catch (error) {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
      throw error;
    }
  }

  /** The tickets of these alert episodes found now, by episode id (several rows for an episode would all be listed). */
  async ticketsOf(episodeIds: readonly string[]): Promise<TicketOpening[]> {
    const { rows } = await this.sql.query<{ episode_id: string; opened_at: Date }>('SELECT episode_id, opened_at FROM tickets WHERE episode_id = ANY($1)', [episodeIds]);
    return rows.map((row) => ({ episodeId: row.episode_id, openedAt: row.opened_at.getTime() }));
  }

  async ticketCount(): Promise<number> {
    const { rows } = await this.sql.query<{ n: string }>('SELECT count(*) AS n FROM tickets');
    return Number(rows[0]!.n);
  }

  async readingCount(): Promise<number> {
    const { rows } = await this.sql.query<{ n: string }>('SELECT count(*) AS n FROM readings');
    return Number(rows[0]!.n);
  }

  /** Both instances' output, for a failure message. */
  log(): string {
    return this.instances.map((cloud) => cloud.log()).join('\n');
  }

  /** Stops the gateways, then the instances (SIGTERM), then the services. */
  async close(): Promise<void> {
    await Promise.allSettled(this.gateways.map((gateway) => gateway.stop()));
    await Promise.allSettled(this.instances.map((cloud) => cloud.stop()));
    await this.sql.end().catch(() => undefined);
    await Promise.allSettled([this.mosquitto.stop(), this.postgres.drop()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
