import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { zh, type MessageKey } from '../../cloud/console/messages/zh.js';
import { SCHEMA_VERSION, gatewayClientId, toWireTime, topicFor, type AlertItem, type Subject } from '../../shared/contract/index.js';
import { systemClock } from '../../shared/time/clock.js';
import type { Cloud } from '../../cloud/cloud-service.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import { StaffService } from '../../cloud/access/staff-service.js';
import type { Role } from '../../cloud/access/roles.js';
import { EstateService } from '../../cloud/estates/estate-service.js';
import { RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { RosterRepository } from '../../cloud/dispatch/roster-repository.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { startTestCloud } from '../support/test-cloud.js';
import { ShiftedClock } from '../support/shifted-clock.js';
import { GatewayPublisher } from '../support/gateway-publisher.js';
import { bearer, supervisorToken } from '../support/staff-tokens.js';
import { alertItem, readingItem, uniqueSlug } from '../support/wire-fixtures.js';

export const CHROMIUM = '/usr/bin/chromium';
/** Flags for a machine without internet (playwright-core never downloads a browser). */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
/** Screenshots for a person to look at; git-ignored. */
export const SCREENSHOT_DIR = join(new URL('../..', import.meta.url).pathname, 'test-output', 'console');
export const PASSWORD = 'console-test-password-1';

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

/** Debian's Chromium drives the journeys; without it the test fails saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`apt-get install chromium fonts-noto-cjk\``);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * A real cloud for the console: PostgreSQL, a private Mosquitto with the deployed ACL, the cloud
 * listening on a free port, one gateway publishing as the estate's gateway would; estate A with a
 * building per journey, estate B with its own housekeeper.
 */
export class ConsoleRig {
  readonly otherEstateId = uniqueSlug('estate-b');
  /** The cloud's clock: real time, moved on by a journey that needs a deadline to pass (see start()). */
  readonly clock: ShiftedClock;
  private supervisor: { authorization: string } | null = null;

  private constructor(
    clock: ShiftedClock,
    readonly cloud: Cloud,
    readonly gateway: GatewayPublisher,
    readonly estateId: string,
    /** A second gateway of estate A that only reports its status (the fleet page's journey). */
    readonly fleetGatewayId: string,
    private readonly mosquitto: MosquittoInstance,
    private readonly postgres: TestPostgresDatabase,
  ) {
    this.clock = clock;
  }

  static async start(): Promise<ConsoleRig> {
    const gatewayId = uniqueSlug('gw-console');
    const fleetGatewayId = uniqueSlug('gw-fleet');
    const passwords = { [gatewayId]: 'pw-console-gw-1', [fleetGatewayId]: 'pw-console-gw-2', [SERVICE_USERNAME]: 'pw-console-cloud' };
    const [mosquitto, postgres] = await Promise.all([startMosquitto(passwords), createTestPostgresDatabase()]);
    const estateId = uniqueSlug('estate-a');
    const clock = new ShiftedClock();
    const cloud = await startTestCloud({
      clock,
      brokerUrl: mosquitto.url,
      servicePassword: passwords[SERVICE_USERNAME]!,
      databaseUrl: postgres.url,
      gatewayIds: [gatewayId, fleetGatewayId],
      estate: { id: estateId, name: '和谐花园' },
    });
    const gateway = await GatewayPublisher.connect(mosquitto.url, gatewayId, passwords[gatewayId]!);
    const rig = new ConsoleRig(clock, cloud, gateway, estateId, fleetGatewayId, mosquitto, postgres);
    await new RegistryRepository(cloud.database).upsertEstate({ id: rig.otherEstateId, name: '远方小区' });
    rig.supervisor = bearer(await supervisorToken(cloud.database, estateId));
    return rig;
  }

  get gatewayId(): string {
    return this.gateway.gatewayId;
  }

  get url(): string {
    return this.cloud.apiUrl;
  }

  /** A staff member who signs in with PASSWORD; on duty round the clock for their role when `onDuty`. */
  async person(role: Role, estateId = this.estateId, buildingIds: string[] | null = null, onDuty = true): Promise<{ login: string; id: string }> {
    const db = this.cloud.database;
    const login = uniqueSlug(role.replace('_', '-'));
    const member = await new StaffService(db, systemClock).addStaff(await loadOperatorCaller(db), {
      login,
      display_name: login,
      password: PASSWORD,
      grants: [{ estate_id: estateId, role, building_ids: buildingIds }],
    });
    if (onDuty && role !== 'admin') {
      await new RosterRepository(db).add(estateId, { staff_id: member.id, role: role as never, building_ids: buildingIds, weekdays: [1, 2, 3, 4, 5, 6, 7], starts_at: '00:00', ends_at: '00:00' }, 'test', Date.now());
    }
    return { login, id: member.id };
  }

  /** A building with one flat whose household is enrolled in care with one emergency contact. */
  /** A unit of a building of its own, not yet in care, with a motion sensor on the rig's gateway. */
  async flat(): Promise<{ buildingId: string; unitId: string; label: string }> {
    const db = this.cloud.database;
    const operator = await loadOperatorCaller(db);
    const estates = new EstateService(db, systemClock);
    const buildingId = uniqueSlug('b');
    const unitId = uniqueSlug('hh');
    const label = `${Math.floor(Math.random() * 9) + 1}-${1000 + Math.floor(Math.random() * 900)}`;
    await estates.addBuilding(operator, this.estateId, { id: buildingId, name: `Building ${buildingId}` });
    await estates.addUnit(operator, this.estateId, { id: unitId, building_id: buildingId, label });
    await estates.mapDevice(operator, this.estateId, { id: uniqueSlug('pir'), gateway_id: this.gatewayId, profile: 'pir_generic', unit_id: unitId });
    return { buildingId, unitId, label };
  }

  /** A flat() enrolled in care with the resident's consent and one emergency contact (record version 2). */
  async careFlat(): Promise<{ buildingId: string; unitId: string; label: string }> {
    const flat = await this.flat();
    const households = `${this.url}/api/v1/estates/${this.estateId}/households`;
    const consent = { given_by: 'the resident', given_at: '2026-11-01T09:00:00.000Z', scope: 'proactive care visits', document_ref: 'CF-2026-0042' };
    await this.call('POST', households, { unit_id: flat.unitId, consent });
    await this.call('POST', `${households}/${flat.unitId}/contacts`, { name: '李明', relationship: 'son', phone: '138 1234 5678' }, { 'if-match': '"1"' });
    return flat;
  }

  /** A lift of the estate (an asset of no building), named as the console shows it. */
  async lift(): Promise<{ id: string; name: string }> {
    const id = uniqueSlug('lift');
    const name = `Lift ${id.slice(-4)}`;
    await new EstateService(this.cloud.database, systemClock).addAsset(await loadOperatorCaller(this.cloud.database), this.estateId, { id, kind: 'lift', name });
    return { id, name };
  }

  /** A lift monitor of a new lift on the rig's gateway that reports its speed: `values`, a minute apart, ending now; resolves on the cloud's receipt. */
  async liftMonitorReporting(values: readonly number[]): Promise<string> {
    const lift = await this.lift();
    const deviceId = uniqueSlug('liftmon');
    await new EstateService(this.cloud.database, systemClock).mapDevice(await loadOperatorCaller(this.cloud.database), this.estateId, {
      id: deviceId,
      gateway_id: this.gatewayId,
      profile: 'lift_monitor_gbt24476',
      asset_id: lift.id,
    });
    const now = Date.now();
    const readings = values.map((value, i) => readingItem({ device_id: deviceId, point: 'car_speed', unit: 'm/s', value, at: now - (values.length - 1 - i) * 60_000 }));
    const message = this.gateway.envelope(readings);
    await this.gateway.publish('telemetry', message);
    await this.gateway.receiptOf(message.seq as number);
    return deviceId;
  }

  /** The gateway raises a care visit for the unit, through Mosquitto; resolves on the cloud's receipt. */
  raiseCareVisit(unitId: string): Promise<AlertItem> {
    return this.raise('care_visit', 'household_inactivity', { kind: 'unit', id: unitId });
  }

  /** The gateway raises a trapped passenger in the lift (its alarm button), through Mosquitto; resolves on the receipt. */
  raiseLiftEntrapment(liftId: string): Promise<AlertItem> {
    return this.raise('lift_entrapment', 'lift_entrapment', { kind: 'asset', id: liftId }, { zh: '电梯困人：轿厢报警按钮', en: 'Passenger trapped: the car alarm button' });
  }

  private async raise(category: AlertItem['category'], rule: string, subject: Subject, reason?: AlertItem['reason']): Promise<AlertItem> {
    const alert = alertItem({ category, rule, subject, at: Date.now(), ...(reason ? { reason, evidence: {} } : {}) });
    const seq = this.gateway.nextSeq;
    await this.gateway.publish('alerts', this.gateway.envelope([alert]));
    await this.gateway.receiptOf(seq);
    return alert;
  }

  /**
   * The fleet gateway connects as a gateway's uplink does: a retained last will saying
   * {online:false, reason:'connection_lost'} [MQTT-3.1.2-8], then a retained online status. `cut()`
   * drops its TCP connection without DISCONNECT, so the broker publishes the will to the cloud.
   */
  async connectFleetGateway(): Promise<{ cut: () => void }> {
    const gatewayId = this.fleetGatewayId;
    const envelope = (seq: number) => ({ schema_version: SCHEMA_VERSION, gateway_id: gatewayId, seq, sent_at: toWireTime(Date.now()) });
    const client = await mqtt.connectAsync(this.mosquitto.url, {
      username: gatewayId,
      password: 'pw-console-gw-2',
      clientId: gatewayClientId(gatewayId),
      reconnectPeriod: 0,
      will: { topic: topicFor(gatewayId, 'status'), payload: Buffer.from(JSON.stringify({ ...envelope(0), status: { online: false, reason: 'connection_lost' } })), qos: 1, retain: true },
    });
    const outbox = { depth: 0, oldest_unsent_age_s: null, awaiting_receipt: 0, refused_by_cloud: 0, thinned_telemetry: 0, evicted_telemetry: 0, telemetry_dropped_through: null };
    const bus = { bus_id: 'rs485-1', transactions: 120, timeouts: 3, checksum_errors: 0, exception_replies: 1, transport_errors: 0, devices: 4, devices_offline: 1, writes_refused: 0 };
    const online = { online: true, software_version: '1.0.0', config_version: null, uptime_s: 1, outbox, buses: [bus], devices_offline: ['meter-9'], watermark: null };
    await client.publishAsync(topicFor(gatewayId, 'status'), JSON.stringify({ ...envelope(1), status: online }), { qos: 1, retain: true });
    return { cut: () => void client.stream.destroy() };
  }

  /** The rig's gateway reports, in its status, that it runs this config version. */
  async reportConfigVersion(version: number): Promise<void> {
    const { items: _items, ...envelope } = this.gateway.envelope([]);
    const outbox = { depth: 0, oldest_unsent_age_s: null, awaiting_receipt: 0, refused_by_cloud: 0, thinned_telemetry: 0, evicted_telemetry: 0, telemetry_dropped_through: null };
    const status = { online: true, software_version: '1.0.0', config_version: String(version), uptime_s: 60, outbox, buses: [], devices_offline: [], watermark: null };
    await this.gateway.publish('status', { ...envelope, status });
  }

  /** The session cookie of a person signed in through the API. */
  async sessionCookie(login: string): Promise<string> {
    const response = await fetch(`${this.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: PASSWORD }) });
    if (response.status !== 201) throw new Error(`sign-in of ${login} answered ${response.status}`);
    return response.headers.get('set-cookie')!.split(';')[0]!;
  }

  private async call(method: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<void> {
    const response = await fetch(url, { method, headers: { ...this.supervisor!, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${await response.text()}`);
  }

  async stop(): Promise<void> {
    await this.gateway.close();
    await this.cloud.stop();
    await Promise.allSettled([this.mosquitto.stop(), this.postgres.drop()]);
  }
}

/** A browser context at a size and locale; records every host a request goes to and every error a page's script throws. */
export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number },
  locale: string,
): Promise<{ context: BrowserContext; page: Page; hosts: Set<string>; errors: string[] }> {
  const context = await browser.newContext({ viewport, locale, isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
  const page = await context.newPage();
  const hosts = new Set<string>();
  page.on('request', (request) => void hosts.add(new URL(request.url()).host));
  const errors: string[] = [];
  page.on('pageerror', (error) => void errors.push(`${page.url()}: ${error.message}`));
  return { context, page, hosts, errors };
}

export type Catalogue = Readonly<Record<MessageKey, string>>;

/** Signs in on the sign-in page, in English through the page's own switch when `messages` is not Chinese. */
export async function signIn(page: Page, consoleUrl: string, login: string, messages: Catalogue = zh): Promise<void> {
  await page.goto(`${consoleUrl}/sign-in`);
  if (messages !== zh) {
    await page.getByRole('link', { name: zh['nav.language'] }).click();
    await page.waitForURL('**/sign-in');
  }
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('button[type=submit]').click();
  await page.waitForURL('**/work');
}
