import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../shared/time/clock.js';
import { declaredRoutes, type DeclaredRoute } from '../../cloud/api/auth/route-access.js';
import { TicketService } from '../../cloud/tickets/ticket-service.js';
import { HouseholdService } from '../../cloud/estates/household-service.js';
import { EstateService } from '../../cloud/estates/estate-service.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import type { Caller } from '../../cloud/access/caller.js';
import { ROLES, type Role } from '../../cloud/access/roles.js';
import { roleMay, TICKET_TYPES_OF_ROLE } from '../../cloud/access/permissions.js';
import { RulesConfigSchema } from '../../shared/contract/index.js';
import { buildTestApi } from '../support/test-api.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { alertItem, BASE_TIME, uniqueSlug } from '../support/wire-fixtures.js';
import { bearer, staffToken } from '../support/staff-tokens.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;
const ESTATES = { own: 'estate-a', other: 'estate-b' } as const;
type Place = keyof typeof ESTATES;
type Who = Role | 'signed_out';

/** The fresh things one request acts on, made in the estate of the case so no request sees another's changes. */
interface Subject {
  estate_id: string;
  id: string;
  unit_id: string;
  contact_id: string;
  part_id: string;
  version: number;
}

/** Request bodies that the route would accept from a caller it lets through. */
const BODIES: Record<string, (subject: Subject) => unknown> = {
  // A fresh unknown login each time, so the login's lockout never answers instead of the route.
  'POST /api/v1/session': () => ({ login: uniqueSlug('nobody'), password: 'not a password' }),
  'POST /api/v1/tickets/:id/resolve': () => ({ outcome_code: 'resident_well' }),
  'PUT /api/v1/gateways/:id/config': () => ({ rules: {} }),
  'POST /api/v1/estates/:estate_id/households': (subject) => ({ unit_id: subject.unit_id, consent: CONSENT }),
  'POST /api/v1/estates/:estate_id/households/:unit_id/consent': () => CONSENT,
  'POST /api/v1/estates/:estate_id/households/:unit_id/consent/withdrawal': () => ({ withdrawn_at: '2026-11-20T09:00:00.000Z' }),
  'PUT /api/v1/estates/:estate_id/households/:unit_id/settings': () => ({ lives_alone: false }),
  'POST /api/v1/estates/:estate_id/households/:unit_id/contacts': () => CONTACT,
  'POST /api/v1/estates/:estate_id/households/:unit_id/carers': () => ({ name: '张阿姨', kind: 'carer', visits: [{ weekdays: [1, 3], from: '09:00', to: '11:00' }] }),
  'POST /api/v1/estates/:estate_id/households/:unit_id/away-periods': () => ({ from: '2026-12-01T00:00:00.000Z', to: '2026-12-10T00:00:00.000Z', reason: 'travel' }),
};
const CONSENT = { given_by: 'the resident', given_at: '2026-11-01T09:00:00.000Z', scope: 'proactive care visits', document_ref: 'CF-1' };
const CONTACT = { name: '李明', relationship: 'son', phone: '13812345678' };
/** Reads of resident data name their purpose. */
const QUERIES: Record<string, string> = {
  'GET /api/v1/estates/:estate_id/households': '?purpose=supervision',
  'GET /api/v1/estates/:estate_id/households/:unit_id': '?purpose=supervision',
  'GET /api/v1/estates/:estate_id/households/:unit_id/contacts/:contact_id/phone': '?purpose=emergency',
};
/** Answers of a route the caller may call, on a thing of their own estate. */
const ALLOWED_STATUS: Record<string, number> = {
  'POST /api/v1/session': 401, // a login that does not exist: the route answers, not the access check
  'DELETE /api/v1/session': 204,
  'POST /api/v1/estates/:estate_id/households': 201,
  'POST /api/v1/estates/:estate_id/households/:unit_id/contacts': 201,
  'POST /api/v1/estates/:estate_id/households/:unit_id/carers': 201,
  'POST /api/v1/estates/:estate_id/households/:unit_id/away-periods': 201,
  'POST /api/v1/gateways/:id/credentials': 201,
};

/**
 * Every route of the API x every role x a thing of the caller's own estate / of another estate /
 * no credentials, generated from the route table: the exact status of each, and no list holding
 * another estate's ids. A new route joins the matrix by being registered (and cannot be registered
 * without declaring its access).
 */
