import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { stringify } from 'yaml';
import { validateConfig } from '../../shared/config/load-config.js';
import { silentLogger } from '../../shared/log/logger.js';
import { Cloud } from '../../cloud/cloud-service.js';
import { CloudConfigSchema } from '../../cloud/config/cloud-config.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { runCli, type CliRun } from '../support/cli.js';
import { eventually, freePort } from '../support/net.js';
import { uniqueSlug } from '../support/wire-fixtures.js';

const LIFTS = 30;

/**
 * The cloud broker is stopped for seconds while lifts keep raising alarms (Mosquitto with persistence,
 * as deployed, so the cloud's session survives the restart); the gateway runs as its own process. Counted against what was produced: every alarm becomes exactly one ticket and one stored
 * event, whether it was raised before, during or after the outage.
 */
describe('a cloud broker outage under traffic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-outage-'));
  const gatewayId = uniqueSlug('gw-outage');
  const passwords = { [gatewayId]: 'pw-outage-gw1', [SERVICE_USERNAME]: 'pw-outage-cloud' };
  let mosquitto: MosquittoInstance;
  let postgres: TestPostgresDatabase;
  let cloud: Cloud;
  let gateway: CliRun;
  let device: MqttClient;
  let sql: pg.Client;

  beforeAll(async () => {
    [mosquitto, postgres] = await Promise.all([startMosquitto(passwords), createTestPostgresDatabase()]);
    cloud = new Cloud(
      validateConfig(
        CloudConfigSchema,
        {
          // The default: no $share group. Mosquitto 2.0 does not queue shared-subscription messages
          // for a member that is away, so with a share group this very test loses what the gateway
          // sent while the cloud's session was being restored.
          broker: { embedded: false, url: mosquitto.url, username: SERVICE_USERNAME, password: passwords[SERVICE_USERNAME], client_id: uniqueSlug('ingest') },
          database: { url: postgres.url },
          api: { host: '127.0.0.1', port: 0 },
          registry: { estates: [{ id: 'outage-estate', name: 'Outage Gardens', gateways: [{ id: gatewayId }] }] },
        },
        'test cloud config',
      ),
      { logger: silentLogger() },
    );
    await cloud.start();
    const localPort = await freePort();
    const config = {
      gateway: { id: gatewayId },
      uplink: { url: mosquitto.url, password: passwords[gatewayId], reconnect_period_ms: 200 },
      local_broker: { embedded: true, host: '127.0.0.1', port: localPort },
      data_dir: join(dir, 'gateway'),
      log_level: 'warn',
      devices: Array.from({ length: LIFTS }, (_, i) => ({ id: `lift-${i}`, profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id: `lift-${i}` }, mqtt: { topic: `estate/lift-${i}` } })),
    };
    const configFile = join(dir, 'gateway.yaml');
    writeFileSync(configFile, stringify(config));
    gateway = runCli(['gateway', '--config', configFile]);
    device = await eventually('the gateway local broker', async () => mqtt.connectAsync(`mqtt://127.0.0.1:${localPort}`, { clientId: uniqueSlug('lifts'), reconnectPeriod: 0 }), 20_000);
    sql = new pg.Client({ connectionString: postgres.url });
    await sql.connect();
    // Devices publish into the gateway's broker with no session: until its driver has subscribed,
    // what they send reaches no one. Wait until a lift's status frames arrive in the cloud.
    let seq = 100;
    await eventually(
      'the gateway to read its lifts and reach the cloud',
      async () => {
        await device.publishAsync('estate/lift-0', JSON.stringify({ time: new Date().toISOString(), seq: seq++, car_status: 1, door_zone: 1, passenger_status: 2 }), { qos: 1 });
        const { rows } = await sql.query('SELECT 1 FROM readings WHERE gateway_id = $1 LIMIT 1', [gatewayId]);
        return rows.length > 0;
      },
      30_000,
    );
  }, 60_000);

  afterAll(async () => {
    await device?.endAsync();
    if (gateway && gateway.child.exitCode === null) {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
    await sql?.end();
    await cloud?.stop();
    await Promise.allSettled([mosquitto?.stop(), postgres?.drop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const pressAlarm = (lift: number, seq: number) =>
    device.publishAsync(`estate/lift-${lift}`, JSON.stringify({ time: new Date().toISOString(), seq, event_code: 90 }), { qos: 1 });

  it('loses no alarm and opens no duplicate ticket', { timeout: 90_000 }, async () => {
    for (let lift = 0; lift < 10; lift++) await pressAlarm(lift, 1);
    await mosquitto.halt();
    for (let lift = 10; lift < 20; lift++) await pressAlarm(lift, 1);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await mosquitto.restart();
    for (let lift = 20; lift < LIFTS; lift++) await pressAlarm(lift, 1);

    const tickets = await eventually(
      `${LIFTS} tickets`,
      async () => {
        const { rows } = await sql.query<{ subject_id: string; n: string }>(
          `SELECT subject_id, count(*) AS n FROM tickets WHERE gateway_id = $1 GROUP BY subject_id`,
          [gatewayId],
        );
        return rows.length === LIFTS ? rows : undefined;
      },
      45_000,
    ).catch(async (error: Error) => {
      const { rows } = await sql.query(`SELECT subject_id FROM tickets WHERE gateway_id = $1 ORDER BY subject_id`, [gatewayId]);
      throw new Error(`${error.message}; tickets for ${rows.map((r) => r.subject_id).join(',')}; gateway log: ${gateway.stdout().slice(-2000)} ${gateway.stderr().slice(-1000)}`);
    });
    expect(tickets.every((row) => Number(row.n) === 1)).toBe(true);
    const { rows: events } = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM events WHERE gateway_id = $1 AND type = 'lift_alarm_button'`, [gatewayId]);
    expect(Number(events[0]!.n)).toBe(LIFTS);
    expect(gateway.child.exitCode).toBeNull();
  });
});
