import { ComponentGroup, type Component } from '../shared/lifecycle/component.js';
import type { Logger } from '../shared/log/logger.js';
import type { Clock } from '../shared/time/clock.js';
import type { CloudConfig } from './config/cloud-config.js';
import type { SqlDatabase } from './db/sql-database.js';
import { databaseAnswers } from './db/database-answers.js';
import { buildCloudPlatform, type CloudPlatform } from './platform/cloud-platform.js';
import { IngestService } from './ingest/ingest-service.js';
import { MessageRouter } from './ingest/message-router.js';
import { GroupedTelemetryWrites } from './ingest/grouped-telemetry-writes.js';
import type { CloudMetrics } from './metrics/cloud-metrics.js';
import { ApiServer } from './api/api-server.js';
import { GatewayCredentialService } from './registry/gateway-credential-service.js';
import { SqlTicketRepository } from './tickets/sql-ticket-repository.js';
import { TicketService } from './tickets/ticket-service.js';
import { buildDispatch } from './dispatch/dispatch-module.js';
import { buildKpis } from './kpis/build-kpis.js';
import { channelSenders } from './notifications/channels/channel-senders.js';
import { signalTicketChanges, WorkFeed } from './console/work-feed.js';
import { sqlEstateDirectory } from './console/estate-directory.js';

import type { Ticket } from './tickets/ticket.js';
import { GatewayConfigRepository } from './config-delivery/gateway-config-repository.js';
import { GatewayConfigService } from './config-delivery/gateway-config-service.js';
import { GatewayConfigRepublisher } from './config-delivery/gateway-config-republisher.js';
import { HouseholdConfigDelivery } from './config-delivery/household-config-delivery.js';
import { SignInService } from './access/sign-in-service.js';
import { HouseholdService } from './estates/household-service.js';
import { HouseholdActivityErasure } from './household-activity/activity-erasure.js';
import { StoredActivityEvidenceReader } from './household-activity/activity-evidence-reader.js';
import { HouseholdActivityRetention } from './household-activity/household-activity-retention.js';
import { ErasureRetry } from './household-activity/erasure-retry.js';
import { consentCheckedStore } from './household-activity/consent-checked-store.js';
import { HouseholdActivityService } from './household-activity/household-activity-service.js';
import { EstateService } from './estates/estate-service.js';
import { StaffService } from './access/staff-service.js';
import { ApiTokenService } from './access/api-token-service.js';
import { AuditService } from './audit/audit-service.js';
import { buildNotifications, type Notifications } from './notifications/build-notifications.js';
import { createTelemetryReaders } from './telemetry/create-telemetry-readers.js';
import { TicketEvidenceBuilder } from './telemetry/ticket-evidence-builder.js';
import { TicketEvidenceService } from './telemetry/ticket-evidence-service.js';
import { RetentionJob } from './telemetry/retention-job.js';
import { ClosedTicketRetention } from './tickets/closed-ticket-retention.js';
import { GatewayFleetHealthReader } from './registry/gateway-fleet-health.js';
import { WallClockJobRunner } from './platform/wall-clock-jobs.js';

export interface CloudPartsOptions {
  clock: Clock;
  metrics: CloudMetrics;
  logger: Logger;
  /** Called once per ticket opened, after it is stored. */
  onTicketOpened(ticket: Ticket): void;
  /** Where the log notification channel writes; the logger when omitted. */
  notificationLog?: Logger;
}

/**
 * Every part of one run of the cloud, none missing: the platform, then the modules on it. start()
 * starts them in the order below and stop() stops them in reverse: the API, ingest (it stops taking
 * messages), the config republisher, then the MQTT connection, the broker and the stores.
 */
export interface CloudParts extends Component {
  readonly platform: CloudPlatform;
  readonly tickets: TicketService;
  readonly gatewayConfigs: GatewayConfigService;
  readonly householdConfigs: HouseholdConfigDelivery;
  readonly ingest: IngestService;
  readonly notifications: Notifications;
  readonly api: ApiServer;
}

