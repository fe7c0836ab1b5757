import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { topicFor, type HouseholdActivityItem } from '../../shared/contract/index.js';
import { validateConfig } from '../../shared/config/load-config.js';
import { silentLogger } from '../../shared/log/logger.js';
import { ManualClock, systemClock } from '../../shared/time/clock.js';
import type { Cloud } from '../../cloud/cloud-service.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import { EstateService } from '../../cloud/estates/estate-service.js';
import { SqlTelemetryStore } from '../../cloud/telemetry/sql-telemetry-store.js';
import { createGateway, type Gateway } from '../../edge/gateway.js';
import { GatewayConfigSchema } from '../../edge/config/gateway-config.js';
import { planEstate } from '../../edge/simulator/households/estate-plan.js';
import { estateInputsOfDay, simulateEstate, type SimulatedHousehold } from '../../edge/simulator/households/simulated-estate.js';
import type { EngineInput } from '../../edge/rules/engine/engine-input.js';
import { OBSERVER, startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { startTestCloud } from '../support/test-cloud.js';
import { TestDeviceFleet, testDeviceCredentials } from '../support/device-logins.js';
import { bearer, supervisorToken } from '../support/staff-tokens.js';
import { uniqueSlug } from '../support/wire-fixtures.js';
import { PROFILES_DIR, tempDataDir } from '../edge/edge-fixtures.js';
import { ContractObserver, on, type ObservedOn } from '../edge/mqtt-observer.js';
import { referenceHours } from './household-activity-reference.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK_HOURS = 7 * 24;
const STANDBY_W = 300;

/** The shipped profiles, and a water and an electricity meter that publish their registers as JSON over MQTT. */
function profilesWithMqttMeters(): string {
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-profiles-'));
  for (const file of readdirSync(PROFILES_DIR)) if (file.endsWith('.yaml')) copyFileSync(join(PROFILES_DIR, file), join(dir, file));
  const meter = (id: string, kind: string, points: string) =>
    `id: ${id}\nversion: 1\nkind: ${kind}\nmanufacturer: test\nmodel: ${id}\ndescription: a test meter publishing its registers as JSON\ndriver: mqtt\nmqtt:\n  payload_format: json\n  fields: { event_time: time, serial: seq }\n  time_format: iso8601\n  status_points:\n${points}`;
  writeFileSync(join(dir, 'test_mqtt_water_meter.yaml'), meter('test_mqtt_water_meter', 'water_meter', '    current_volume: { unit: m3 }\n'));
  writeFileSync(join(dir, 'test_mqtt_electricity_meter.yaml'), meter('test_mqtt_electricity_meter', 'electricity_meter', '    active_power: { unit: W, device_unit: kW }\n    forward_active_energy: { unit: kWh }\n'));
  return dir;
}

/** Local midnight (UTC+8) of the Monday at least 9 days back: the week stays in the past of the cloud's clock. */
function mondayWeeksAgo(): string {
  const local = new Date(Date.now() - 9 * DAY + 8 * HOUR);
  const back = (local.getUTCDay() + 6) % 7;
  return new Date(local.getTime() - back * DAY).toISOString().slice(0, 10);
}

const DOOR_MINOR: Readonly<Record<string, number>> = { credential_granted: 0x01, rex_pressed: 0x17, door_opened: 0x19, door_closed: 0x1a };

/**
 * A simulated week of two enrolled households (edge/simulator/households) played into a real gateway
 * through its devices' MQTT topics, the gateway's clock following the simulated time; the gateway
 * sends through the deployed Mosquitto to the cloud on PostgreSQL. The cloud ends up with one
 * hourly aggregate per hour of the week for the household that stayed enrolled, each equal to the
 * one worked out here from the raw signals sent; no raw reading or event of a household reaches the
 * broker or the cloud; and when the other household's consent is withdrawn mid-week, its aggregates
 * stop and the cloud deletes what it held of it.
 */
describe('household activity aggregates end to end', () => {
  const gatewayId = uniqueSlug('gw-activity');
  const estateId = 'activity-estate';
  const passwords = { [gatewayId]: 'pw-activity-gw', [SERVICE_USERNAME]: 'pw-activity-cloud' };
  const consent = { given_by: 'the resident', given_at: '2026-01-01T09:00:00.000Z', scope: 'proactive care visits', document_ref: 'CF-ACT-1' };
  const estate = simulateEstate(planEstate({ seed: 11, households: 2, weeks: 1, startDate: mondayWeeksAgo() }));
  const [staying, leaving] = estate.households as [SimulatedHousehold, SimulatedHousehold];
  const weekStart = estate.cal.startMs;
  const clock = new ManualClock(weekStart - 30 * MINUTE);
  const topicOf = (deviceId: string) => `estate/${deviceId}`;
  const householdDevices = estate.households.flatMap((household) => [household.devices.door, household.devices.water, household.devices.power]);
  let mosquitto: MosquittoInstance;
  let postgres: TestPostgresDatabase;
  let cloud: Cloud;
  let gateway: Gateway;
  let devices: TestDeviceFleet;
  let traffic: ContractObserver;
  let supervisor: { authorization: string };
  const sent: EngineInput[] = [];

  beforeAll(async () => {
    [mosquitto, postgres] = await Promise.all([startMosquitto(passwords, { observer: true }), createTestPostgresDatabase()]);
    const observer = await mqtt.connectAsync(mosquitto.url, { ...OBSERVER, clientId: uniqueSlug('observer'), reconnectPeriod: 0 });
    traffic = await ContractObserver.subscribe(observer, [`estatecare/v1/gw/${gatewayId}/#`]);
    cloud = await startTestCloud({ brokerUrl: mosquitto.url, servicePassword: passwords[SERVICE_USERNAME]!, databaseUrl: postgres.url, gatewayIds: [gatewayId], estate: { id: estateId, name: 'Activity Gardens' } });
    const operator = await loadOperatorCaller(cloud.database);
    const estates = new EstateService(cloud.database, systemClock);
    await estates.addBuilding(operator, estateId, { id: 'b1', name: 'Building 1' });
    for (const household of estate.households) {
      await estates.addUnit(operator, estateId, { id: household.planned.unitId, building_id: 'b1', label: `1-${household.planned.index + 101}` });
      for (const device of [household.devices.door, household.devices.water, household.devices.power]) {
        await estates.mapDevice(operator, estateId, { id: device.id, gateway_id: gatewayId, profile: device.profile, unit_id: household.planned.unitId });
      }
    }
    supervisor = bearer(await supervisorToken(cloud.database, estateId));
    const profileOf = (kind: string) => (kind === 'water_meter' ? 'test_mqtt_water_meter' : kind === 'electricity_meter' ? 'test_mqtt_electricity_meter' : 'door_controller_generic');
    gateway = createGateway(
      validateConfig(
        GatewayConfigSchema,
        {
          gateway: { id: gatewayId },
          data_dir: tempDataDir(),
          uplink: { url: mosquitto.url, password: passwords[gatewayId], status_interval_s: 1 },
          local_broker: { embedded: true, host: '127.0.0.1', port: 0, device_credentials: testDeviceCredentials(householdDevices.map((device) => device.id)) },
          devices: householdDevices.map((device) => ({ id: device.id, profile: profileOf(device.kind), subject: device.subject, mqtt: { topic: topicOf(device.id) } })),
        },
        'test gateway config',
        { env: {} },
      ),
      { logger: silentLogger(), profilesDir: profilesWithMqttMeters(), clock },
    );
    await gateway.start();
    devices = new TestDeviceFleet(gateway.localBrokerUrl);
  }, 60_000);

  afterAll(async () => {
    await devices?.end();
    await gateway?.stop();
    await cloud?.stop();
    await traffic?.close();
    await Promise.allSettled([mosquitto?.stop(), postgres?.drop()]);
  });

  async function api(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Response> {
    return fetch(`${cloud.apiUrl}/api/v1${path}`, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  }

  let runningVersion = 0;
  /** Waits for a config newer than the last one waited for, of `households` households, then for the gateway's status saying it runs it. */
  async function configRunning(households: number): Promise<void> {
    const newer = (version: string) => Number(version) > runningVersion;
    const config = await traffic.waitFor(on('config', (m) => newer(m.message.config.config_version) && m.message.config.rules.care.households.length === households), `a config of ${households} households`, 20_000);
    const version = config.message.config.config_version;
    runningVersion = Number(version);
    await traffic.waitFor(on('status', (m) => m.message.status.online && m.message.status.config_version === version), `the gateway running config ${version}`, 20_000);
  }

  let serial = 0;
  /** One raw input of the simulation, published by its device as it would, at the gateway clock's time of it; resolves on the PUBACK (the rules have it then). */
  async function play(input: EngineInput): Promise<void> {
    if (input.kind === 'event') {
      const minor = DOOR_MINOR[input.item.type];
      if (input.item.subject.kind !== 'unit' || minor === undefined) return;
      clock.set(Date.parse(input.item.event_time));
      await devices.publish(input.item.device_id, topicOf(input.item.device_id), JSON.stringify({ serial_no: ++serial, major: 5, minor, time: input.item.event_time }));
    } else if (input.kind === 'readings') {
      const values = Object.fromEntries(input.frame.readings.map((reading) => [reading.point, reading.value]));
      if (!('current_volume' in values) && !('active_power' in values)) return; // door heartbeats: the generic door profile has none
      clock.set(Date.parse(input.frame.event_time));
      await devices.publish(input.frame.device_id, topicOf(input.frame.device_id), JSON.stringify({ ...values, seq: ++serial, time: input.frame.event_time }));
    } else return;
    sent.push(input);
  }

  const activityOf = (unitId: string) => traffic.messages.filter(on('activity')).flatMap((m) => m.message.items.filter((item) => item.household_id === unitId));

  it('a week of a household reaches the cloud as its hourly aggregates, raw signals stay on the gateway, withdrawal stops and deletes them', { timeout: 300_000 }, async () => {
    for (const household of estate.households) {
      const enrolled = await api('POST', `/estates/${estateId}/households`, supervisor, { unit_id: household.planned.unitId, consent });
      expect(enrolled.status, await enrolled.clone().text()).toBe(201);
    }
    await configRunning(2);

    let withdrawnFrom = 0;
    for (let day = 0; day < 7; day++) {
      if (day === 4) {
        const record = await api('GET', `/estates/${estateId}/households/${leaving.planned.unitId}?purpose=care_enrolment`, supervisor);
        const withdrawal = await api('POST', `/estates/${estateId}/households/${leaving.planned.unitId}/consent/withdrawal`, { ...supervisor, 'if-match': record.headers.get('etag')! }, { withdrawn_at: new Date(clock.now()).toISOString() });
        expect(withdrawal.status, await withdrawal.clone().text()).toBe(200);
        await configRunning(1);
        withdrawnFrom = traffic.messages.length;
      }
      for (const input of estateInputsOfDay(estate, day)) await play(input);
    }
    // Past the last hour's end and the gateway's wait after it: the week's last hour goes out.
    const weekEnd = weekStart + WEEK_HOURS * HOUR;
    clock.set(weekEnd + 16 * MINUTE);
    const lastHour = new Date(weekEnd - HOUR).toISOString();
    const lastMessage = await traffic.waitFor(on('activity', (m) => m.message.items.some((item) => item.household_id === staying.planned.unitId && item.event_time === lastHour)), 'the last hour of the week', 30_000);
    await traffic.waitFor(on('receipts', (m) => m.message.receipts.some((receipt) => receipt.seq === lastMessage.message.seq && receipt.outcome === 'stored')), 'the cloud storing it', 30_000);

    // Equal to the aggregates worked out from the raw signals sent, hour by hour, every hour of the week.
    const store = new SqlTelemetryStore(cloud.database);
    const stored = await store.queryHouseholdActivity({ estateId, householdId: staying.planned.unitId, from: weekStart, to: weekEnd });
    const expected = referenceHours(sent, { door: staying.devices.door.id, water: staying.devices.water.id, power: staying.devices.power.id }, weekStart, WEEK_HOURS, STANDBY_W);
    expect(stored.map((hour) => hour.event_time)).toEqual(expected.map((_, index) => new Date(weekStart + index * HOUR).toISOString()));
    stored.forEach((hour, index) => {
      const want = expected[index]!;
      const at = `hour ${hour.event_time}`;
      expect(hour.door_openings, at).toBe(want.door_openings);
      for (const field of ['water_l', 'energy_kwh', 'above_standby_min'] as const) {
        if (want[field] === null) expect(hour[field], `${at} ${field}`).toBeNull();
        else {
          expect(hour[field], `${at} ${field}`).not.toBeNull();
          expect(hour[field], `${at} ${field}`).toBeCloseTo(want[field]!, 2);
        }
      }
    });
    expect(expected.reduce((sum, hour) => sum + hour.door_openings, 0)).toBeGreaterThan(7);
    expect(expected.reduce((sum, hour) => sum + (hour.water_l ?? 0), 0)).toBeGreaterThan(100);
    expect(expected.some((hour) => (hour.above_standby_min ?? 0) > 0)).toBe(true);

    // What went up names the household by its pseudonymous id and says four numbers an hour, and the routine.
    const items: HouseholdActivityItem[] = activityOf(staying.planned.unitId);
    const allowed = new Set(['id', 'household_id', 'event_time', 'door_openings', 'water_l', 'energy_kwh', 'above_standby_min', 'routine']);
    expect(items.flatMap((item) => Object.keys(item).filter((key) => !allowed.has(key)))).toEqual([]);
    expect(items.some((item) => item.routine !== undefined)).toBe(true);

    // No raw household reading or event on the broker, nor in the cloud's tables.
    const householdIds = new Set(householdDevices.map((device) => device.id));
    const raw = traffic.messages.flatMap((message) =>
      message.channel === 'telemetry' || message.channel === 'events' ? (message as ObservedOn<'telemetry'> | ObservedOn<'events'>).message.items.filter((item) => householdIds.has(item.device_id)) : [],
    );
    expect(raw).toEqual([]);
    const { rows } = await cloud.database.query<{ readings: string; events: string }>(
      'SELECT (SELECT count(*) FROM readings WHERE device_id = ANY($1::text[])) AS readings, (SELECT count(*) FROM events WHERE device_id = ANY($1::text[])) AS events',
      [[...householdIds]],
    );
    expect(rows[0]).toEqual({ readings: '0', events: '0' });

    // The withdrawn household: aggregates went up before, none after the gateway ran the config without it, and the cloud holds none.
    expect(activityOf(leaving.planned.unitId).length).toBeGreaterThan(0);
    const afterWithdrawal = traffic.messages.slice(withdrawnFrom).filter(on('activity')).flatMap((m) => m.message.items);
    expect(afterWithdrawal.filter((item) => item.household_id === leaving.planned.unitId)).toEqual([]);
    expect(await store.queryHouseholdActivity({ estateId, householdId: leaving.planned.unitId, from: 0, to: Date.now() })).toEqual([]);

    // The supervisor's picture: the week's hours, in the estate's time zone, with the routine beside them.
    const picture = await api('GET', `/estates/${estateId}/households/${staying.planned.unitId}/activity?purpose=supervision&weeks=4`, supervisor);
    expect(picture.status, await picture.clone().text()).toBe(200);
    const body = (await picture.json()) as { days: Array<{ hours: unknown[] }>; routine: unknown };
    expect(body.days.flatMap((day) => day.hours).filter((slot) => slot !== null)).toHaveLength(WEEK_HOURS);
    expect(body.routine).not.toBeNull();
  });
});
