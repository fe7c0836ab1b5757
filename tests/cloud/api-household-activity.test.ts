import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { HouseholdActivityItem, RoutineSummary } from '../../shared/contract/index.js';
import { ManualClock } from '../../shared/time/clock.js';
import { EstateService } from '../../cloud/estates/estate-service.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import { buildTestApi, type TestApi } from '../support/test-api.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { BASE_TIME } from '../support/wire-fixtures.js';
import { bearer, staffToken } from '../support/staff-tokens.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;
const HOUR = 3_600_000;
const ROUTINE: RoutineSummary = {
  history_days: 14,
  morning: [
    { kind: 'weekday', learned: true, usual_from_min: 400, usual_to_min: 430, check_at_min: 550 },
    { kind: 'weekend', learned: true, usual_from_min: 460, usual_to_min: 500, check_at_min: 620 },
  ],
  day_quiet_limit_min: 360,
  day_quiet_basis: 'configured',
};

function hour(householdId: string, start: number, values: Partial<HouseholdActivityItem> = {}): HouseholdActivityItem {
  return { id: `activity:${householdId}:${new Date(start).toISOString()}`, household_id: householdId, event_time: new Date(start).toISOString(), door_openings: 1, water_l: 20, energy_kwh: 0.3, above_standby_min: 5, ...values };
}

/**
 * GET …/households/:unit_id/activity: a household's hourly activity as a day-by-hour picture in the
 * estate's time zone, for supervisors and estate managers only, scoped like every household read and
 * written to the audit log; a consent's withdrawal deletes the hours.
 */
