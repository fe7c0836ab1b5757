import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../shared/time/clock.js';
import { OnlineStatusSchema } from '../../shared/contract/index.js';
import type { RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { buildTestApi } from '../support/test-api.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { alertItem, BASE_TIME, nextChange, readingItem } from '../support/wire-fixtures.js';
import { bearer, staffToken } from '../support/staff-tokens.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;
const ESTATE = 'fleet-estate';
const HOUR = 3_600_000;
const NOW = BASE_TIME + 24 * HOUR;

const status = OnlineStatusSchema.parse({
  online: true,
  software_version: '1.4.0',
  config_version: '7',
  uptime_s: 86_400,
  outbox: { depth: 0, oldest_unsent_age_s: null },
  buses: [{ bus_id: 'rs485-1', transactions: 52_000, timeouts: 37, checksum_errors: 4, exception_replies: 12, transport_errors: 1, devices: 2, devices_offline: 1, writes_refused: 0 }],
  devices_offline: ['meter-2'],
  watermark: '2026-11-25T07:59:00.000Z',
});

/** GET /api/v1/gateways/{id} as facilities read the fleet: bus counters, clock drift, each device's newest data and availability. */
describe('HTTP API: fleet health of one gateway', () => {
  let opened: OpenedSqlDatabase;
  let app: FastifyInstance;
  let registry: RegistryRepository;
  const clock = new ManualClock(NOW);
  const token: Record<string, { authorization: string }> = {};

  beforeAll(async () => {
    opened = await pglite.open();
    const api = await buildTestApi(opened.db, clock);
    ({ app, registry } = api);
    await registry.upsertEstate({ id: ESTATE, name: 'Fleet Gardens' });
    await registry.upsertEstate({ id: 'other-estate', name: 'Elsewhere' });
    for (const id of ['gw-fast', 'gw-true']) await registry.upsertGateway({ id, estateId: ESTATE, name: id });
    const at = new Date(BASE_TIME).toISOString();
    await opened.db.query(`INSERT INTO assets (estate_id, id, kind, name, created_at) VALUES ($1, 'main-1', 'water_main', 'Main', $2)`, [ESTATE, at]);
    await opened.db.query(
      `INSERT INTO devices (estate_id, id, gateway_id, asset_id, profile, mapped_at) VALUES ($1, 'meter-1', 'gw-fast', 'main-1', 'tuf2000_flow_meter', $2), ($1, 'meter-2', 'gw-fast', 'main-1', 'tuf2000_flow_meter', $2)`,
      [ESTATE, at],
    );
    // gw-fast's clock runs 95 s ahead; gw-true's 2 s behind (transit time).
    await registry.recordStatus('gw-fast', status, NOW - 60_000, NOW - 60_000 + 95_000);
    await registry.recordStatus('gw-true', status, NOW, NOW - 2_000);
    // The retained status again at the cloud's reconnect, 10 min late: the same sent_at, not a new measurement.
    await registry.recordStatus('gw-true', status, NOW + 600_000, NOW - 2_000);
    await api.telemetry.writeReadings({ gatewayId: 'gw-fast', estateId: ESTATE, receivedAt: NOW }, [
      readingItem({ device_id: 'meter-1', point: 'flow_rate', unit: 'm3/h', value: 3, at: NOW - 90_000 }),
      readingItem({ device_id: 'meter-1', point: 'flow_rate', unit: 'm3/h', value: 9, at: NOW - 5 * HOUR }),
      readingItem({ device_id: 'meter-1', point: 'flow_rate', unit: 'm3/h', value: 1, at: NOW - 5 * HOUR + 60_000 }),
    ]);
    // A household's meter on the same gateway: its readings are never served.
    await opened.db.query(`INSERT INTO buildings (estate_id, id, name, created_at) VALUES ($1, 'b1', 'Building 1', $2)`, [ESTATE, at]);
    await opened.db.query(`INSERT INTO units (estate_id, id, building_id, label, created_at) VALUES ($1, 'hh-1', 'b1', '1-101', $2)`, [ESTATE, at]);
    await opened.db.query(`INSERT INTO devices (estate_id, id, gateway_id, unit_id, profile, mapped_at) VALUES ($1, 'hh-meter', 'gw-true', 'hh-1', 'cjt188_cold_water_meter', $2)`, [ESTATE, at]);
    // meter-2 offline from 6 h to 3 h ago; the whole gateway offline for the last 2 h, still.
    const origin = { gatewayId: 'gw-fast', estateId: ESTATE, receivedAt: NOW };
    const meterDown = alertItem({ category: 'device_offline', rule: 'device_offline', severity: 'minor', subject: { kind: 'device', id: 'meter-2' }, at: NOW - 6 * HOUR });
    await api.tickets.handleAlert(origin, meterDown);
    await api.tickets.handleAlert(origin, nextChange(meterDown, 'cleared', NOW - 3 * HOUR));
    await api.tickets.handleAlert(origin, alertItem({ category: 'device_offline', rule: 'gateway_offline', severity: 'major', subject: { kind: 'gateway', id: 'gw-fast' }, at: NOW - 2 * HOUR }));
    token.facilities = bearer(await staffToken(opened.db, [{ estateId: ESTATE, role: 'facilities' }], clock));
    token.housekeeper = bearer(await staffToken(opened.db, [{ estateId: ESTATE, role: 'housekeeper' }], clock));
    token.otherFacilities = bearer(await staffToken(opened.db, [{ estateId: 'other-estate', role: 'facilities' }], clock));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
  });

  const gateway = (id: string, headers: { authorization: string }, query = '') => app.inject({ method: 'GET', url: `/api/v1/gateways/${id}${query}`, headers });

  it("carries the buses' counters, the clock's drift, and each device's newest data and availability per hour", async () => {
    const response = await gateway('gw-fast', token.facilities!);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.buses).toEqual(status.buses);
    expect(body.clock).toEqual({ offset_s: 95, drifting: true, measured_at: new Date(NOW + 35_000).toISOString() });
    expect(body.window).toEqual({ from: new Date(NOW - 24 * HOUR).toISOString(), to: new Date(NOW).toISOString(), hours: 24 });
    const [meter1, meter2] = body.devices;
    expect(meter1).toMatchObject({ device_id: 'meter-1', offline_now: false, newest_data_at: new Date(NOW - 90_000).toISOString(), newest_data_age_s: 90 });
    expect(meter1.availability.ratio).toBeCloseTo(22 / 24, 9);
    expect(meter1.availability.offline).toEqual([{ from: new Date(NOW - 2 * HOUR).toISOString(), to: null, cause: 'gateway' }]);
    expect(meter2).toMatchObject({ device_id: 'meter-2', offline_now: true, newest_data_at: null, newest_data_age_s: null });
    expect(meter2.availability.ratio).toBeCloseTo(19 / 24, 9);
    expect(meter2.availability.hourly).toEqual([...Array(18).fill(1), 0, 0, 0, 1, 0, 0]);
  });

  it('flags no drift for a clock within 60 s, and a late retained status does not change the measurement', async () => {
    const body = (await gateway('gw-true', token.facilities!)).json();
    expect(body.clock).toEqual({ offset_s: -2, drifting: false, measured_at: new Date(NOW - 2_000).toISOString() });
    const listed = (await app.inject({ method: 'GET', url: '/api/v1/gateways', headers: token.facilities! })).json().gateways;
    expect(listed.map((g: { id: string; clock: { drifting: boolean } }) => [g.id, g.clock.drifting])).toEqual([
      ['gw-fast', true],
      ['gw-true', false],
    ]);
  });

  it('takes the window in hours (1 to 168), naming the field otherwise', async () => {
    const body = (await gateway('gw-fast', token.facilities!, '?hours=3')).json();
    expect(body.devices[1].availability.hourly).toEqual([1, 0, 0]);
    for (const hours of ['0', '169', 'x']) {
      const response = await gateway('gw-fast', token.facilities!, `?hours=${hours}`);
      expect(response.statusCode, hours).toBe(400);
      expect(response.body).toContain('hours');
    }
  });

  it("is for facilities and the estate's managers: 403 to a housekeeper of the estate, 404 to another estate's facilities", async () => {
    expect((await gateway('gw-fast', token.housekeeper!)).statusCode).toBe(403);
    expect((await gateway('gw-fast', token.otherFacilities!)).statusCode).toBe(404);
  });

  it("serves a device's readings over the last hours thinned per point, a spike kept as its bucket's max, and never a household's device", async () => {
    const readings = (device: string, headers: { authorization: string }, query = '') => app.inject({ method: 'GET', url: `/api/v1/gateways/gw-fast/devices/${device}/readings${query}`, headers });
    const day = await readings('meter-1', token.facilities!);
    expect(day.statusCode, day.body).toBe(200);
    const body = day.json<{ bucket_s: number; series: Array<{ point: string; unit: string; points: Array<{ max: number; min: number; count: number }> }> }>();
    expect(body.bucket_s).toBe(288);
    expect(body.series.map((series) => [series.point, series.unit])).toEqual([['flow_rate', 'm3/h']]);
    expect(body.series[0]!.points.reduce((sum, point) => sum + point.count, 0)).toBe(3);
    expect(Math.max(...body.series[0]!.points.map((point) => point.max))).toBe(9);
    // The last hour only: the spike five hours back is outside it.
    const hour = (await readings('meter-1', token.facilities!, '?hours=1')).json<{ series: Array<{ points: Array<{ max: number }> }> }>();
    expect(hour.series[0]!.points.map((point) => point.max)).toEqual([3]);
    const household = await app.inject({ method: 'GET', url: '/api/v1/gateways/gw-true/devices/hh-meter/readings', headers: token.facilities! });
    expect([household.statusCode, household.json<{ error: string }>().error]).toEqual([403, 'household_device']);
    expect((await readings('no-such-meter', token.facilities!)).statusCode).toBe(404);
    expect((await readings('meter-1', token.otherFacilities!)).statusCode).toBe(404);
  });
});
