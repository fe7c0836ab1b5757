import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../shared/time/clock.js';
import { silentLogger } from '../../shared/log/logger.js';
import { buildApp, type AppDependencies } from '../../cloud/api/app.js';
import { CloudMetrics } from '../../cloud/metrics/cloud-metrics.js';
import { RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { GatewayCredentialService } from '../../cloud/registry/gateway-credential-service.js';
import { SqlTicketRepository } from '../../cloud/tickets/sql-ticket-repository.js';
import { TicketService } from '../../cloud/tickets/ticket-service.js';
import { buildDispatch, type DispatchModule } from '../../cloud/dispatch/dispatch-module.js';
import { KpiService } from '../../cloud/kpis/kpi-service.js';
import { notificationDeliveryRate } from '../../cloud/kpis/notification-delivery-rate.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { GatewayConfigRepository } from '../../cloud/config-delivery/gateway-config-repository.js';
import { GatewayConfigService, type RetainedPublisher } from '../../cloud/config-delivery/gateway-config-service.js';
import { ConfigMessageSchema, RulesConfigSchema } from '../../shared/contract/index.js';
import { alertItem, BASE_TIME, nextChange } from '../support/wire-fixtures.js';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { OUTCOME_CODES_BY_CATEGORY } from '../../cloud/tickets/ticket-outcomes.js';
import { SignInService } from '../../cloud/access/sign-in-service.js';
import { HouseholdActivityService } from '../../cloud/household-activity/household-activity-service.js';
import { SqlTelemetryStore } from '../../cloud/telemetry/sql-telemetry-store.js';
import { HouseholdService } from '../../cloud/estates/household-service.js';
import { EstateService } from '../../cloud/estates/estate-service.js';
import { StaffService } from '../../cloud/access/staff-service.js';
import { ApiTokenService } from '../../cloud/access/api-token-service.js';
import { AuditService } from '../../cloud/audit/audit-service.js';
import { buildNotifications, type Notifications } from '../../cloud/notifications/build-notifications.js';
import { adminToken, bearer, supervisorToken } from '../support/staff-tokens.js';
import { WorkFeed } from '../../cloud/console/work-feed.js';
import { sqlEstateDirectory } from '../../cloud/console/estate-directory.js';
import { sqlTelemetryReads } from '../support/telemetry-reads.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;

/** The HTTP API through fastify's inject(), on a real (PGlite) database: 4xx name the field, never a 500. */
describe('HTTP API /api/v1/tickets', () => {
  let opened: OpenedSqlDatabase;
  let app: FastifyInstance;
  let service: TicketService;
  let dispatch: DispatchModule;
  let notifications: Notifications;
  let gatewayConfigs: AppDependencies['gatewayConfigs'];
  let registry: RegistryRepository;
  /** Bearer headers of a supervisor (tickets, gateways) and an admin (gateway rules config) of api-estate. */
  let supervisor: { authorization: string };
  let admin: { authorization: string };
  /** How each of them is recorded as the actor of a change. */
  let supervisorActor: string;
  let adminActor: string;
  const clock = new ManualClock(BASE_TIME + 30_000);
  let databaseUp = true;
  /** The broker boundary: what would be published retained, topic and payload. */
  const published: Array<{ topic: string; payload: string }> = [];
  let brokerConnected = true;
  const publisher: RetainedPublisher = {
    publishRetained: async (topic, payload) => {
      if (!brokerConnected) throw new Error('not connected');
      published.push({ topic, payload });
    },
  };

  beforeAll(async () => {
    opened = await pglite.open();
    registry = new RegistryRepository(opened.db);
    await registry.upsertEstate({ id: 'api-estate', name: 'API Gardens' });
    await registry.upsertGateway({ id: 'gw-api', estateId: 'api-estate', name: 'API gateway' });
    const ticketRepository = new SqlTicketRepository(opened.db);
    notifications = buildNotifications(opened.db, { publicUrl: 'https://care.example.com' }, clock, silentLogger());
    dispatch = buildDispatch(opened.db, ticketRepository, { queue: notifications.queue, wake: () => notifications.dispatcher.wake() }, clock, silentLogger());
    service = new TicketService(ticketRepository, { clock, ...dispatch.ticketOptions });
    const configs = new GatewayConfigService(new GatewayConfigRepository(opened.db), registry, publisher, clock, silentLogger());
    gatewayConfigs = { service: configs, reported: registry };
    app = await appWith({});
    supervisor = bearer(await supervisorToken(opened.db, 'api-estate', clock));
    admin = bearer(await adminToken(opened.db, 'api-estate', clock));
    const actorOf = async (headers: { authorization: string }) => `api_token:${(await app.inject({ method: 'GET', url: '/api/v1/me', headers })).json().staff_id}`;
    supervisorActor = await actorOf(supervisor);
    adminActor = await actorOf(admin);
  }, 120_000);

  /** The API over the test's database and services, with some of them replaced. */
  function appWith(replaced: Partial<AppDependencies>): Promise<FastifyInstance> {
    return buildApp({
      households: { desk: new HouseholdService(opened.db, clock), delivery: { deliverFor: async () => {}, statusFor: async () => [] }, erasure: { consentWithdrawn: async () => {} } },
      householdActivity: new HouseholdActivityService(opened.db, new SqlTelemetryStore(opened.db), clock),
      access: new SignInService(opened.db, clock),
      tickets: service,
      dispatch: { roster: dispatch.roster, policies: dispatch.policies, supervision: dispatch.supervision, clock, staffWhoCannotTake: dispatch.staffWhoCannotTake },
      gatewayConfigs,
      gateways: registry,
      telemetryReads: sqlTelemetryReads(opened.db, clock),
      gatewayCredentials: new GatewayCredentialService(opened.db, clock),
      estates: new EstateService(opened.db, clock),
      staff: { accounts: new StaffService(opened.db, clock), apiTokens: new ApiTokenService(opened.db, clock) },
      audit: new AuditService(opened.db),
      kpis: new KpiService(opened.db, clock, notificationDeliveryRate),
      notifications: notifications.channels,
      console: { estates: sqlEstateDirectory(opened.db), feed: new WorkFeed() },
      health: { database: async () => databaseUp, telemetry: async () => true, broker: () => true },
      metrics: new CloudMetrics(),
      logger: silentLogger(),
      ...replaced,
    });
  }

  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
  });

  const origin = () => ({ gatewayId: 'gw-api', estateId: 'api-estate', receivedAt: clock.now() });

  async function openTicket(overrides: Parameters<typeof alertItem>[0] = {}): Promise<string> {
    const { ticket } = await service.handleAlert(origin(), alertItem(overrides));
    return ticket.id;
  }

  const fieldPaths = (body: { fields?: Array<{ path: string }> }) => (body.fields ?? []).map((f) => f.path);

  it('lists tickets newest first with snake_case fields and ISO times', async () => {
    const id = await openTicket({ category: 'lift_entrapment', severity: 'critical', subject: { kind: 'asset', id: 'lift-9' } });
    const response = await app.inject({ headers: supervisor, method: 'GET', url: '/api/v1/tickets?status=open&type=lift_entrapment' });
    expect(response.statusCode).toBe(200);
    const [first] = response.json().tickets;
    expect(first).toMatchObject({ id, type: 'lift_entrapment', priority: 'P1', status: 'open', subject: { kind: 'asset', id: 'lift-9' } });
    // P1: acknowledge within 5 minutes of the raise (shared/contract/README.md), counted from the event time.
    expect(first.ack_due_at).toBe(new Date(BASE_TIME + 5 * 60_000).toISOString());
  });

  it('walks a ticket through acknowledge, on site and resolve, keeping the audit trail', async () => {
    const id = await openTicket();
    clock.advance(60_000);
    const ack = await app.inject({ headers: supervisor, method: 'POST', url: `/api/v1/tickets/${id}/ack` });
    expect(ack.statusCode).toBe(200);
    expect(ack.json().ticket).toMatchObject({ status: 'acknowledged', acknowledged_by: supervisorActor, acknowledged_at: new Date(clock.now()).toISOString() });
    expect((await app.inject({ headers: supervisor, method: 'POST', url: `/api/v1/tickets/${id}/on-site`, })).statusCode).toBe(200);
    const resolved = await app.inject({ headers: supervisor,
      method: 'POST',
      url: `/api/v1/tickets/${id}/resolve`,
      payload: { outcome_code: 'resident_well', note: '老人在家休息，一切正常' },
    });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json().ticket).toMatchObject({ status: 'resolved', outcome_code: 'resident_well', outcome_note: '老人在家休息，一切正常' });
    const detail = await app.inject({ headers: supervisor, method: 'GET', url: `/api/v1/tickets/${id}` });
    expect(detail.json().audit.map((entry: { action: string }) => entry.action)).toEqual(['opened', 'acknowledged', 'on_site', 'resolved', 'follow_up_scheduled']);
  });

  it('answers 409 naming the status when a transition is not allowed', async () => {
    const id = await openTicket();
    await app.inject({ headers: supervisor, method: 'POST', url: `/api/v1/tickets/${id}/resolve`, payload: { outcome_code: 'false_alarm' } });
    const again = await app.inject({ headers: supervisor, method: 'POST', url: `/api/v1/tickets/${id}/ack` });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'invalid_transition', details: { status: 'closed' } });
  });

  it('answers 404 for a ticket that does not exist', async () => {
    const response = await app.inject({ headers: supervisor, method: 'GET', url: '/api/v1/tickets/0190f1f2-0000-7000-8000-000000000000' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toBe('ticket_not_found');
    const ack = await app.inject({ headers: supervisor, method: 'POST', url: '/api/v1/tickets/0190f1f2-0000-7000-8000-000000000000/ack' });
    expect(ack.statusCode).toBe(404);
  });

  it('answers 400 naming each field at fault', async () => {
    const id = await openTicket();
    const cases: Array<{ url: string; method: 'GET' | 'POST'; payload?: Record<string, unknown>; field: string }> = [
      { method: 'POST', url: `/api/v1/tickets/${id}/resolve`, payload: { outcome_code: 'went_home' }, field: 'body.outcome_code' },
      { method: 'POST', url: '/api/v1/tickets/not-a-uuid/ack', field: 'params.id' },
      { method: 'GET', url: '/api/v1/tickets?limit=100000', field: 'querystring.limit' },
      { method: 'GET', url: '/api/v1/tickets?status=sleeping', field: 'querystring.status' },
    ];
    for (const testCase of cases) {
      const response = await app.inject({ headers: supervisor, method: testCase.method, url: testCase.url, ...(testCase.payload !== undefined ? { payload: testCase.payload } : {}) });
      expect(response.statusCode, testCase.url).toBe(400);
      const body = response.json();
      expect(body.error).toBe('invalid_request');
      // A list parameter names the item at fault too, e.g. querystring.status.0.
      expect(body.fields.map((f: { path: string }) => f.path).some((path: string) => path === testCase.field || path.startsWith(`${testCase.field}.`)), JSON.stringify(body)).toBe(true);
    }
  });

  it("shows the words a ticket was opened for beside the alert's latest state, and every revision in the audit trail", async () => {
    const raise = alertItem({
      category: 'lift_entrapment',
      rule: 'lift_entrapment',
      subject: { kind: 'asset', id: 'lift-7' },
      reason: { zh: '7 号梯报警按钮被按下，可能有人被困', en: 'Alarm button pressed in lift 7: a passenger may be trapped' },
      evidence: { presses: 1 },
    });
    const clear = nextChange(raise, 'cleared', BASE_TIME + 6 * 60_000, {
      reason: { zh: '7 号梯门已打开：已无人被困', en: 'Lift 7 doors open: no longer trapped' },
      evidence: { presses: 1, doors_open: true },
    });
    const { ticket } = await service.handleAlert(origin(), raise);
    await service.handleAlert(origin(), clear);
    const response = await app.inject({ headers: supervisor, method: 'GET', url: `/api/v1/tickets/${ticket.id}` });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.ticket).toMatchObject({
      status: 'open',
      reason: raise.reason,
      evidence: clear.evidence,
      alert: { state: 'cleared', revision: 2, reason: clear.reason, at: clear.event_time, cleared_at: clear.event_time },
    });
    expect(body.audit.map((e: { action: string; details: Record<string, unknown> }) => [e.action, e.details.revision, e.details.reason, e.details.evidence])).toEqual([
      ['opened', 1, raise.reason, raise.evidence],
      ['alert_cleared', 2, clear.reason, clear.evidence],
      ['follow_up_scheduled', undefined, undefined, undefined],
    ]);
  });

  it('serves the outcome codes of each category and refuses one from another category with 400 naming the field', async () => {
    const categories = await app.inject({ headers: supervisor, method: 'GET', url: '/api/v1/ticket-categories' });
    expect(categories.statusCode).toBe(200);
    expect(Object.fromEntries(categories.json().categories.map((c: { type: string; outcome_codes: string[] }) => [c.type, c.outcome_codes]))).toEqual(OUTCOME_CODES_BY_CATEGORY);

    const id = await openTicket({ category: 'lift_fault', rule: 'lift_fault_code', subject: { kind: 'asset', id: 'lift-4' } });
    const refused = await app.inject({ headers: supervisor, method: 'POST', url: `/api/v1/tickets/${id}/resolve`, payload: { outcome_code: 'resident_well' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: 'outcome_not_for_category', details: { type: 'lift_fault', outcome_codes: OUTCOME_CODES_BY_CATEGORY.lift_fault } });
    expect(fieldPaths(refused.json())).toEqual(['body.outcome_code']);
    expect((await app.inject({ headers: supervisor, method: 'GET', url: `/api/v1/tickets/${id}` })).json().ticket.status).toBe('open');
    const resolved = await app.inject({ headers: supervisor, method: 'POST', url: `/api/v1/tickets/${id}/resolve`, payload: { outcome_code: 'repaired' } });
    expect(resolved.json().ticket).toMatchObject({ status: 'closed', outcome_code: 'repaired' });
  });

  it('answers 400 naming each unknown query parameter or malformed filter, on every API route', async () => {
    const id = await openTicket();
    const cases: Array<{ url: string; fields: string[] }> = [
      { url: '/api/v1/tickets?stauts=open', fields: ['querystring.stauts'] },
      { url: '/api/v1/tickets?status=open&estate=api-estate&sort=asc', fields: ['querystring.estate', 'querystring.sort'] },
      { url: '/api/v1/tickets?estate_id=API%20Estate', fields: ['querystring.estate_id'] },
      { url: `/api/v1/tickets/${id}?include=audit`, fields: ['querystring.include'] },
      { url: '/api/v1/ticket-categories?type=lift_fault', fields: ['querystring.type'] },
      { url: '/api/v1/gateways?estate=api-estate', fields: ['querystring.estate'] },
      { url: '/api/v1/gateways/gw-api/config?version=1', fields: ['querystring.version'] },
    ];
    for (const testCase of cases) {
      const response = await app.inject({ headers: testCase.url.includes('/config') ? admin : supervisor, method: 'GET', url: testCase.url });
      expect(response.statusCode, testCase.url).toBe(400);
      expect(response.json().error).toBe('invalid_request');
      expect(fieldPaths(response.json()), testCase.url).toEqual(testCase.fields);
    }
    const known = await app.inject({ headers: supervisor, method: 'GET', url: '/api/v1/tickets?status=open&estate_id=api-estate&limit=5&offset=0' });
    expect(known.statusCode).toBe(200);
  });

  it('answers 405 with an Allow header to a wrong method on a known path, 404 to an unknown path', async () => {
    const id = await openTicket();
    const cases = [
      { method: 'DELETE', url: '/api/v1/tickets', allow: 'GET, HEAD' },
      { method: 'POST', url: `/api/v1/tickets/${id}`, allow: 'GET, HEAD' },
      { method: 'PUT', url: `/api/v1/tickets/${id}/ack`, allow: 'POST' },
      { method: 'GET', url: `/api/v1/tickets/${id}/resolve?by=x`, allow: 'POST' },
      { method: 'DELETE', url: '/api/v1/gateways/gw-api/config', allow: 'GET, HEAD, PUT' },
    ] as const;
    for (const testCase of cases) {
      const response = await app.inject({ headers: supervisor, method: testCase.method, url: testCase.url });
      expect(response.statusCode, `${testCase.method} ${testCase.url}`).toBe(405);
      expect(response.headers.allow).toBe(testCase.allow);
      expect(response.json()).toMatchObject({ error: 'method_not_allowed' });
    }
    const unknown = await app.inject({ headers: supervisor, method: 'GET', url: '/api/v1/tickets-archive' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toBe('not_found');
  });

  it('answers 400 naming the field to a NUL character (U+0000) in the query, the path or the body, and stores nothing', async () => {
    const id = await openTicket();
    const cases: Array<{ method: 'GET' | 'POST' | 'PUT'; url: string; payload?: unknown; field: string }> = [
      { method: 'GET', url: '/api/v1/tickets?estate_id=api-estate%00', field: 'querystring.estate_id' },
      { method: 'GET', url: '/api/v1/tickets?status=open%00', field: 'querystring.status' },
      { method: 'GET', url: '/api/v1/gateways/gw-api%00', field: 'params.id' },
      { method: 'POST', url: `/api/v1/tickets/${id}/resolve`, payload: { outcome_code: 'resident_well', note: '一切\u0000正常' }, field: 'body.note' },
    ];
    for (const testCase of cases) {
      const response = await app.inject({ headers: supervisor, method: testCase.method, url: testCase.url, ...(testCase.payload !== undefined ? { payload: testCase.payload as object } : {}) });
      expect(response.statusCode, `${testCase.url} ${response.body}`).toBe(400);
      expect(response.json().error).toBe('invalid_request');
      expect(fieldPaths(response.json())).toEqual([testCase.field]);
    }
    expect((await app.inject({ headers: supervisor, method: 'GET', url: `/api/v1/tickets/${id}` })).json().ticket.status).toBe('open');
  });

  it('answers 400, not 500, to a body that is not JSON', async () => {
    const id = await openTicket();
    const response = await app.inject({ method: 'POST', url: `/api/v1/tickets/${id}/ack`, headers: { ...supervisor, 'content-type': 'application/json' }, payload: '{"outcome_code": ' });
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toMatch(/\bat \S+:\d+/); // no stack frames
  });

  it('hides internals of a failure behind a plain 500', async () => {
    const broken = await appWith({
      tickets: { ...service, list: async () => { throw new Error('relation "tickets" does not exist'); } } as unknown as TicketService,
    });
    const response = await broken.inject({ headers: supervisor, method: 'GET', url: '/api/v1/tickets' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: 'internal_error', message: expect.any(String) });
    expect(response.body).not.toContain('relation');
    await broken.close();
  });

  it('reports health: 200 when every dependency answers, 503 naming the one that does not', async () => {
    expect((await app.inject({ headers: supervisor, method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    databaseUp = false;
    const degraded = await app.inject({ headers: supervisor, method: 'GET', url: '/healthz' });
    databaseUp = true;
    expect(degraded.statusCode).toBe(503);
    expect(degraded.json()).toMatchObject({ status: 'degraded', checks: { database: false, telemetry: true } });
  });

  it('serves the OpenAPI description at /docs and Prometheus metrics at /metrics', async () => {
    const spec = await app.inject({ headers: supervisor, method: 'GET', url: '/docs/json' });
    expect(spec.statusCode).toBe(200);
    expect(Object.keys(spec.json().paths)).toContain('/api/v1/tickets/{id}/resolve');
    const metrics = await app.inject({ headers: supervisor, method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('estatecare_ingest_rejected_total');
  });

  describe('gateway rules config', () => {
    it('stores each change as the next version and publishes it retained on the gateway config topic', async () => {
      const first = await app.inject({ headers: admin, method: 'PUT', url: '/api/v1/gateways/gw-api/config', payload: { rules: {} } });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ gateway_id: 'gw-api', config_version: '1', issued_by: adminActor, reported_config_version: null });
      const second = await app.inject({ headers: admin, method: 'PUT', url: '/api/v1/gateways/gw-api/config', payload: { rules: { lifts: {} } } });
      expect(second.json().config_version).toBe('2');
      const last = published.at(-1)!;
      expect(last.topic).toBe('estatecare/v1/gw/gw-api/config');
      const message = ConfigMessageSchema.parse(JSON.parse(last.payload));
      expect(message).toMatchObject({ gateway_id: 'gw-api', config: { config_version: '2' } });
      expect((await app.inject({ headers: admin, method: 'GET', url: '/api/v1/gateways/gw-api/config' })).json().config_version).toBe('2');
    });

    it('keeps the care section out of the administrator\'s hands: neither shown nor replaced here, and kept as it is by a change of rule parameters', async () => {
      const careProfile = { unit_id: 'hh-kept-1', consent: { recorded_at: '2026-11-01T09:00:00.000Z', purpose: 'proactive care visits' } };
      // As a household's enrolment delivers it (config-delivery/household-config-delivery.ts).
      await gatewayConfigs.service.change('gw-api', async (current) => RulesConfigSchema.parse({ ...current, care: { households: [careProfile] } }), 'supervisor');
      const shown = await app.inject({ headers: admin, method: 'GET', url: '/api/v1/gateways/gw-api/config' });
      expect(shown.json()).toMatchObject({ care_households: 1 });
      expect(shown.body).not.toContain('hh-kept-1');
      const refused = await app.inject({ headers: admin, method: 'PUT', url: '/api/v1/gateways/gw-api/config', payload: { rules: { care: { households: [] } } } });
      expect(refused.statusCode).toBe(400);
      expect(fieldPaths(refused.json())).toEqual(['body.rules.care']);
      const changed = await app.inject({ headers: admin, method: 'PUT', url: '/api/v1/gateways/gw-api/config', payload: { rules: { lifts: {} } } });
      expect(changed.statusCode, changed.body).toBe(200);
      const sent = ConfigMessageSchema.parse(JSON.parse(published.at(-1)!.payload));
      expect(sent.config.config_version).toBe(changed.json().config_version);
      expect(sent.config.rules.care.households.map((household) => household.unit_id)).toEqual(['hh-kept-1']);
    });

    it('answers 400 naming the field of a bad rule parameter, 404 for an unknown gateway, 503 when the broker is away', async () => {
      const bad = await app.inject({ headers: admin, method: 'PUT', url: '/api/v1/gateways/gw-api/config', payload: { rules: { lifts: { defaults: { entrapment: { outside_door_zone_s: -5 } } } } } });
      expect(bad.statusCode, bad.body).toBe(400);
      expect(fieldPaths(bad.json()).every((path: string) => path.startsWith('body.rules.lifts'))).toBe(true);
      const unknown = await app.inject({ headers: admin, method: 'PUT', url: '/api/v1/gateways/gw-nobody/config', payload: { rules: {} } });
      expect(unknown.statusCode).toBe(404);
      brokerConnected = false;
      const away = await app.inject({ headers: admin, method: 'PUT', url: '/api/v1/gateways/gw-api/config', payload: { rules: {} } });
      brokerConnected = true;
      expect(away.statusCode).toBe(503);
      expect(away.json().message).toMatch(/is stored/);
    });
  });
  describe('care profiles stay out of logs and error answers', () => {
    const MARKER = 'purpose-zq7x-private';
    const rules = (purpose: string) => ({ care: { households: [{ unit_id: 'hh-log-1', consent: { recorded_at: '2026-11-01T09:00:00.000Z', purpose } }] } });
    const lines: string[] = [];
    let logged: FastifyInstance;

    beforeAll(async () => {
      const capture = pino({ level: 'trace' }, new Writable({ write: (chunk, _encoding, done) => done(void lines.push(String(chunk))) }));
      logged = await appWith({ logger: capture });
    });
    afterAll(async () => logged?.close());

    it('a care profile sent to the config route: 400 naming the care section, its text neither answered nor logged', async () => {
      const response = await logged.inject({ headers: admin, method: 'PUT', url: '/api/v1/gateways/gw-api/config', payload: { rules: rules(MARKER) } });
      expect(response.statusCode).toBe(400);
      expect(fieldPaths(response.json())).toEqual(['body.rules.care']);
      expect(response.body).not.toContain(MARKER);
      expect(lines.join('')).not.toContain(MARKER);
    });

    it('a rules config the database refuses: a plain 500, and the log names the failure without the care profile', async () => {
      // The care section a household's enrolment delivered goes with every new version of the config.
      await gatewayConfigs.service.change('gw-api', async (current) => ({ ...current, ...(RulesConfigSchema.parse(rules(MARKER))) }), 'supervisor');
      // A real refusal by the database, whose error carries the row (detail: "Failing row contains ...").
      await opened.db.query('ALTER TABLE gateway_configs ADD CONSTRAINT refuse_all CHECK (false) NOT VALID');
      const before = lines.length;
      try {
        const response = await logged.inject({ headers: admin, method: 'PUT', url: '/api/v1/gateways/gw-api/config', payload: { rules: {} } });
        expect(response.statusCode).toBe(500);
        expect(response.body).not.toContain(MARKER);
      } finally {
        await opened.db.query('ALTER TABLE gateway_configs DROP CONSTRAINT refuse_all');
      }
      const failure = lines.slice(before).map((line) => JSON.parse(line)).find((entry) => entry.msg === 'request failed');
      expect(failure?.err).toMatchObject({ code: '23514', message: expect.stringContaining('refuse_all') });
      expect(lines.join('')).not.toContain(MARKER);
    });
  });

  describe('gateway fleet status', () => {
    it('lists never-seen, online and offline gateways with their delivery watermark and backlog', async () => {
      await registry.upsertGateway({ id: 'gw-api-quiet', estateId: 'api-estate', name: 'never reported' });
      await registry.upsertGateway({ id: 'gw-api-down', estateId: 'api-estate', name: 'lost its uplink' });
      const outbox = { depth: 1200, oldest_unsent_age_s: 95, awaiting_receipt: 3, refused_by_cloud: 0, thinned_telemetry: 10, evicted_telemetry: 2, telemetry_dropped_through: '2026-11-24T07:00:00.000Z' };
      const online = { online: true as const, software_version: '1.0.0', config_version: null, uptime_s: 10, outbox, buses: [], devices_offline: ['meter-9'], watermark: '2026-11-24T07:58:00.000Z' };
      await registry.recordStatus('gw-api', online, clock.now());
      await registry.recordStatus('gw-api-down', online, clock.now() - 60_000);
      await registry.recordStatus('gw-api-down', { online: false, reason: 'connection_lost' }, clock.now());

      const response = await app.inject({ headers: supervisor, method: 'GET', url: '/api/v1/gateways?estate_id=api-estate' });
      expect(response.statusCode).toBe(200);
      const byId = new Map((response.json() as { gateways: Array<Record<string, unknown>> }).gateways.map((g) => [g.id, g]));
      expect(byId.get('gw-api')).toMatchObject({ uplink: 'online', watermark: '2026-11-24T07:58:00.000Z', outbox, devices_offline: ['meter-9'] });
      expect(byId.get('gw-api-quiet')).toMatchObject({ uplink: 'never_seen', watermark: null, outbox: null, last_seen_at: null });
      // Offline keeps the last watermark known, which dates the start of the outage.
      expect(byId.get('gw-api-down')).toMatchObject({ uplink: 'offline', offline_reason: 'connection_lost', watermark: '2026-11-24T07:58:00.000Z' });
    });

    it('answers one gateway, 404 for one not registered and 400 naming a malformed id', async () => {
      expect((await app.inject({ headers: supervisor, method: 'GET', url: '/api/v1/gateways/gw-api' })).json()).toMatchObject({ id: 'gw-api', estate_id: 'api-estate' });
      const missing = await app.inject({ headers: supervisor, method: 'GET', url: '/api/v1/gateways/gw-nowhere' });
      expect(missing.statusCode).toBe(404);
      expect(missing.body).toContain('gw-nowhere');
      const malformed = await app.inject({ headers: supervisor, method: 'GET', url: '/api/v1/gateways?estate_id=Not%20An%20Id' });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.body).toContain('estate_id');
    });
  });
});
