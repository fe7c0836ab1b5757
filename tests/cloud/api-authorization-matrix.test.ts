import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../shared/time/clock.js';
import { declaredRoutes, type DeclaredRoute } from '../../cloud/api/auth/route-access.js';
import { TicketService } from '../../cloud/tickets/ticket-service.js';
import { HouseholdService } from '../../cloud/estates/household-service.js';
import { EstateService } from '../../cloud/estates/estate-service.js';
import { StaffService } from '../../cloud/access/staff-service.js';
import { ApiTokenService } from '../../cloud/access/api-token-service.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import type { Caller } from '../../cloud/access/caller.js';
import { ROLES, type Role } from '../../cloud/access/roles.js';
import { roleMay, TICKET_TYPES_OF_ROLE } from '../../cloud/access/permissions.js';
import { RulesConfigSchema } from '../../shared/contract/index.js';
import { buildTestApi } from '../support/test-api.js';
import { RosterRepository } from '../../cloud/dispatch/roster-repository.js';
import { DispatchPolicyRepository } from '../../cloud/dispatch/dispatch-policy-repository.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { alertItem, BASE_TIME, uniqueSlug } from '../support/wire-fixtures.js';
import { bearer, staffToken } from '../support/staff-tokens.js';
import { isConsolePath } from '../../cloud/console/console-paths.js';
import { insertDeadLetter } from '../support/notification-fixtures.js';
import type { Notifications } from '../../cloud/notifications/build-notifications.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;
const ESTATES = { own: 'estate-a', other: 'estate-b' } as const;
type Place = keyof typeof ESTATES;
/** Each role held in estate-a, the installation's administrator (admin of every estate), and no credentials. */
type Who = Role | 'installation_admin' | 'signed_out';
const CALLERS: readonly Who[] = [...ROLES, 'installation_admin', 'signed_out'];

/** The fresh things one request acts on, made in the estate of the case so no request sees another's changes. */
interface Subject {
  estate_id: string;
  /** A ticket's id (a care visit) for /tickets/:id, the estate's gateway for /gateways/:id. */
  id: string;
  unit_id: string;
  contact_id: string;
  part_id: string;
  version: number;
  device_id: string;
  /** A housekeeper of the estate's building b1, without a password. */
  staff_id: string;
  /** An API token of another such housekeeper. */
  token_id: string;
  /** A notification channel of the estate (the log). */
  channel_id: string;
  /** A dead letter of the estate's delivery log. */
  delivery_id: string;
  /** A night shift of a housekeeper on the roster. */
  shift_id: string;
}

/** How the matrix calls one route, and what it answers a caller it lets through. */
interface RouteCase {
  /** A request body the route accepts. */
  body?: (subject: Subject) => unknown;
  /** A query string the route needs (reads of resident data name their purpose). */
  query?: string;
  /** The answer to a caller it lets through, on a thing of their own estate; 200 unless given. */
  status?: number;
  /** The estate is named in the body, not the path: one where the caller holds no role is not found as well. */
  estateInBody?: true;
  /** Only the installation's administrator may (creating estates): an admin of one estate is forbidden. */
  installationAdminOnly?: true;
}

const CONSENT = { given_by: 'the resident', given_at: '2026-11-01T09:00:00.000Z', scope: 'proactive care visits', document_ref: 'CF-1' };
const CONTACT = { name: '李明', relationship: 'son', phone: '13812345678' };

/**
 * Every route of the API, each with how to call it. A route registered without an entry here fails
 * the first test: a new route must say how it is called before it is let into the API.
 */