describe('HTTP API household activity', () => {
  let opened: OpenedSqlDatabase;
  let app: FastifyInstance;
  let api: TestApi;
  // 2026-11-24 16:00 in Shanghai (UTC+8), the estate's zone.
  const clock = new ManualClock(BASE_TIME);
  const token: Record<string, { authorization: string }> = {};
  const consent = { given_by: 'the resident', given_at: '2026-11-01T09:00:00.000Z', scope: 'proactive care visits', document_ref: 'CF-2026-0077' };
  const url = (estate: string, unit: string, query = '?purpose=supervision') => `/api/v1/estates/${estate}/households/${unit}/activity${query}`;
  const origin = (estateId: string) => ({ gatewayId: `gw-${estateId}`, estateId, receivedAt: clock.now() });

  beforeAll(async () => {
    opened = await pglite.open();
    api = await buildTestApi(opened.db, clock);
    app = api.app;
    for (const estate of ['estate-a', 'estate-b']) await api.registry.upsertEstate({ id: estate, name: estate });
    const operator = await loadOperatorCaller(opened.db);
    const estates = new EstateService(opened.db, clock);
    for (const estate of ['estate-a', 'estate-b']) {
      await estates.addBuilding(operator, estate, { id: 'b1', name: 'Building 1' });
      await estates.addUnit(operator, estate, { id: 'hh-1', building_id: 'b1', label: `${estate} 1-101` });
    }
    token.supervisorA = bearer(await staffToken(opened.db, [{ estateId: 'estate-a', role: 'supervisor' }], clock));
    token.managerA = bearer(await staffToken(opened.db, [{ estateId: 'estate-a', role: 'estate_manager' }], clock));
    token.housekeeperA = bearer(await staffToken(opened.db, [{ estateId: 'estate-a', role: 'housekeeper' }], clock));
    token.facilitiesA = bearer(await staffToken(opened.db, [{ estateId: 'estate-a', role: 'facilities' }], clock));
    token.adminA = bearer(await staffToken(opened.db, [{ estateId: 'estate-a', role: 'admin' }], clock));
    token.supervisorB = bearer(await staffToken(opened.db, [{ estateId: 'estate-b', role: 'supervisor' }], clock));
    for (const [estate, who] of [['estate-a', token.supervisorA!], ['estate-b', token.supervisorB!]] as const) {
      const enrolled = await app.inject({ method: 'POST', url: `/api/v1/estates/${estate}/households`, headers: who, payload: { unit_id: 'hh-1', consent } });
      expect(enrolled.statusCode, enrolled.body).toBe(201);
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
  });

  it("draws the last 4 weeks day by hour in the estate's time zone, with the latest routine, and audits the read", async () => {
    // 15:00-16:00 local on the 24th, local midnight of the 24th (16:00 UTC the day before), and one hour 29 days back: outside.
    const afternoon = BASE_TIME - HOUR;
    const midnight = Date.UTC(2026, 10, 23, 16);
    await api.telemetry.writeHouseholdActivity(origin('estate-a'), [
      hour('hh-1', midnight, { door_openings: 0, water_l: null, routine: ROUTINE }),
      hour('hh-1', afternoon, { door_openings: 3, water_l: 41.5, energy_kwh: 0.25, above_standby_min: 17.5 }),
      hour('hh-1', BASE_TIME - 29 * 24 * HOUR),
    ]);
    // The same household id in another estate is another household.
    await api.telemetry.writeHouseholdActivity(origin('estate-b'), [hour('hh-1', afternoon - HOUR, { door_openings: 9 })]);

    const response = await app.inject({ method: 'GET', url: url('estate-a', 'hh-1', '?purpose=supervision&weeks=4'), headers: token.supervisorA! });
    expect(response.statusCode, response.body).toBe(200);
    const picture = response.json();
    expect(picture).toMatchObject({ estate_id: 'estate-a', unit_id: 'hh-1', time_zone: 'Asia/Shanghai', routine: ROUTINE, routine_as_of: new Date(midnight).toISOString() });
    expect(picture.days).toHaveLength(28);
    expect(picture.days[0]).toMatchObject({ date: '2026-10-28', weekday: 3 });
    const today = picture.days[27];
    expect(today).toMatchObject({ date: '2026-11-24', weekday: 2 });
    expect(today.hours[0]).toEqual({ door_openings: 0, water_l: null, energy_kwh: 0.3, above_standby_min: 5 });
    expect(today.hours[15]).toEqual({ door_openings: 3, water_l: 41.5, energy_kwh: 0.25, above_standby_min: 17.5 });
    expect(today.hours[14]).toBeNull();
    const drawn = picture.days.flatMap((day: { hours: unknown[] }) => day.hours).filter((slot: unknown) => slot !== null);
    expect(drawn).toHaveLength(2);

    const audit = await app.inject({ method: 'GET', url: '/api/v1/estates/estate-a/audit?unit_id=hh-1&kind=read', headers: token.managerA! });
    expect(audit.statusCode, audit.body).toBe(200);
    expect(audit.json().entries[0]).toMatchObject({
      kind: 'read',
      action: 'household_activity_read',
      unit_id: 'hh-1',
      purpose: 'supervision',
      route: 'GET /api/v1/estates/:estate_id/households/:unit_id/activity',
      actor: { kind: 'api_token' },
    });
  });

  it('lets an estate manager read it; a housekeeper, facilities and an admin are forbidden; another estate sees nothing', async () => {
    expect((await app.inject({ method: 'GET', url: url('estate-a', 'hh-1'), headers: token.managerA! })).statusCode).toBe(200);
    for (const who of ['housekeeperA', 'facilitiesA', 'adminA']) {
      const refused = await app.inject({ method: 'GET', url: url('estate-a', 'hh-1'), headers: token[who]! });
      expect(refused.statusCode, `${who}: ${refused.body}`).toBe(403);
    }
    expect((await app.inject({ method: 'GET', url: url('estate-a', 'hh-1'), headers: token.supervisorB! })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: url('estate-a', 'hh-404'), headers: token.supervisorA! })).statusCode).toBe(404);
    const otherEstate = (await app.inject({ method: 'GET', url: url('estate-b', 'hh-1'), headers: token.supervisorB! })).json();
    expect(otherEstate.days.flatMap((day: { hours: Array<{ door_openings: number } | null> }) => day.hours.filter((slot) => slot !== null).map((slot) => slot!.door_openings))).toEqual([9]);
  });

  it('answers 400 naming the field for a missing purpose or weeks out of range, and audits nothing then', async () => {
    const before = (await app.inject({ method: 'GET', url: '/api/v1/estates/estate-a/audit?unit_id=hh-1&kind=read', headers: token.managerA! })).json().entries.length;
    for (const [query, field] of [['', 'purpose'], ['?purpose=supervision&weeks=0', 'weeks'], ['?purpose=supervision&weeks=14', 'weeks'], ['?purpose=curiosity', 'purpose']] as const) {
      const response = await app.inject({ method: 'GET', url: url('estate-a', 'hh-1', query), headers: token.supervisorA! });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.body).toContain(field);
    }
    const after = (await app.inject({ method: 'GET', url: '/api/v1/estates/estate-a/audit?unit_id=hh-1&kind=read', headers: token.managerA! })).json().entries.length;
    expect(after).toBe(before);
  });

  it("deletes the household's hours when its consent is withdrawn, and no other household's", async () => {
    const range = (estateId: string) => ({ estateId, householdId: 'hh-1', from: 0, to: BASE_TIME + HOUR });
    expect((await api.telemetry.queryHouseholdActivity(range('estate-a'))).length).toBeGreaterThan(0);
    const record = await app.inject({ method: 'GET', url: '/api/v1/estates/estate-a/households/hh-1?purpose=care_enrolment', headers: token.supervisorA! });
    const withdrawn = await app.inject({
      method: 'POST',
      url: '/api/v1/estates/estate-a/households/hh-1/consent/withdrawal',
      headers: { ...token.supervisorA!, 'if-match': record.headers.etag as string },
      payload: { withdrawn_at: new Date(clock.now()).toISOString() },
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(await api.telemetry.queryHouseholdActivity(range('estate-a'))).toEqual([]);
    expect((await api.telemetry.queryHouseholdActivity(range('estate-b'))).map((stored) => stored.door_openings)).toEqual([9]);
    const picture = (await app.inject({ method: 'GET', url: url('estate-a', 'hh-1'), headers: token.supervisorA! })).json();
    expect(picture.days.every((day: { hours: unknown[] }) => day.hours.every((slot) => slot === null))).toBe(true);
    expect(picture.routine).toBeNull();
  });
});