/** Builds the cloud over an opened database; nothing is acquired until start(). */
export function buildCloudParts(db: SqlDatabase, config: CloudConfig, options: CloudPartsOptions): CloudParts {
  const { clock, metrics, logger } = options;
  const platform = buildCloudPlatform(db, config, clock, logger);
  const { registry, telemetry, connection, connections } = platform;
  const notifications = buildNotifications(
    db,
    {
      publicUrl: config.public_url ?? `http://${config.api.host}:${config.api.port}`,
      ...(options.notificationLog ? { senders: channelSenders(options.notificationLog) } : {}),
    },
    clock,
    logger,
  );
  const ticketRepository = new SqlTicketRepository(db);
  // The console's live work lists look again after every ticket change this process commits: a
  // dispatch timer's (told through the wake below), a staff action's or an alert's.
  const workFeed = new WorkFeed();
  const afterDispatchCommit = (): void => {
    notifications.dispatcher.wake();
    workFeed.signal();
  };
  const dispatch = buildDispatch(db, ticketRepository, { queue: notifications.queue, wake: afterDispatchCommit }, clock, logger.child({ component: 'dispatch' }), (timer) =>
    metrics.ticketTimersFired.inc({ chain: timer.chain }),
  );
  notifications.dispatcher.onAttempt((report) => metrics.notificationAttempts.inc({ classification: report.outcome.classification, status: report.status ?? 'lost' }));
  const tickets = new TicketService(ticketRepository, { clock, ...dispatch.ticketOptions });
  tickets.onTicketOpened((ticket) => {
    dispatch.ticketOpened();
    options.onTicketOpened(ticket);
  });
  signalTicketChanges(workFeed, tickets);

  const gatewayConfigs = new GatewayConfigService(new GatewayConfigRepository(db), registry, connection, clock, logger.child({ component: 'gateway-configs' }));
  const configRepublisher = new GatewayConfigRepublisher(gatewayConfigs, connection, logger.child({ component: 'gateway-configs' }));
  const households = new HouseholdService(db, clock);
  const householdConfigs = new HouseholdConfigDelivery(db, households, gatewayConfigs, logger.child({ component: 'household-configs' }));
  // Household activity aggregates: kept only under a consent in force, deleted when it is withdrawn.
  const activityErasure = new HouseholdActivityErasure(db, telemetry, clock, logger.child({ component: 'household-activity' }));


  const kpis = buildKpis(db, clock, logger.child({ component: 'kpis' }), (tx, digest) =>
    notifications.queue.enqueue(tx, {
      estateId: digest.estateId,
      ticketId: null,
      purpose: 'daily_digest',
      chain: null,
      step: 0,
      recipientStaffIds: digest.recipientStaffIds,
      audience: 'supervisor',
      sendAt: clock.now(),
      dedupeKey: `daily_digest:${digest.estateId}:${digest.day}`,
      details: { text_zh: digest.text.zh, text_en: digest.text.en },
    }),
  );

  // Reads of telemetry for people (a ticket's evidence, a care visit's with the household's hourly
  // activity, fleet health) and the nightly retention run.
  const telemetryReaders = createTelemetryReaders(config.telemetry, db, config.retention);
  const ticketEvidence = new TicketEvidenceService(db, new TicketEvidenceBuilder(db, telemetryReaders.evidence, telemetry, new StoredActivityEvidenceReader(telemetry)), clock);
  const fleetHealth = new GatewayFleetHealthReader(db, telemetryReaders.evidence, clock);
  const retentionLogger = logger.child({ component: 'retention' });
  const retentionJobs = new WallClockJobRunner(
    db,
    [
      new RetentionJob(
        config.retention,
        telemetryReaders.retention,
        [new ClosedTicketRetention(config.retention.closed_ticket_days), ...(config.telemetry.backend === 'sql' ? [new HouseholdActivityRetention(config.retention)] : [])],
        retentionLogger,
      ),
    ],
    clock,
    retentionLogger,
  );

  const ingestLogger = logger.child({ component: 'ingest' });
  const storesUp = async (): Promise<boolean> => (await databaseAnswers(db)) && (await telemetry.ping());
  const telemetryWrites = new GroupedTelemetryWrites(consentCheckedStore(telemetry, db, ingestLogger), metrics);
  const ingest = new IngestService(
    connections,
    config.broker.embedded ? null : config.broker.share_group,
    new MessageRouter(registry, tickets, telemetryWrites, metrics, clock, ingestLogger),
    { storesUp },
    metrics,
    clock,
    ingestLogger,
    telemetryWrites.readingsRoom,
  );

  const api = new ApiServer(
    {
      access: new SignInService(db, clock),
      households: { desk: households, delivery: householdConfigs, erasure: activityErasure },
      householdActivity: new HouseholdActivityService(db, telemetry, clock),
      tickets,
      dispatch: {
        roster: dispatch.roster,
        policies: dispatch.policies,
        supervision: dispatch.supervision,
        clock,
        staffWhoCannotTake: dispatch.staffWhoCannotTake,
      },
      gatewayConfigs: { service: gatewayConfigs, reported: registry },
      gateways: registry,
      telemetryReads: { evidence: ticketEvidence, fleetHealth },
      gatewayCredentials: new GatewayCredentialService(db, clock),
      estates: new EstateService(db, clock),
      staff: { accounts: new StaffService(db, clock), apiTokens: new ApiTokenService(db, clock) },
      audit: new AuditService(db),
      kpis: kpis.service,
      notifications: notifications.channels,
      console: { estates: sqlEstateDirectory(db), feed: workFeed },
      health: {
        database: () => databaseAnswers(db),
        telemetry: () => telemetry.ping(),
        broker: () => connections.urgent.connected && connections.telemetry.connected,
      },
      metrics,
      logger,
    },
    config.api,
  );

  metrics.watchMessagesInFlight(() => ({ urgent: connections.urgent.inFlight, telemetry: connections.telemetry.inFlight }));

  // The republisher starts after ingest has subscribed: until then a message the broker kept for the
  // cloud's session waits unacknowledged on the connection, and MQTT.js reads nothing after it (a
  // config's PUBACK included) until it is handled.
  const group = new ComponentGroup('cloud', [...platform.components, ingest, configRepublisher, notifications.component, dispatch.worker, kpis.digestJob, retentionJobs, new ErasureRetry(activityErasure, logger.child({ component: 'household-activity' })), api], logger);
  return {
    name: group.name,
    platform,
    tickets,
    gatewayConfigs,
    householdConfigs,
    ingest,
    notifications,
    api,
    start: () => group.start(),
    stop: () => group.stop(),
  };
}