const ROUTES: Record<string, RouteCase> = {
  // A fresh unknown login each time, so the login's lockout never answers instead of the route: the route answers 401, not the access check.
  'POST /api/v1/session': { body: () => ({ login: uniqueSlug('nobody'), password: 'not a password' }), status: 401 },
  'DELETE /api/v1/session': { status: 204 },
  'GET /api/v1/me': {},
  'GET /api/v1/tickets': {},
  'GET /api/v1/tickets/:id': {},
  'GET /api/v1/tickets/:id/evidence': {},
  'POST /api/v1/tickets/:id/ack': {},
  'POST /api/v1/tickets/:id/on-site': {},
  'POST /api/v1/tickets/:id/resolve': { body: () => ({ outcome_code: 'resident_well' }) },
  'GET /api/v1/ticket-categories': {},
  'GET /api/v1/estates/:estate_id/households': { query: '?purpose=supervision' },
  'POST /api/v1/estates/:estate_id/households': { body: (subject) => ({ unit_id: subject.unit_id, consent: CONSENT }), status: 201 },
  'GET /api/v1/estates/:estate_id/households/:unit_id': { query: '?purpose=supervision' },
  'POST /api/v1/estates/:estate_id/households/:unit_id/consent': { body: () => CONSENT },
  'POST /api/v1/estates/:estate_id/households/:unit_id/consent/withdrawal': { body: () => ({ withdrawn_at: '2026-11-20T09:00:00.000Z' }) },
  'PUT /api/v1/estates/:estate_id/households/:unit_id/settings': { body: () => ({ lives_alone: false }) },
  'POST /api/v1/estates/:estate_id/households/:unit_id/contacts': { body: () => CONTACT, status: 201 },
  'GET /api/v1/estates/:estate_id/households/:unit_id/contacts/:contact_id/phone': { query: '?purpose=emergency' },
  'GET /api/v1/estates/:estate_id/households/:unit_id/activity': { query: '?purpose=supervision&weeks=4' },
  'POST /api/v1/estates/:estate_id/households/:unit_id/carers': { body: () => ({ name: '张阿姨', kind: 'carer', visits: [{ weekdays: [1, 3], from: '09:00', to: '11:00' }] }), status: 201 },
  'POST /api/v1/estates/:estate_id/households/:unit_id/away-periods': { body: () => ({ from: '2026-12-01T00:00:00.000Z', to: '2026-12-10T00:00:00.000Z', reason: 'travel' }), status: 201 },
  'DELETE /api/v1/estates/:estate_id/households/:unit_id/contacts/:part_id': {},
  'DELETE /api/v1/estates/:estate_id/households/:unit_id/carers/:part_id': {},
  'DELETE /api/v1/estates/:estate_id/households/:unit_id/away-periods/:part_id': {},
  'GET /api/v1/gateways': {},
  'GET /api/v1/gateways/:id': {},
  'GET /api/v1/gateways/:id/devices/:device_id/readings': {},
  'GET /api/v1/gateways/:id/config': {},
  'PUT /api/v1/gateways/:id/config': { body: () => ({ rules: {} }) },
  'GET /api/v1/gateways/:id/credentials': {},
  'POST /api/v1/gateways/:id/credentials': { status: 201 },
  'DELETE /api/v1/gateways/:id/credentials': {},
  'GET /api/v1/estates': {},
  'POST /api/v1/estates': { body: () => ({ id: uniqueSlug('new'), name: 'New Gardens' }), status: 201, installationAdminOnly: true },
  'GET /api/v1/estates/:estate_id': {},
  'GET /api/v1/estates/:estate_id/buildings': {},
  'POST /api/v1/estates/:estate_id/buildings': { body: () => ({ id: uniqueSlug('b'), name: 'Building' }), status: 201 },
  'GET /api/v1/estates/:estate_id/units': {},
  'POST /api/v1/estates/:estate_id/units': { body: () => ({ id: uniqueSlug('unit'), building_id: 'b1', label: '1-101' }), status: 201 },
  'GET /api/v1/estates/:estate_id/assets': {},
  'POST /api/v1/estates/:estate_id/assets': { body: () => ({ id: uniqueSlug('lift'), kind: 'lift', name: 'Lift', building_id: 'b1' }), status: 201 },
  'POST /api/v1/estates/:estate_id/gateways': { body: () => ({ id: uniqueSlug('gw'), name: 'Gateway' }), status: 201 },
  'GET /api/v1/estates/:estate_id/devices': {},
  'PUT /api/v1/estates/:estate_id/devices/:device_id': { body: (subject) => ({ gateway_id: `gw-${subject.estate_id}`, profile: 'pir_generic', unit_id: subject.unit_id }) },
  'GET /api/v1/staff': {},
  'POST /api/v1/staff': {
    body: (subject) => ({ login: uniqueSlug('hk'), display_name: '管家', password: null, grants: [{ estate_id: subject.estate_id, role: 'housekeeper', building_ids: ['b1'] }] }),
    status: 201,
    estateInBody: true,
  },
  'POST /api/v1/staff/:staff_id/password-reset': { body: () => ({ password: 'a new passphrase' }) },
  'POST /api/v1/staff/:staff_id/disable': { status: 204 },
  'DELETE /api/v1/staff/:staff_id/sessions': {},
  'POST /api/v1/staff/:staff_id/api-tokens': { body: () => ({ name: 'matrix client' }), status: 201 },
  'GET /api/v1/api-tokens': {},
  'DELETE /api/v1/api-tokens/:token_id': { status: 204 },
  'GET /api/v1/estates/:estate_id/audit': {},
  'PATCH /api/v1/staff/:staff_id': { body: () => ({ mobile: '13800001111', feishu_open_id: 'ou_0123abcd' }) },
  'GET /api/v1/estates/:estate_id/notification-channels': {},
  'POST /api/v1/estates/:estate_id/notification-channels': { body: () => ({ kind: 'log', name: 'Console log' }), status: 201 },
  'PATCH /api/v1/estates/:estate_id/notification-channels/:channel_id': { body: () => ({ name: 'Renamed', language: 'en' }) },
  'DELETE /api/v1/estates/:estate_id/notification-channels/:channel_id': { status: 204 },
  'POST /api/v1/estates/:estate_id/notification-channels/:channel_id/test': {},
  'GET /api/v1/estates/:estate_id/notifications/deliveries': { query: '?status=dead' },
  'POST /api/v1/estates/:estate_id/notifications/deliveries/:delivery_id/retry': {},
  'GET /api/v1/estates/:estate_id/kpis': { query: '?from=2026-11-01&to=2026-11-07&bucket=day' },
  // Work-order actions on a fresh care visit nobody has been given yet: those its state does not allow answer 409.
  'POST /api/v1/tickets/:id/grab': { status: 409 },
  'POST /api/v1/tickets/:id/false-alarm': { body: () => ({ note: 'resident at home' }) },
  'POST /api/v1/tickets/:id/hand-back': { body: () => ({ reason: 'busy' }), status: 409 },
  'POST /api/v1/tickets/:id/hold': { body: () => ({ reason: 'waiting for parts', until: '2027-01-01T00:00:00.000Z' }), status: 409 },
  'POST /api/v1/tickets/:id/hold/approve': { status: 409 },
  'POST /api/v1/tickets/:id/hold/refuse': { body: () => ({}), status: 409 },
  'POST /api/v1/tickets/:id/reassign': { body: (subject) => ({ to: [subject.staff_id], reason: 'nearer' }) },
  'POST /api/v1/tickets/:id/follow-up': { body: () => ({ outcome: 'reached' }), status: 409 },
  'POST /api/v1/tickets/:id/close': { body: () => ({ reason: 'duplicate' }) },
  'GET /api/v1/estates/:estate_id/duty-shifts': {},
  'POST /api/v1/estates/:estate_id/duty-shifts': {
    body: (subject) => ({ staff_id: subject.staff_id, role: 'housekeeper', weekdays: [1, 2, 3, 4, 5], starts_at: '22:00', ends_at: '06:00' }),
    status: 201,
  },
  'DELETE /api/v1/estates/:estate_id/duty-shifts/:shift_id': { status: 204 },
  'GET /api/v1/estates/:estate_id/team': {},
  'GET /api/v1/estates/:estate_id/escalations': {},
  'GET /api/v1/estates/:estate_id/dispatch-policy': {},
  'PUT /api/v1/estates/:estate_id/dispatch-policy': { body: () => ({ lift_entrapment: { on_site_within_minutes: 15 } }) },
  'GET /healthz': {},
  'GET /metrics': {},
};