describe('authorization matrix over the route table', () => {
  let opened: OpenedSqlDatabase;
  let app: FastifyInstance;
  let tickets: TicketService;
  let households: HouseholdService;
  let estates: EstateService;
  let operator: Caller;
  const clock = new ManualClock(BASE_TIME + 30_000);
  const tokens = new Map<Role, { authorization: string }>();
  const supervisorOf = (estateId: string): Caller => ({ identity: { kind: 'operator' }, grants: [{ estateId, role: 'supervisor', buildingIds: null }], allEstates: false });

  beforeAll(async () => {
    opened = await pglite.open();
    const api = await buildTestApi(opened.db, clock);
    ({ app, tickets, households } = api);
    for (const estate of Object.values(ESTATES)) {
      await api.registry.upsertEstate({ id: estate, name: estate });
      await api.registry.upsertGateway({ id: `gw-${estate}`, estateId: estate, name: estate });
      await api.configs.set(`gw-${estate}`, RulesConfigSchema.parse({}), 'operator');
    }
    operator = await loadOperatorCaller(opened.db);
    estates = new EstateService(opened.db, clock);
    for (const estate of Object.values(ESTATES)) await estates.addBuilding(operator, estate, { id: 'b1', name: 'Building 1' });
    for (const role of ROLES) tokens.set(role, bearer(await staffToken(opened.db, [{ estateId: ESTATES.own, role }], clock)));
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
  });

  /** A new ticket (care visit), unit, enrolled household with a contact, carer and away period, in the estate. */
  async function subjectIn(estateId: string, route: DeclaredRoute): Promise<Subject> {
    const { ticket } = await tickets.handleAlert(
      { gatewayId: `gw-${estateId}`, estateId, receivedAt: clock.now() },
      alertItem({ category: 'care_visit', rule: 'care_visit', subject: { kind: 'unit', id: uniqueSlug('hh') } }),
    );
    const unitId = uniqueSlug('hh');
    await estates.addUnit(operator, estateId, { id: unitId, building_id: 'b1', label: unitId });
    const subject: Subject = { estate_id: estateId, id: ticket.id, unit_id: unitId, contact_id: '', part_id: '', version: 0 };
    if (route.method === 'POST' && route.url === '/api/v1/estates/:estate_id/households') return subject;
    const key = { estateId, unitId };
    const supervisor = supervisorOf(estateId);
    await households.enrol(supervisor, estateId, { unit_id: unitId, consent: CONSENT });
    const contact = await households.addContact(supervisor, key, 1, CONTACT);
    const carer = await households.addCarer(supervisor, key, 2, { name: '张阿姨', kind: 'carer', visits: [{ from: '09:00', to: '11:00' }] });
    const away = await households.addAwayPeriod(supervisor, key, 3, { from: '2026-12-01T00:00:00.000Z', to: '2026-12-10T00:00:00.000Z', reason: 'travel' });
    const partId = route.url.includes('/contacts/') ? contact.contactId : route.url.includes('/carers/') ? carer.carerId : away.awayPeriodId;
    let version = away.version;
    // A new consent is recorded once the one in force is withdrawn.
    if (route.url.endsWith('/consent')) version = (await households.withdrawConsent(supervisor, key, version, { withdrawn_at: '2026-11-15T09:00:00.000Z' })).version;
    return { ...subject, contact_id: contact.contactId, part_id: partId, version };
  }

  /** The status the access rules give: from the route's declaration, the role's permissions and the ticket types of the role. */
  function expectedStatus(route: DeclaredRoute, who: Who, place: Place): number {
    const name = `${route.method} ${route.url}`;
    const allowed = ALLOWED_STATUS[name] ?? 200;
    if (route.access === 'public') return allowed;
    if (who === 'signed_out') return 401;
    const mayCall = route.access === 'signed_in' || roleMay(who, route.access.permission);
    if (!mayCall) return 403;
    const namesAThing = route.url.includes(':');
    if (!namesAThing) return allowed;
    if (place === 'other') return 404;
    if (route.url.startsWith('/api/v1/tickets/:id')) return TICKET_TYPES_OF_ROLE[who].includes('care_visit') ? allowed : 404;
    return allowed;
  }

  it('gives every route x role x estate exactly the status its declaration and the roles allow, and no list holds ids of another estate', async () => {
    const routes = declaredRoutes(app).filter((route) => route.method !== 'HEAD');
    expect(routes.map((route) => `${route.method} ${route.url}`)).toEqual(expect.arrayContaining(['GET /api/v1/tickets', 'PUT /api/v1/gateways/:id/config', 'GET /api/v1/estates/:estate_id/households']));
    const failures: string[] = [];
    const cases: Array<{ who: Who; place: Place }> = [...ROLES, 'signed_out' as const].flatMap((who) => (['own', 'other'] as const).map((place) => ({ who, place })));
    for (const route of routes) {
      const name = `${route.method} ${route.url}`;
      for (const { who, place } of cases) {
        const subject = await subjectIn(ESTATES[place], route);
        const url =
          route.url.replace(/:(\w+)/g, (_match, param: string) => (param === 'id' && route.url.startsWith('/api/v1/gateways') ? `gw-${subject.estate_id}` : String(subject[param as keyof Subject]))) +
          (QUERIES[name] ?? '');
        const body = BODIES[name]?.(subject);
        const headers = {
          ...(who === 'signed_out' ? {} : tokens.get(who)),
          ...(subject.version ? { 'if-match': `"${subject.version}"` } : {}),
        };
        const response = await app.inject({ method: route.method as 'GET', url, headers, ...(body === undefined ? {} : { payload: body as object }) });
        const expected = expectedStatus(route, who, place);
        if (response.statusCode !== expected) failures.push(`${name} as ${who} (${place} estate): ${response.statusCode}, expected ${expected} ${response.body.slice(0, 200)}`);
        if (response.statusCode === 200 && route.method === 'GET' && response.body.includes(ESTATES.other) && who !== 'signed_out') {
          failures.push(`${name} as ${who}: the answer names ${ESTATES.other}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
