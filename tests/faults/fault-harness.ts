import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { stringify } from 'yaml';
import { validateConfig } from '../../shared/config/load-config.js';
import { Cloud } from '../../cloud/cloud-service.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { GatewayConfigSchema, type GatewayConfigInput } from '../../edge/config/gateway-config.js';
import { gatewayOutboxPath } from '../../edge/storage/data-dir.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { testDeviceCredentials, testDeviceLogin } from '../support/device-logins.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { runCli, type CliRun } from '../support/cli.js';
import { eventually, freePort, waitForPort } from '../support/net.js';
import { uniqueSlug } from '../support/wire-fixtures.js';
import { startTestCloud } from '../support/test-cloud.js';

/**
 * Shared setup of the fault tests, every part a real process or server: a private Mosquitto with the
 * deployed config and ACL (halt/restart keep its persisted sessions), a throwaway PostgreSQL
 * database, the Cloud in this process against both, and the gateway as a child process
 * (`estatecare gateway`) that can be killed and started again on the same data_dir and config.
 * Devices publish into the gateway's embedded local broker on a fixed port, so they find it again
 * after every restart.
 */

/** Gateway config sections a fault test chooses; the rig fills in id, uplink, local broker and data_dir. */
export type GatewaySections = Omit<GatewayConfigInput, 'gateway' | 'uplink' | 'local_broker' | 'data_dir'> & {
  uplink?: Omit<Partial<GatewayConfigInput['uplink']>, 'url' | 'password'>;
};

export interface FaultRigOptions {
  /** Prefix of the gateway id and of the temp folder. */
  name: string;
  gateway: GatewaySections;
}

/** One run of the gateway process. Times are Date.now() of this process. */
export interface GatewayRun {
  readonly index: number;
  readonly cli: CliRun;
  readonly spawnedAt: number;
  killedAt: number | null;
  exitedAt: number | null;
}

export interface TicketRow {
  episode_id: string;
  subject_id: string;
  type: string;
  alert_state: string;
  alert_revision: number;
  raised_at: number;
  /**
   * The lift entrapment evidence's first press (ms), null for other tickets. Unlike raised_at it
   * names the press even when a later change of the episode overtook the raise (ticket-service.ts).
   */
  first_pressed_at: number | null;
  /** The lift entrapment evidence's press count, null for other tickets. */
  press_count: number | null;
}

export interface EventRow {
  id: string;
  device_id: string;
  type: string;
  event_time: number;
}

/** Wait between a device's reconnect attempts to the gateway's local broker. */
export const DEVICE_RECONNECT_MS = 250;

export class FaultRig {
  readonly runs: GatewayRun[] = [];

  private constructor(
    readonly gatewayId: string,
    readonly dir: string,
    readonly configFile: string,
    readonly localPort: number,
    readonly mosquitto: MosquittoInstance,
    readonly postgres: TestPostgresDatabase,
    readonly cloud: Cloud,
    readonly sql: pg.Pool,
  ) {}

  static async start(options: FaultRigOptions): Promise<FaultRig> {
    const dir = mkdtempSync(join(tmpdir(), `estatecare-${options.name}-`));
    const gatewayId = uniqueSlug(options.name);
    const passwords = { [gatewayId]: `pw-${gatewayId}`, [SERVICE_USERNAME]: `pw-cloud-${gatewayId}` };
    const cleanups: Array<() => Promise<unknown>> = [async () => rmSync(dir, { recursive: true, force: true })];
    try {
      const [mosquitto, postgres] = await Promise.all([startMosquitto(passwords), createTestPostgresDatabase()]);
      cleanups.push(() => mosquitto.stop(), () => postgres.drop());
      const cloud = await startTestCloud({
        brokerUrl: mosquitto.url,
        servicePassword: passwords[SERVICE_USERNAME],
        databaseUrl: postgres.url,
        estate: { id: `${options.name}-estate`, name: `${options.name} estate` },
        gatewayIds: [gatewayId],
      });
      cleanups.push(() => cloud.stop());
      const sql = new pg.Pool({ connectionString: postgres.url, max: 4 });
      await sql.query('SELECT 1');
      cleanups.push(() => sql.end());
      const localPort = await freePort();
      const config = {
        ...options.gateway,
        gateway: { id: gatewayId },
        uplink: { reconnect_period_ms: 200, status_interval_s: 1, ...options.gateway.uplink, url: mosquitto.url, password: passwords[gatewayId] },
        // Every MQTT device of the test logs in with its test password (tests/support/device-logins.ts).
        local_broker: { embedded: true, host: '127.0.0.1', port: localPort, device_credentials: testDeviceCredentials((options.gateway.devices ?? []).filter((d) => d.mqtt).map((d) => d.id)) },
        data_dir: join(dir, 'gateway'),
      };
      // Checked here, so a mistake shows in the test rather than as the child's exit status 2.
      validateConfig(GatewayConfigSchema, config, 'fault rig gateway config', { env: {} });
      const configFile = join(dir, 'gateway.yaml');
      writeFileSync(configFile, stringify(config));
      return new FaultRig(gatewayId, dir, configFile, localPort, mosquitto, postgres, cloud, sql);
    } catch (error) {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
      throw error;
    }
  }

