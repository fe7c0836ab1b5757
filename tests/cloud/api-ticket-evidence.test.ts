import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../shared/time/clock.js';
import type { TicketService } from '../../cloud/tickets/ticket-service.js';
import type { SqlTelemetryStore } from '../../cloud/telemetry/sql-telemetry-store.js';
import type { HouseholdActivityQuery, HouseholdActivityReader } from '../../cloud/telemetry/household-activity-reader.js';
import { DEFAULT_ACCESS_POLICY } from '../../cloud/access/access-policy.js';
import { buildTestApi } from '../support/test-api.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { alertItem, BASE_TIME, eventItem, nextChange, readingItem } from '../support/wire-fixtures.js';
import { bearer, staffToken } from '../support/staff-tokens.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const RAISED = BASE_TIME; // 2026-11-24 08:00 UTC, 16:00 in Asia/Shanghai
const CLEARED = RAISED + 20 * MINUTE;

/** Household aggregates as the store that keeps them would answer (the seam's own implementation in this test). */
class RecordingActivityReader implements HouseholdActivityReader {
  readonly asked: HouseholdActivityQuery[] = [];
  async hourlyActivity(query: HouseholdActivityQuery) {
    this.asked.push(query);
    return [{ hour: RAISED - HOUR, doorOpenings: 3, waterLitres: 41.5, energyKwh: 0.4, minutesAboveStandby: 22 }];
  }
}

