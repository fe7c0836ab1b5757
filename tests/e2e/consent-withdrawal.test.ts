import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { subscriptionFor, topicFor, type AlertItem } from '../../shared/contract/index.js';
import { validateConfig } from '../../shared/config/load-config.js';
import { silentLogger } from '../../shared/log/logger.js';
import { ManualClock, systemClock } from '../../shared/time/clock.js';
import type { Cloud } from '../../cloud/cloud-service.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import { EstateService } from '../../cloud/estates/estate-service.js';
import { createGateway, type Gateway } from '../../edge/gateway.js';
import { GatewayConfigSchema } from '../../edge/config/gateway-config.js';
import { OBSERVER, startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { startTestCloud } from '../support/test-cloud.js';
import { TestDeviceFleet, testDeviceCredentials } from '../support/device-logins.js';
import { adminToken, bearer, supervisorToken } from '../support/staff-tokens.js';
import { uniqueSlug } from '../support/wire-fixtures.js';
import { PROFILES_DIR, tempDataDir } from '../edge/edge-fixtures.js';
import { ContractObserver, on } from '../edge/mqtt-observer.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * 09:00 in the estates' local time (UTC+8) on a day two days back: everything the test's clock
 * moves through stays in the past of the cloud's own clock, which refuses event times ahead of it
 * (shared/contract/event-time-plausibility.ts).
 */
function localMorningTwoDaysAgo(): number {
  const localDate = new Date(Date.now() - 2 * DAY + 8 * HOUR).toISOString().slice(0, 10);
  return Date.parse(`${localDate}T09:00:00+08:00`);
}

const runningConfig = (version: string | null) => on('status', (m) => m.message.status.online && m.message.status.config_version === version);
const careAlertFor = (unitId: string) => on('alerts', (m) => m.message.items.some((item) => item.category === 'care_visit' && item.subject.id === unitId));

/**
 * A supervisor withdraws a household's consent through the HTTP API; the cloud derives the
 * gateway's rules config without that household and sends it through the deployed Mosquitto; the
 * running gateway takes it, reports the new version in its status, and its care rule no longer
 * watches that household: a quiet afternoon that raises a care visit for the neighbour still
 * enrolled on the same gateway raises nothing for the one whose consent was withdrawn.
 */
describe('consent withdrawn: the gateway stops watching the household', () => {
  const gatewayId = uniqueSlug('gw-consent');
  const estateId = 'consent-estate';
  const passwords = { [gatewayId]: 'pw-consent-gw', [SERVICE_USERNAME]: 'pw-consent-cloud' };
  const withdrawn = { unit: 'hh-withdrawn', door: 'door-hh-withdrawn', topic: 'estate/b1/101/door' };
  const staying = { unit: 'hh-staying', door: 'door-hh-staying', topic: 'estate/b1/102/door' };
  const consent = { given_by: 'the resident', given_at: '2026-11-01T09:00:00.000Z', scope: 'proactive care visits', document_ref: 'CF-2026-0107' };
  const morning = localMorningTwoDaysAgo();
  const clock = new ManualClock(morning - 10 * MINUTE);
  let mosquitto: MosquittoInstance;
  let postgres: TestPostgresDatabase;
  let cloud: Cloud;
  let gateway: Gateway;
  let devices: TestDeviceFleet;
  /** Everything the gateway sends up, and the config the cloud sends it, decoded with the wire contract. */
  let traffic: ContractObserver;
  const alerts: AlertItem[] = [];
  let supervisor: { authorization: string };
  let admin: { authorization: string };

  beforeAll(async () => {
    [mosquitto, postgres] = await Promise.all([startMosquitto(passwords, { observer: true }), createTestPostgresDatabase()]);
    const observer = await mqtt.connectAsync(mosquitto.url, { ...OBSERVER, clientId: uniqueSlug('observer'), reconnectPeriod: 0 });
    traffic = await ContractObserver.subscribe(observer, [topicFor(gatewayId, 'status'), topicFor(gatewayId, 'config'), subscriptionFor('alerts')]);

    cloud = await startTestCloud({
      brokerUrl: mosquitto.url,
      servicePassword: passwords[SERVICE_USERNAME]!,
      databaseUrl: postgres.url,
      gatewayIds: [gatewayId],
      estate: { id: estateId, name: 'Consent Gardens' },
    });
    // The estate's units and which gateway device watches each, as `estatecare admin` would set them up.
    const operator = await loadOperatorCaller(cloud.database);
    const estates = new EstateService(cloud.database, systemClock);
    await estates.addBuilding(operator, estateId, { id: 'b1', name: 'Building 1' });
    for (const home of [withdrawn, staying]) {
      await estates.addUnit(operator, estateId, { id: home.unit, building_id: 'b1', label: home.unit });
      await estates.mapDevice(operator, estateId, { id: home.door, gateway_id: gatewayId, profile: 'door_controller_generic', unit_id: home.unit });
    }
    supervisor = bearer(await supervisorToken(cloud.database, estateId));
    admin = bearer(await adminToken(cloud.database, estateId));

    gateway = createGateway(
      validateConfig(
        GatewayConfigSchema,
        {
          gateway: { id: gatewayId },
          data_dir: tempDataDir(),
          uplink: { url: mosquitto.url, password: passwords[gatewayId], status_interval_s: 1 },
          local_broker: { embedded: true, host: '127.0.0.1', port: 0, device_credentials: testDeviceCredentials([withdrawn.door, staying.door]) },
          devices: [withdrawn, staying].map((home) => ({ id: home.door, profile: 'door_controller_generic', subject: { kind: 'unit', id: home.unit }, mqtt: { topic: home.topic } })),
        },
        'test gateway config',
        { env: {} },
      ),
      { logger: silentLogger(), profilesDir: PROFILES_DIR, clock },
    );
    gateway.onAlert((alert) => alerts.push(alert));
    await gateway.start();
    devices = new TestDeviceFleet(gateway.localBrokerUrl);
    await traffic.waitFor(runningConfig(null), 'the gateway online, on its defaults', 20_000);
  }, 60_000);

  afterAll(async () => {
    await devices?.end();
    await gateway?.stop();
    await cloud?.stop();
    await traffic?.close();
    await Promise.allSettled([mosquitto?.stop(), postgres?.drop()]);
  });

  async function api(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Response> {
    return fetch(`${cloud.apiUrl}/api/v1${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  /** The config version the cloud holds for the gateway now, and how many households its care section holds (an admin sees no more of it). */
  async function latestConfig(): Promise<{ version: string; careHouseholds: number }> {
    const response = await api('GET', `/gateways/${gatewayId}/config`, admin);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { config_version: string; care_households: number };
    return { version: body.config_version, careHouseholds: body.care_households };
  }

  /** A door opening at the clock's time; resolves on the PUBACK, which the gateway gives once the rules have taken it in. */
  const doorOpened = async (home: typeof withdrawn, serial: number) => {
    const time = new Date(clock.now()).toISOString();
    // She comes in with her card (0x01 granted, then 0x19 door open): at home, not gone out.
    await devices.publish(home.door, home.topic, JSON.stringify({ serial_no: serial, major: 5, minor: 0x01, card_no: '10001', time }));
    await devices.publish(home.door, home.topic, JSON.stringify({ serial_no: serial + 1, major: 5, minor: 0x19, time }));
  };

  it('takes the withdrawal to the running gateway, which raises no care alert for that household while its neighbour still gets one', { timeout: 60_000 }, async () => {
    // Both households enrolled through the API: the gateway runs a config watching both.
    for (const home of [withdrawn, staying]) {
      const enrolled = await api('POST', `/estates/${estateId}/households`, supervisor, { unit_id: home.unit, consent });
      expect(enrolled.status, await enrolled.clone().text()).toBe(201);
    }
    const bothEnrolled = await latestConfig();
    expect(bothEnrolled.careHouseholds).toBe(2);
    const sentBoth = await traffic.waitFor(on('config', (m) => m.message.config.config_version === bothEnrolled.version), `config ${bothEnrolled.version} on the broker`, 20_000);
    expect(sentBoth.message.config.rules.care.households.map((household) => household.unit_id)).toEqual([staying.unit, withdrawn.unit].sort());
    await traffic.waitFor(runningConfig(bothEnrolled.version), `a status reporting config ${bothEnrolled.version}`, 20_000);

    // Each household is seen at its door in the morning: the care rule starts watching it, and an
    // afternoon without activity would raise a care visit for each (6 h daytime limit, plus the
    // 3 h learning margin of a household watched for less than 10 days), the withdrawn one first
    // (at 18:00, the other at 18:30).
    clock.set(morning);
    await doorOpened(withdrawn, 1);
    clock.set(morning + 30 * MINUTE);
    await doorOpened(staying, 1);
    expect(gateway.stats()).toMatchObject({ events: 4, withheld_events: 4 });

    // The supervisor withdraws consent against the version read.
    const record = await api('GET', `/estates/${estateId}/households/${withdrawn.unit}?purpose=care_enrolment`, supervisor);
    expect(record.status).toBe(200);
    const withdrawal = await api('POST', `/estates/${estateId}/households/${withdrawn.unit}/consent/withdrawal`, { ...supervisor, 'if-match': record.headers.get('etag')! }, {
      withdrawn_at: new Date(clock.now()).toISOString(),
      note: 'the resident asked to stop',
    });
    expect(withdrawal.status, await withdrawal.clone().text()).toBe(200);

    // The cloud sent a config of the staying household alone, and the gateway says it runs it.
    const afterWithdrawal = await latestConfig();
    expect(afterWithdrawal.careHouseholds).toBe(1);
    expect(Number(afterWithdrawal.version)).toBeGreaterThan(Number(bothEnrolled.version));
    const sent = await traffic.waitFor(on('config', (m) => m.message.config.config_version === afterWithdrawal.version), `config ${afterWithdrawal.version} on the broker`, 20_000);
    expect(sent.message.config.rules.care.households.map((household) => household.unit_id)).toEqual([staying.unit]);
    await traffic.waitFor(runningConfig(afterWithdrawal.version), `a status reporting config ${afterWithdrawal.version}`, 20_000);
    expect(gateway.configVersion()).toBe(afterWithdrawal.version);

    // A quiet afternoon: past both households' limits. The rules fire due timers in time order, so
    // by the staying household's alert (18:30) the withdrawn one's deadline (18:00) has been handled.
    clock.set(morning + 9 * HOUR + 31 * MINUTE);
    const uplinked = await traffic.waitFor(careAlertFor(staying.unit), 'the care alert of the household still enrolled', 20_000);
    const careAlerts = alerts.filter((alert) => alert.category === 'care_visit');
    expect(careAlerts.map((alert) => [alert.subject.id, alert.state])).toEqual([[staying.unit, 'raised']]);
    expect(careAlerts[0]!.event_time).toBe(new Date(morning + 9 * HOUR + 30 * MINUTE).toISOString());
    expect(uplinked.message.items.filter((item) => item.subject.id === withdrawn.unit)).toEqual([]);
    expect(traffic.messages.some(careAlertFor(withdrawn.unit))).toBe(false);
    // Nothing at all about the withdrawn household or its door: not an alert, nor a withdrawal of one.
    expect(alerts.some((alert) => alert.subject.id === withdrawn.unit || alert.subject.id === withdrawn.door)).toBe(false);
  });
});