  get localUrl(): string {
    return `mqtt://127.0.0.1:${this.localPort}`;
  }

  get dataDir(): string {
    return join(this.dir, 'gateway');
  }

  get outboxPath(): string {
    return gatewayOutboxPath(this.dataDir, this.gatewayId);
  }

  get current(): GatewayRun | undefined {
    const last = this.runs[this.runs.length - 1];
    return last && last.exitedAt === null ? last : undefined;
  }

  /** Spawns the gateway on the rig's config and data_dir; does not wait for it. */
  startGateway(): GatewayRun {
    if (this.current) throw new Error(`gateway run ${this.current.index} is still running`);
    const cli = runCli(['gateway', '--config', this.configFile]);
    const run: GatewayRun = { index: this.runs.length, cli, spawnedAt: Date.now(), killedAt: null, exitedAt: null };
    void cli.exited.then(() => (run.exitedAt = Date.now()));
    this.runs.push(run);
    return run;
  }

  /** Resolves once the running gateway's local broker accepts connections; fails if the gateway exits. */
  async waitForLocalBroker(timeoutMs = 60_000): Promise<void> {
    const run = this.current;
    if (!run) throw new Error('no gateway is running');
    const exited = run.cli.exited.then((code) => {
      throw new Error(`gateway run ${run.index} exited (${code ?? run.cli.child.signalCode}) before its local broker listened\n${this.gatewayLog(3000)}`);
    });
    await Promise.race([waitForPort(this.localPort, timeoutMs), exited]);
  }

  /**
   * Starts the gateway, connects MQTT lifts lift-0 ... lift-(count - 1) to its local broker, and
   * resolves once the first lift's frames have reached the cloud, so what a test counts afterwards
   * goes through a gateway that is up end to end.
   */
  async startGatewayWithLifts(count: number): Promise<MqttLift[]> {
    this.startGateway();
    await this.waitForLocalBroker();
    const lifts = Array.from({ length: count }, (_, i) => MqttLift.connect(this.localUrl, `lift-${i}`));
    await eventually(
      'the gateway to read its lifts and reach the cloud',
      async () => {
        await lifts[0]!.frame();
        const { rows } = await this.sql.query('SELECT 1 FROM readings WHERE gateway_id = $1 LIMIT 1', [this.gatewayId]);
        return rows.length > 0;
      },
      60_000,
    );
    return lifts;
  }

  /** SIGKILL: no clean stop, no DISCONNECT, nothing flushed that was not already on disk. */
  async killGateway(): Promise<void> {
    const run = this.current;
    if (!run) return;
    run.killedAt = Date.now();
    run.cli.child.kill('SIGKILL');
    await run.cli.exited;
  }

  /** stdout and stderr of every run, the last `tail` characters of each. */
  gatewayLog(tail = 2000): string {
    return this.runs
      .map((run) => `--- gateway run ${run.index} stdout:\n${run.cli.stdout().slice(-tail)}\n--- stderr:\n${run.cli.stderr().slice(-tail)}`)
      .join('\n');
  }