/** GET /api/v1/tickets/{id}/evidence over a real (PGlite) database and the SQL telemetry store. */
describe('HTTP API: a ticket’s evidence', () => {
  let opened: OpenedSqlDatabase;
  let app: FastifyInstance;
  let withActivity: FastifyInstance;
  let tickets: TicketService;
  let telemetry: SqlTelemetryStore;
  const activity = new RecordingActivityReader();
  const clock = new ManualClock(RAISED + 3 * HOUR);
  const token: Record<string, { authorization: string }> = {};
  let liftTicket: string;
  let careTicket: string;
  let leakTicket: string;

  const auditReads = async (subjectId: string) =>
    (
      await opened.db.query<{ estate_id: string; unit_id: string | null; actor_id: string; purpose: string; route: string; action: string }>(
        `SELECT estate_id, unit_id, actor_id, purpose, route, action FROM audit_log WHERE kind = 'read' AND subject_id = $1 ORDER BY id`,
        [subjectId],
      )
    ).rows;

  beforeAll(async () => {
    opened = await pglite.open();
    const api = await buildTestApi(opened.db, clock);
    ({ app, tickets, telemetry } = api);
    withActivity = (await buildTestApi(opened.db, clock, DEFAULT_ACCESS_POLICY, activity)).app;
    for (const estate of ['ev-a', 'ev-b']) {
      await api.registry.upsertEstate({ id: estate, name: estate });
      await api.registry.upsertGateway({ id: `gw-${estate}`, estateId: estate, name: estate });
    }
    const at = new Date(BASE_TIME).toISOString();
    await opened.db.query(`INSERT INTO buildings (estate_id, id, name, created_at) VALUES ('ev-a', 'b1', 'Building 1', $1)`, [at]);
    await opened.db.query(`INSERT INTO units (estate_id, id, building_id, label, created_at) VALUES ('ev-a', 'hh-1', 'b1', '1-1203', $1)`, [at]);
    await opened.db.query(`INSERT INTO assets (estate_id, id, building_id, kind, name, created_at) VALUES ('ev-a', 'lift-1', 'b1', 'lift', 'Lift 1', $1), ('ev-a', 'main-1', 'b1', 'water_main', 'Main', $1)`, [at]);
    await opened.db.query(
      `INSERT INTO devices (estate_id, id, gateway_id, unit_id, asset_id, profile, mapped_at) VALUES
       ('ev-a', 'liftmon-1', 'gw-ev-a', NULL, 'lift-1', 'lift_monitor_gbt24476', $1),
       ('ev-a', 'flow-1', 'gw-ev-a', NULL, 'main-1', 'tuf2000_flow_meter', $1),
       ('ev-a', 'door-hh-1', 'gw-ev-a', 'hh-1', NULL, 'door_controller_generic', $1)`,
      [at],
    );
    const origin = { gatewayId: 'gw-ev-a', estateId: 'ev-a', receivedAt: clock.now() };
    // Three hours of 1-minute readings before the raise to one after; a water main's flow and total and battery.
    const readings = [];
    for (let minute = -180; minute < 60; minute++) {
      const t = RAISED + minute * MINUTE;
      readings.push(readingItem({ device_id: 'liftmon-1', point: 'floor', unit: 'floor', value: minute < 0 ? (minute + 180) % 18 : 7, at: t }));
      readings.push(readingItem({ device_id: 'flow-1', point: 'flow_rate', unit: 'm3/h', value: minute >= 0 ? 12 : 0.5, at: t }));
      readings.push(readingItem({ device_id: 'flow-1', point: 'volume_total', unit: 'm3', value: 5000 + minute, at: t }));
      readings.push(readingItem({ device_id: 'flow-1', point: 'battery', unit: 'V', value: 3.6, at: t }));
      readings.push(readingItem({ device_id: 'door-hh-1', point: 'battery', unit: 'V', value: 3.1, at: t }));
    }
    await telemetry.writeReadings(origin, readings);
    await telemetry.writeEvents(origin, [
      eventItem({ device_id: 'liftmon-1', subject: { kind: 'asset', id: 'lift-1' }, type: 'lift_fault', at: RAISED, attributes: { fault: 'stopped_outside_door_zone' } }),
      eventItem({ device_id: 'liftmon-1', subject: { kind: 'asset', id: 'lift-1' }, type: 'lift_fault_cleared', at: CLEARED, attributes: { fault: 'stopped_outside_door_zone' } }),
      eventItem({ device_id: 'liftmon-1', subject: { kind: 'asset', id: 'lift-1' }, type: 'door_opened', at: RAISED + MINUTE }),
      eventItem({ device_id: 'liftmon-1', subject: { kind: 'asset', id: 'lift-1' }, type: 'lift_fault', at: RAISED - 3 * HOUR }),
      eventItem({ device_id: 'door-hh-1', subject: { kind: 'unit', id: 'hh-1' }, type: 'door_opened', at: RAISED }),
    ]);
    const lift = alertItem({ category: 'lift_entrapment', rule: 'lift_entrapment', severity: 'critical', subject: { kind: 'asset', id: 'lift-1' }, at: RAISED });
    liftTicket = (await tickets.handleAlert(origin, lift)).ticket.id;
    await tickets.handleAlert(origin, nextChange(lift, 'cleared', CLEARED));
    careTicket = (await tickets.handleAlert(origin, alertItem({ category: 'care_visit', subject: { kind: 'unit', id: 'hh-1' }, at: RAISED }))).ticket.id;
    leakTicket = (await tickets.handleAlert(origin, alertItem({ category: 'water_leak', rule: 'water_leak', subject: { kind: 'asset', id: 'main-1' }, at: RAISED }))).ticket.id;
    token.facilitiesA = bearer(await staffToken(opened.db, [{ estateId: 'ev-a', role: 'facilities' }], clock));
    token.housekeeperA = bearer(await staffToken(opened.db, [{ estateId: 'ev-a', role: 'housekeeper' }], clock));
    token.housekeeperB = bearer(await staffToken(opened.db, [{ estateId: 'ev-b', role: 'housekeeper' }], clock));
    token.facilitiesB = bearer(await staffToken(opened.db, [{ estateId: 'ev-b', role: 'facilities' }], clock));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await withActivity?.close();
    await opened?.cleanup();
  });

  const evidence = (id: string, headers: { authorization: string }, query = '') => app.inject({ method: 'GET', url: `/api/v1/tickets/${id}/evidence${query}`, headers });

  it("serves a lift's status points and faults over the episode and 2 h before, in the estate's time zone, and audits the read", async () => {
    const response = await evidence(liftTicket, token.facilitiesA!);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.time_zone).toBe('Asia/Shanghai');
    // 2 h before the raise (16:00 +08:00) to 30 min after the clear (16:20).
    expect(body.window).toEqual({ from: '2026-11-24T14:00:00.000+08:00', to: '2026-11-24T16:50:00.000+08:00', episode_from: '2026-11-24T16:00:00.000+08:00', episode_to: '2026-11-24T16:20:00.000+08:00' });
    expect(body.devices).toEqual(['liftmon-1']);
    expect(body.series.map((s: { point: string }) => s.point)).toEqual(['floor']);
    const points = body.series[0].points as Array<{ t: string; count: number; max: number }>;
    expect(points.length).toBeLessThanOrEqual(300);
    expect(points.reduce((sum, p) => sum + p.count, 0)).toBe(170); // one a minute over 2 h 50 min
    expect(points[0]!.t).toBe('2026-11-24T14:00:00.000+08:00');
    expect(body.events.map((e: { type: string; t: string }) => [e.type, e.t])).toEqual([
      ['lift_fault', '2026-11-24T16:00:00.000+08:00'],
      ['lift_fault_cleared', '2026-11-24T16:20:00.000+08:00'],
    ]);
    expect(body.household_activity).toBeNull();
    expect(await auditReads(liftTicket)).toEqual([{ estate_id: 'ev-a', unit_id: null, actor_id: expect.any(String), purpose: 'emergency', route: 'GET /api/v1/tickets/:id/evidence', action: 'ticket_evidence_read' }]);
  });

  it("serves a leak's flow and meter totals only, thinned to whole minutes", async () => {
    const body = (await evidence(leakTicket, token.facilitiesA!, '?purpose=supervision')).json();
    expect(body.series.map((s: { point: string; unit: string }) => [s.point, s.unit])).toEqual([
      ['flow_rate', 'm3/h'],
      ['volume_total', 'm3'],
    ]);
    const flow = body.series[0].points as Array<{ max: number; min: number }>;
    expect(Math.max(...flow.map((p) => p.max))).toBe(12);
    expect(Math.min(...flow.map((p) => p.min))).toBe(0.5);
    expect(body.events).toEqual([]);
    expect((await auditReads(leakTicket)).map((entry) => entry.purpose)).toEqual(['supervision']);
  });

  it("gives a care visit the household's hourly activity through its reader, never a household device's readings or events", async () => {
    const without = (await evidence(careTicket, token.housekeeperA!)).json();
    expect(without.series).toEqual([]);
    expect(without.events).toEqual([]);
    // As the cloud is wired, the household's hours come from the store: none has arrived for this one.
    expect(without.household_activity).toEqual({ available: true, reason: expect.stringContaining('no aggregate arrived'), hours: [] });
    // An hour the gateway sent for the household the day before: the evidence shows it, a silent meter as null.
    const hourStart = new Date(RAISED - 24 * HOUR).toISOString();
    await telemetry.writeHouseholdActivity({ gatewayId: 'gw-ev-a', estateId: 'ev-a', receivedAt: RAISED }, [
      { id: `activity:hh-1:${hourStart}`, household_id: 'hh-1', event_time: hourStart, door_openings: 3, water_l: null, energy_kwh: 0.4, above_standby_min: 25 },
    ]);
    const stored = (await evidence(careTicket, token.housekeeperA!)).json();
    expect(stored.household_activity.hours).toEqual([{ t: '2026-11-23T16:00:00.000+08:00', door_openings: 3, water_litres: null, energy_kwh: 0.4, minutes_above_standby: 25 }]);

    const response = await withActivity.inject({ method: 'GET', url: `/api/v1/tickets/${careTicket}/evidence`, headers: token.housekeeperA! });
    const body = response.json();
    expect(body.series).toEqual([]);
    expect(body.household_activity).toEqual({
      available: true,
      reason: null,
      hours: [{ t: '2026-11-24T15:00:00.000+08:00', door_openings: 3, water_litres: 41.5, energy_kwh: 0.4, minutes_above_standby: 22 }],
    });
    expect(activity.asked).toEqual([{ estateId: 'ev-a', householdId: 'hh-1', from: RAISED - 7 * 24 * HOUR, to: clock.now() }]);
    // Each of the three reads is in the audit log, with the household and the purpose.
    expect((await auditReads(careTicket)).map((entry) => [entry.unit_id, entry.purpose])).toEqual([
      ['hh-1', 'care_visit'],
      ['hh-1', 'care_visit'],
      ['hh-1', 'care_visit'],
    ]);
  });

  it("answers 404 to another estate's staff and to a role that does not see the ticket's type, and audits nothing for them", async () => {
    for (const [who, id] of [
      ['housekeeperB', careTicket],
      ['facilitiesB', liftTicket],
      ['housekeeperA', liftTicket],
    ] as const) {
      const before = (await auditReads(id)).length;
      const response = await evidence(id, token[who]!);
      expect(response.statusCode, who).toBe(404);
      expect(response.body).not.toContain('liftmon-1');
      expect((await auditReads(id)).length, who).toBe(before);
    }
  });

  it('answers 400 naming the field for a bad id or purpose, 404 for an unknown ticket, 401 without credentials', async () => {
    const badId = await evidence('not-a-uuid', token.facilitiesA!);
    expect(badId.statusCode).toBe(400);
    expect(badId.body).toContain('id');
    const badPurpose = await evidence(liftTicket, token.facilitiesA!, '?purpose=curiosity');
    expect(badPurpose.statusCode).toBe(400);
    expect(badPurpose.body).toContain('purpose');
    expect((await evidence('00000000-0000-4000-8000-000000000000', token.facilitiesA!)).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/api/v1/tickets/${liftTicket}/evidence` })).statusCode).toBe(401);
  });
});
