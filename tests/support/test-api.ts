import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../shared/time/clock.js';
import { silentLogger } from '../../shared/log/logger.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { buildApp } from '../../cloud/api/app.js';
import { CloudMetrics } from '../../cloud/metrics/cloud-metrics.js';
import { RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { SqlTicketRepository } from '../../cloud/tickets/sql-ticket-repository.js';
import { TicketService } from '../../cloud/tickets/ticket-service.js';
import { buildDispatch } from '../../cloud/dispatch/dispatch-module.js';
import { GatewayConfigRepository } from '../../cloud/config-delivery/gateway-config-repository.js';
import { GatewayConfigService } from '../../cloud/config-delivery/gateway-config-service.js';
import { SignInService } from '../../cloud/access/sign-in-service.js';
import { HouseholdService } from '../../cloud/estates/household-service.js';
import { HouseholdConfigDelivery } from '../../cloud/config-delivery/household-config-delivery.js';
import { DEFAULT_ACCESS_POLICY, type AccessPolicy } from '../../cloud/access/access-policy.js';
import { GatewayCredentialService } from '../../cloud/registry/gateway-credential-service.js';
import { EstateService } from '../../cloud/estates/estate-service.js';
import { StaffService } from '../../cloud/access/staff-service.js';
import { ApiTokenService } from '../../cloud/access/api-token-service.js';
import { AuditService } from '../../cloud/audit/audit-service.js';
import { buildNotifications, type Notifications } from '../../cloud/notifications/build-notifications.js';
import { KpiService } from '../../cloud/kpis/kpi-service.js';
import { notificationDeliveryRate } from '../../cloud/kpis/notification-delivery-rate.js';
import { signalTicketChanges, WorkFeed } from '../../cloud/console/work-feed.js';
import { sqlEstateDirectory } from '../../cloud/console/estate-directory.js';
import type { HouseholdActivityReader } from '../../cloud/telemetry/household-activity-reader.js';
import { sqlTelemetryReads } from './telemetry-reads.js';
import { HouseholdActivityErasure } from '../../cloud/household-activity/activity-erasure.js';
import { HouseholdActivityService } from '../../cloud/household-activity/household-activity-service.js';
import type { SqlTelemetryStore } from '../../cloud/telemetry/sql-telemetry-store.js';

export interface TestApi {
  app: FastifyInstance;
  registry: RegistryRepository;
  tickets: TicketService;
  households: HouseholdService;
  estates: EstateService;
  configs: GatewayConfigService;
  gatewayCredentials: GatewayCredentialService;
  /** The notification queue and dispatcher behind the API's notification routes (channels send for real). */
  notifications: Notifications;
  /** Wakes the console's live work lists; the tickets service signals it as the cloud's does. */
  workFeed: WorkFeed;
  /** Every retained config the cloud published, topic and payload, oldest first. */
  published: Array<{ topic: string; payload: string }>;
  /** The SQL telemetry store of the test's database: the API's evidence, fleet health and household activity read it. */
  telemetry: SqlTelemetryStore;
}

/**
 * The HTTP API over the test's database with the real services, every dependency healthy, and a
 * broker that records every retained config it is given.
 */
export async function buildTestApi(
  db: SqlDatabase,
  clock: Clock,
  policy: AccessPolicy = DEFAULT_ACCESS_POLICY,
  householdActivity?: HouseholdActivityReader | null,
): Promise<TestApi> {
  const telemetryReads = sqlTelemetryReads(db, clock, householdActivity);
  const registry = new RegistryRepository(db);
  const published: Array<{ topic: string; payload: string }> = [];
  const notifications = buildNotifications(db, { publicUrl: 'https://care.example.com' }, clock, silentLogger());
  const ticketRepository = new SqlTicketRepository(db);
  const workFeed = new WorkFeed();
  const afterDispatchCommit = (): void => {
    notifications.dispatcher.wake();
    workFeed.signal();
  };
  const dispatch = buildDispatch(db, ticketRepository, { queue: notifications.queue, wake: afterDispatchCommit }, clock, silentLogger());
  const tickets = new TicketService(ticketRepository, { clock, ...dispatch.ticketOptions });
  signalTicketChanges(workFeed, tickets);
  const households = new HouseholdService(db, clock);
  const gatewayCredentials = new GatewayCredentialService(db, clock);
  const estates = new EstateService(db, clock);
  const configs = new GatewayConfigService(new GatewayConfigRepository(db), registry, { publishRetained: async (topic, payload) => void published.push({ topic, payload }) }, clock, silentLogger());
  // Household activity aggregates in the test's database (the SQL telemetry store).
  const telemetry = telemetryReads.store;
  const app = await buildApp({
    access: new SignInService(db, clock, policy),
    households: { desk: households, delivery: new HouseholdConfigDelivery(db, households, configs, silentLogger()), erasure: new HouseholdActivityErasure(db, telemetry, clock, silentLogger()) },
    householdActivity: new HouseholdActivityService(db, telemetry, clock),
    tickets,
    dispatch: { roster: dispatch.roster, policies: dispatch.policies, supervision: dispatch.supervision, clock, staffWhoCannotTake: dispatch.staffWhoCannotTake },
    gatewayConfigs: { service: configs, reported: registry },
    gateways: registry,
    telemetryReads,
    gatewayCredentials,
    estates,
    staff: { accounts: new StaffService(db, clock, policy), apiTokens: new ApiTokenService(db, clock, policy) },
    audit: new AuditService(db),
    notifications: notifications.channels,
    kpis: new KpiService(db, clock, notificationDeliveryRate),
    console: { estates: sqlEstateDirectory(db), feed: workFeed },
    health: { database: async () => true, telemetry: async () => true, broker: () => true },
    metrics: new CloudMetrics(),
    logger: silentLogger(),
  });
  return { app, registry, tickets, households, estates, configs, gatewayCredentials, notifications, workFeed, published, telemetry };
}