  /** The JSON log lines (pino) of every run, parsed; other lines are skipped. */
  logRecords(): Array<Record<string, unknown>> {
    return this.runs.flatMap((run) =>
      run.cli
        .stdout()
        .split('\n')
        .flatMap((line) => {
          if (!line.startsWith('{')) return [];
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    );
  }

  async tickets(): Promise<TicketRow[]> {
    const { rows } = await this.sql.query<Omit<TicketRow, 'raised_at' | 'first_pressed_at'> & { raised_at: Date; first_pressed_at: string | null }>(
      `SELECT episode_id, subject_id, type, alert_state, alert_revision, raised_at, evidence->>'first_pressed_at' AS first_pressed_at,
              (evidence->>'press_count')::int AS press_count
         FROM tickets WHERE gateway_id = $1 ORDER BY raised_at`,
      [this.gatewayId],
    );
    return rows.map((row) => ({ ...row, raised_at: row.raised_at.getTime(), first_pressed_at: row.first_pressed_at === null ? null : Date.parse(row.first_pressed_at) }));
  }

  async events(type: string): Promise<EventRow[]> {
    const { rows } = await this.sql.query<Omit<EventRow, 'event_time'> & { event_time: Date }>(
      `SELECT id, device_id, type, event_time FROM events WHERE gateway_id = $1 AND type = $2 ORDER BY event_time`,
      [this.gatewayId, type],
    );
    return rows.map((row) => ({ ...row, event_time: row.event_time.getTime() }));
  }

  /** Resolves once the cloud holds an online status, received after `since`, whose outbox depth is 0. */
  async waitForOutboxDrained(since: number, timeoutMs: number): Promise<{ depth: number; last_seen_at: Date }> {
    return eventually(
      'an online gateway status with an empty outbox',
      async () => {
        const { rows } = await this.sql.query<{ online: boolean; depth: number | null; last_seen_at: Date }>(
          `SELECT online, (status->'outbox'->>'depth')::int AS depth, last_seen_at FROM gateway_status WHERE gateway_id = $1`,
          [this.gatewayId],
        );
        const row = rows[0];
        return row && row.online && row.depth === 0 && row.last_seen_at.getTime() > since ? { depth: row.depth, last_seen_at: row.last_seen_at } : undefined;
      },
      timeoutMs,
    );
  }

  /**
   * Waits until count() has not changed for quietMs once it reached `expected`, or for giveUpMs
   * short of it (what is missing is then left to the test's own asserts); returns the last count.
   */
  async settle(count: () => Promise<number>, expected: number, options: { quietMs?: number; giveUpMs?: number; timeoutMs?: number } = {}): Promise<number> {
    const { quietMs = 3000, giveUpMs = 20_000, timeoutMs = 180_000 } = options;
    let seen = -1;
    let since = Date.now();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const now = await count();
      if (now !== seen) {
        seen = now;
        since = Date.now();
      }
      const quiet = Date.now() - since;
      if ((now >= expected && quiet >= quietMs) || quiet >= giveUpMs || Date.now() > deadline) return now;
      await sleep(250);
    }
  }

  async close(): Promise<void> {
    await this.killGateway().catch(() => undefined);
    await this.sql.end().catch(() => undefined);
    await this.cloud.stop().catch(() => undefined);
    await Promise.allSettled([this.mosquitto.stop(), this.postgres.drop()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A device of the GB/T 24476 MQTT lift monitor profile, as the rig's gateway config lists it. */
export function mqttLiftDevice(id: string): NonNullable<GatewayConfigInput['devices']>[number] {
  return { id, profile: 'lift_monitor_gbt24476', subject: { kind: 'asset', id }, mqtt: { topic: `estate/${id}` } };
}

/** Readings one status frame of MqttLift carries (its status points). */
export const READINGS_PER_FRAME = 8;

export interface AlarmRecord {
  lift: string;
  seq: number;
  /** The device's event time, in ms; the episode it raises carries it as its raise time. */
  time: number;
  /** When the device first sent it (it waits its turn behind the messages before it); null until then. */
  sentAt: number | null;
  /** When the local broker's PUBACK arrived; null until then. */
  ackedAt: number | null;
}

/**
 * A lift monitor publishing into the gateway's local broker: status frames (an empty car, running)
 * and alarm presses (event 90). Each message carries its own seq and a strictly increasing time, so
 * a retransmission collapses into the same item ids. A press raises a lift_entrapment episode and
 * the next frame, showing an empty car, clears it: one press, one episode, one ticket.
 *
 * Messages are produced at the test's pace whether or not the gateway is up, and go out in order,
 * one at a time, each sent (QoS 1) until the local broker acknowledges it, as a monitor with its own
 * store-and-forward queue does; while the gateway is down the client reconnects every
 * DEVICE_RECONNECT_MS. In order matters: a press sent after the frames that followed it would be
 * judged against them and merge with the next press.
 */
export class MqttLift {
  readonly alarms: AlarmRecord[] = [];
  /** Frames whose PUBACK arrived, in order: seq and event time (ms). */
  readonly ackedFrames: Array<{ seq: number; time: number }> = [];
  private seq = 0;
  private lastTime = 0;
  private closed = false;
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly id: string,
    private readonly client: MqttClient,
  ) {}

  /** Connects in the background: the gateway may not be up yet. */
  static connect(localUrl: string, id: string): MqttLift {
    const client = mqtt.connect(localUrl, { ...testDeviceLogin(id), reconnectPeriod: DEVICE_RECONNECT_MS, connectTimeout: 2000 });
    client.on('error', () => undefined); // connection refused while the gateway is down
    return new MqttLift(id, client);
  }

  get topic(): string {
    return `estate/${this.id}`;
  }

  /** A status frame: running, empty car, in the door zone, doors closed. Resolves on its PUBACK. */
  frame(): Promise<void> {
    const seq = ++this.seq;
    const time = this.nextTime();
    const body = { time: new Date(time).toISOString(), seq, car_status: 1, car_direction: 1, door_zone: 1, car_position: 3, door_status: 1, passenger_status: 2, service_mode: 1, power_status: 1 };
    return this.enqueue(JSON.stringify(body), () => undefined).then(() => void this.ackedFrames.push({ seq, time }));
  }

  /** An alarm press. Resolves on its PUBACK (which may come after reconnects) with its record. */
  alarm(): Promise<AlarmRecord> {
    const seq = ++this.seq;
    const time = this.nextTime();
    const record: AlarmRecord = { lift: this.id, seq, time, sentAt: null, ackedAt: null };
    this.alarms.push(record);
    return this.enqueue(JSON.stringify({ time: new Date(time).toISOString(), seq, event_code: 90 }), () => (record.sentAt = Date.now())).then(() => {
      record.ackedAt = Date.now();
      return record;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client.endAsync(true);
  }

  private enqueue(body: string, onSend: () => void): Promise<void> {
    const sent = this.queue.then(() => {
      onSend();
      return this.deliver(body);
    });
    this.queue = sent.catch(() => undefined);
    return sent;
  }

  /**
   * QoS 1 until a PUBACK, the same bytes again after a failure: MQTT.js fails a publish made while it
   * replays its store after a reconnect if that connection closes too ("Connection closed",
   * client.js _flushStoreProcessingQueue), rather than keeping it.
   */
  private async deliver(body: string): Promise<void> {
    for (;;) {
      try {
        await this.client.publishAsync(this.topic, body, { qos: 1 });
        return;
      } catch (error) {
        if (this.closed) throw error;
        await sleep(DEVICE_RECONNECT_MS);
      }
    }
  }

  private nextTime(): number {
    this.lastTime = Math.max(Date.now(), this.lastTime + 1);
    return this.lastTime;
  }
}

/** The simulator's seeded generator (mulberry32), so a failing run can be repeated with the seed it prints. */
export { seededRandom } from '../../edge/simulator/random.js';

/** The seed from the environment variable when set (to repeat a run), else a fresh one. */
export function seedFrom(variable: string): number {
  const given = process.env[variable];
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isSafeInteger(seed)) throw new Error(`${variable}=${given} is not an integer seed`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}