/**
 * Every route of the API x every role x a thing of the caller's own estate / of another estate /
 * no credentials, generated from the route table: the exact status of each, and no list holding
 * another estate's ids. A new route joins the matrix by being registered (and cannot be registered
 * without declaring its access, nor pass here without an entry in ROUTES).
 */
describe('authorization matrix over the route table', () => {
  let opened: OpenedSqlDatabase;
  let app: FastifyInstance;
  let tickets: TicketService;
  let households: HouseholdService;
  let estates: EstateService;
  let staff: StaffService;
  let apiTokens: ApiTokenService;
  let notifications: Notifications;
  let operator: Caller;
  const clock = new ManualClock(BASE_TIME + 30_000);
  const tokens = new Map<Who, { authorization: string }>();
  /** Ids of things made in the other estate: no answer to a caller of estate-a may hold one. */
  const foreignIds = new Set<string>();
  const supervisorOf = (estateId: string): Caller => ({ identity: { kind: 'operator' }, grants: [{ estateId, role: 'supervisor', buildingIds: null }], allEstates: false });
  // The console's pages and live stream answer browsers (redirects, an endless stream): tests/console/ covers who reaches them.
  const routes = (): DeclaredRoute[] => declaredRoutes(app).filter((route) => route.method !== 'HEAD' && !isConsolePath(route.url));
  const nameOf = (route: DeclaredRoute) => `${route.method} ${route.url}`;

  beforeAll(async () => {
    opened = await pglite.open();
    const api = await buildTestApi(opened.db, clock);
    ({ app, tickets, households, estates, notifications } = api);
    staff = new StaffService(opened.db, clock);
    apiTokens = new ApiTokenService(opened.db, clock);
    for (const estate of Object.values(ESTATES)) {
      await api.registry.upsertEstate({ id: estate, name: estate });
      await api.registry.upsertGateway({ id: `gw-${estate}`, estateId: estate, name: estate });
      await api.configs.set(`gw-${estate}`, RulesConfigSchema.parse({}), 'operator');
    }
    operator = await loadOperatorCaller(opened.db);
    for (const estate of Object.values(ESTATES)) await estates.addBuilding(operator, estate, { id: 'b1', name: 'Building 1' });
    for (const role of ROLES) tokens.set(role, bearer(await staffToken(opened.db, [{ estateId: ESTATES.own, role }], clock)));
    tokens.set('installation_admin', bearer(await staffToken(opened.db, [{ estateId: null, role: 'admin' }], clock)));
    // Someone of both estates: an admin of estate-a lists them, but never their roles in estate-b.
    await staffToken(opened.db, [{ estateId: ESTATES.own, role: 'supervisor' }, { estateId: ESTATES.other, role: 'supervisor' }], clock);
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
  });

  /** A housekeeper of building b1 of the estate, without a password. */
  async function housekeeperIn(estateId: string): Promise<string> {
    const member = await staff.addStaff(operator, { login: uniqueSlug('hk'), display_name: '管家', password: null, grants: [{ estate_id: estateId, role: 'housekeeper', building_ids: ['b1'] }] });
    return member.id;
  }

  /** What the route's path and body name, made fresh in the estate: a unit always; a ticket, household, staff member or token when the path names one. */
  async function subjectIn(estateId: string, route: DeclaredRoute): Promise<Subject> {
    const names = (param: string) => route.url.includes(`:${param}`);
    const unitId = uniqueSlug('hh');
    await estates.addUnit(operator, estateId, { id: unitId, building_id: 'b1', label: unitId });
    const subject: Subject = { estate_id: estateId, id: '', unit_id: unitId, contact_id: '', part_id: '', version: 0, device_id: uniqueSlug('dev'), staff_id: '', token_id: '', channel_id: '', delivery_id: '', shift_id: '' };
    if (route.url.startsWith('/api/v1/gateways/:id')) subject.id = `gw-${estateId}`;
    // A device's readings are served for an estate's own equipment: a lift monitor on the gateway.
    if (route.url.endsWith('/devices/:device_id/readings')) {
      const liftId = uniqueSlug('lift');
      await estates.addAsset(operator, estateId, { id: liftId, kind: 'lift', name: liftId });
      await estates.mapDevice(operator, estateId, { id: subject.device_id, gateway_id: subject.id, profile: 'lift_monitor_gbt24476', asset_id: liftId });
    }
    if (route.url.startsWith('/api/v1/tickets/:id')) {
      const { ticket } = await tickets.handleAlert(
        { gatewayId: `gw-${estateId}`, estateId, receivedAt: clock.now() },
        alertItem({ category: 'care_visit', rule: 'care_visit', subject: { kind: 'unit', id: unitId } }),
      );
      subject.id = ticket.id;
    }
    // A reassignment, a shift and a staff route each name a housekeeper of the estate.
    if (names('staff_id') || route.url.includes('duty-shifts') || route.url.endsWith('/reassign')) subject.staff_id = await housekeeperIn(estateId);
    if (names('shift_id')) {
      const shift = { staff_id: subject.staff_id, role: 'housekeeper' as const, building_ids: null, weekdays: [6], starts_at: '08:00', ends_at: '20:00' };
      subject.shift_id = (await new RosterRepository(opened.db).add(estateId, shift, 'test', clock.now())).id;
    }
    // The dispatch policy is changed against the version stored now.
    if (route.url.endsWith('/dispatch-policy')) subject.version = (await new DispatchPolicyRepository(opened.db).get(estateId)).version;
    if (names('channel_id')) subject.channel_id = (await notifications.channels.create(operator, estateId, { kind: 'log', name: 'Console log' })).channel.id;
    if (names('delivery_id')) subject.delivery_id = await insertDeadLetter(opened.db, estateId, clock.now());
    if (names('token_id')) subject.token_id = (await apiTokens.issue(operator, { id: await housekeeperIn(estateId) }, { name: 'integration' })).summary.id;
    if (names('unit_id')) {
      const key = { estateId, unitId };
      const supervisor = supervisorOf(estateId);
      await households.enrol(supervisor, estateId, { unit_id: unitId, consent: CONSENT });
      const contact = await households.addContact(supervisor, key, 1, CONTACT);
      const carer = await households.addCarer(supervisor, key, 2, { name: '张阿姨', kind: 'carer', visits: [{ from: '09:00', to: '11:00' }] });
      const away = await households.addAwayPeriod(supervisor, key, 3, { from: '2026-12-01T00:00:00.000Z', to: '2026-12-10T00:00:00.000Z', reason: 'travel' });
      subject.contact_id = contact.contactId;
      subject.part_id = route.url.includes('/contacts/') ? contact.contactId : route.url.includes('/carers/') ? carer.carerId : away.awayPeriodId;
      subject.version = away.version;
      // A new consent is recorded once the one in force is withdrawn.
      if (route.url.endsWith('/consent')) subject.version = (await households.withdrawConsent(supervisor, key, subject.version, { withdrawn_at: '2026-11-15T09:00:00.000Z' })).version;
    }
    if (estateId === ESTATES.other) for (const id of [subject.id, subject.unit_id, subject.contact_id, subject.part_id, subject.staff_id, subject.token_id, subject.channel_id, subject.delivery_id]) if (id) foreignIds.add(id);
    return subject;
  }

  /** The status the access rules give: from the route's declaration, the role's permissions, the estates they hold and the ticket types of the role. */
  function expectedStatus(route: DeclaredRoute, routeCase: RouteCase, who: Who, place: Place): number {
    const allowed = routeCase.status ?? 200;
    if (route.access === 'public') return allowed;
    if (who === 'signed_out') return 401;
    const role: Role = who === 'installation_admin' ? 'admin' : who;
    const mayCall = route.access === 'signed_in' || roleMay(role, route.access.permission);
    if (!mayCall) return 403;
    if (routeCase.installationAdminOnly && who !== 'installation_admin') return 403;
    const namesAThing = route.url.includes(':') || routeCase.estateInBody === true;
    const holdsRoleThere = place === 'own' || who === 'installation_admin';
    if (namesAThing && !holdsRoleThere) return 404;
    if (route.url.startsWith('/api/v1/tickets/:id')) return TICKET_TYPES_OF_ROLE[role].includes('care_visit') ? allowed : 404;
    return allowed;
  }

  it('has an entry for every route of the route table, and none for a route that is gone', () => {
    const registered = routes().map(nameOf);
    expect(registered.filter((name) => !(name in ROUTES)), 'routes without an entry in ROUTES').toEqual([]);
    expect(Object.keys(ROUTES).filter((name) => !registered.includes(name)), 'entries of ROUTES for no route').toEqual([]);
  });

  it('gives every route x caller x estate exactly the status its declaration and the roles allow, and no answer to a caller of one estate holds ids of another', async () => {
    const failures: string[] = [];
    const cases = CALLERS.flatMap((who) => (['own', 'other'] as const).map((place) => ({ who, place })));
    let requests = 0;
    /** What a housekeeper of estate-a got for each route aimed at estate-b's things, for the record. */
    const strangerSaw = new Map<number, string[]>();
    for (const route of routes()) {
      const name = nameOf(route);
      const routeCase = ROUTES[name];
      if (!routeCase) continue; // the test above names it
      for (const { who, place } of cases) {
        const subject = await subjectIn(ESTATES[place], route);
        const url = route.url.replace(/:(\w+)/g, (_match, param: string) => String(subject[param as keyof Subject])) + (routeCase.query ?? '');
        const body = routeCase.body?.(subject);
        const headers = {
          ...(who === 'signed_out' ? {} : tokens.get(who)),
          ...(subject.version || route.url.endsWith('/dispatch-policy') ? { 'if-match': `"${subject.version}"` } : {}),
        };
        const response = await app.inject({ method: route.method as 'GET', url, headers, ...(body === undefined ? {} : { payload: body as object }) });
        requests += 1;
        if (who === 'housekeeper' && place === 'other') strangerSaw.set(response.statusCode, [...(strangerSaw.get(response.statusCode) ?? []), name]);
        const expected = expectedStatus(route, routeCase, who, place);
        if (response.statusCode !== expected) failures.push(`${name} as ${who} (${place} estate): ${response.statusCode}, expected ${expected} ${response.body.slice(0, 200)}`);
        if (response.statusCode === 200 && route.method === 'GET' && who !== 'signed_out' && who !== 'installation_admin') {
          const leaked = [ESTATES.other, ...foreignIds].filter((id) => response.body.includes(id));
          if (leaked.length) failures.push(`${name} as ${who}: the answer names ${leaked.join(', ')} of ${ESTATES.other}`);
        }
      }
    }
    console.log(
      `authorization matrix: ${Object.keys(ROUTES).length} routes x ${CALLERS.length} callers x 2 estates = ${requests} requests; ` +
        `a housekeeper of ${ESTATES.own} trying every route on ${ESTATES.other}'s things got ` +
        [...strangerSaw].sort(([a], [b]) => a - b).map(([status, names]) => `${status} x ${names.length}`).join(', ') +
        ` (200: ${(strangerSaw.get(200) ?? []).join(', ')})`,
    );
    expect(failures).toEqual([]);
    expect(requests).toBe(Object.keys(ROUTES).length * cases.length);
  }, 600_000);
});
