import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ComponentGroup, componentOf, type Component } from '../shared/lifecycle/component.js';
import type { Logger } from '../shared/log/logger.js';
import { systemClock, type Clock } from '../shared/time/clock.js';
import type { CloudConfig } from './config/cloud-config.js';
import { openDatabase } from './db/open-database.js';
import { migrate } from './db/migrate.js';
import type { SqlDatabase } from './db/sql-database.js';
import { databaseAnswers } from './db/database-answers.js';
import { EmbeddedCloudBroker, SERVICE_USERNAME } from './broker/embedded-cloud-broker.js';
import { IngestService, type IngestConnection } from './ingest/ingest-service.js';
import { MessageRouter } from './ingest/message-router.js';
import { CloudMetrics } from './metrics/cloud-metrics.js';
import { buildApp } from './api/app.js';
import { createTelemetryStore } from './telemetry/create-telemetry-store.js';
import type { TelemetryStore } from './telemetry/telemetry-store.js';
import { RegistryRepository } from './registry/registry-repository.js';
import { seedRegistry } from './registry/seed-registry.js';
import { GatewayCredentialService } from './registry/gateway-credential-service.js';
import { GatewayLoginCheck } from './registry/gateway-login-check.js';
import { SqlTicketRepository } from './tickets/sql-ticket-repository.js';
import { TicketService } from './tickets/ticket-service.js';
import type { Ticket } from './tickets/ticket.js';
import { GatewayConfigRepository } from './config-delivery/gateway-config-repository.js';
import { GatewayConfigService } from './config-delivery/gateway-config-service.js';
import { SignInService } from './access/sign-in-service.js';
import { HouseholdService } from './estates/household-service.js';
import { HouseholdConfigDelivery } from './config-delivery/household-config-delivery.js';
import { EstateService } from './estates/estate-service.js';
import { StaffService } from './access/staff-service.js';
import { ApiTokenService } from './access/api-token-service.js';
import { AuditService } from './audit/audit-service.js';

export interface CloudOptions {
  logger: Logger;
  clock?: Clock;
}

/**
 * The cloud's composition root. Start order: database (migrated, registry seeded), telemetry store,
 * broker (when embedded), ingest, API; stop runs in reverse, so ingest stops taking messages before
 * the stores close.
 */
export class Cloud implements Component {
  readonly name = 'cloud';
  readonly metrics = new CloudMetrics({ processMetrics: true });
  private readonly clock: Clock;
  private readonly group: ComponentGroup;
  private readonly ticketOpenedListeners = new Set<(ticket: Ticket) => void>();
  private db: SqlDatabase | null = null;
  private registry: RegistryRepository | null = null;
  private tickets: TicketService | null = null;
  private gatewayConfigs: GatewayConfigService | null = null;
  private telemetry: TelemetryStore | null = null;
  private broker: EmbeddedCloudBroker | null = null;
  private ingest: IngestService | null = null;
  private app: FastifyInstance | null = null;
  private boundApiUrl = '';

  constructor(
    private readonly config: CloudConfig,
    private readonly options: CloudOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    const logger = options.logger;
    this.group = new ComponentGroup(
      'cloud',
      [
        componentOf('database', () => this.startDatabase(), () => this.stopDatabase()),
        componentOf('telemetry-store', () => this.startTelemetry(), () => this.stopTelemetry()),
        componentOf('broker', () => this.startBroker(), () => this.stopBroker()),
        componentOf('ingest', () => this.startIngest(), () => this.stopIngest()),
        componentOf('api', () => this.startApi(), () => this.stopApi()),
      ],
      logger,
    );
  }

  /** Base URL of the HTTP API once started, e.g. http://127.0.0.1:8470. */
  get apiUrl(): string {
    return this.boundApiUrl;
  }

  /** The cloud's database once started: for `estatecare admin`-style set-up in the same process (the demo, tests). */
  get database(): SqlDatabase {
    return this.requireDb();
  }

  /** URL of the cloud broker the gateways connect to. */
  get brokerUrl(): string {
    return this.config.broker.embedded ? (this.broker?.url ?? '') : this.config.broker.url;
  }

  /** Called once per ticket opened, after it is stored. */
  onTicketOpened(listener: (ticket: Ticket) => void): () => void {
    this.ticketOpenedListeners.add(listener);
    return () => this.ticketOpenedListeners.delete(listener);
  }

  start(): Promise<void> {
    return this.group.start();
  }

  stop(): Promise<void> {
    return this.group.stop();
  }

  private async startDatabase(): Promise<void> {
    const { database } = this.config;
    this.db = await openDatabase(database.url ? { url: database.url } : { pglite_dir: database.pglite_dir }, this.options.logger);
    await migrate(this.db, this.options.logger);
    this.registry = new RegistryRepository(this.db);
    await seedRegistry(this.registry, this.config.registry.estates);
    this.tickets = new TicketService(new SqlTicketRepository(this.db), { clock: this.clock });
    this.gatewayConfigs = new GatewayConfigService(
      new GatewayConfigRepository(this.db),
      this.registry,
      () => this.ingest,
      this.clock,
      this.options.logger.child({ component: 'gateway-configs' }),
    );
    this.tickets.onTicketOpened((ticket) => {
      this.metrics.ticketsOpened.inc({ type: ticket.type });
      for (const listener of this.ticketOpenedListeners) listener(ticket);
    });
  }

  private async stopDatabase(): Promise<void> {
    await this.db?.close();
    this.db = null;
    this.registry = null;
    this.tickets = null;
    this.gatewayConfigs = null;
  }

  private async startTelemetry(): Promise<void> {
    this.telemetry = createTelemetryStore(this.config.telemetry, this.requireDb());
    await this.telemetry.init();
  }

  private async stopTelemetry(): Promise<void> {
    await this.telemetry?.close();
    this.telemetry = null;
  }

  private async startBroker(): Promise<void> {
    if (!this.config.broker.embedded) return;
    this.broker = new EmbeddedCloudBroker(
      { host: this.config.broker.host, port: this.config.broker.port },
      new GatewayLoginCheck(this.requireDb(), this.requireRegistry()),
      this.options.logger.child({ component: 'cloud-broker' }),
    );
    await this.broker.start();
  }

  private async stopBroker(): Promise<void> {
    await this.broker?.stop();
    this.broker = null;
  }

  private async startIngest(): Promise<void> {
    const db = this.requireDb();
    const telemetry = this.requireTelemetry();
    const logger = this.options.logger.child({ component: 'ingest' });
    const router = new MessageRouter(this.requireRegistry(), this.requireTickets(), telemetry, this.metrics, this.clock, logger);
    const storesUp = async (): Promise<boolean> => (await databaseAnswers(db)) && (await telemetry.ping());
    this.ingest = new IngestService(this.ingestConnection(), router, { storesUp }, this.metrics, this.clock, logger);
    await this.ingest.start();
    // The broker may have lost retained configs (an embedded broker keeps none across a restart).
    const configs = this.requireGatewayConfigs();
    await configs.republishAll();
    this.ingest.onReconnect(() => void configs.republishAll());
  }

  private async stopIngest(): Promise<void> {
    await this.ingest?.stop();
    this.ingest = null;
  }

  private async startApi(): Promise<void> {
    const db = this.requireDb();
    const telemetry = this.requireTelemetry();
    const households = new HouseholdService(db, this.clock);
    this.app = await buildApp({
      access: new SignInService(db, this.clock),
      households: { desk: households, delivery: new HouseholdConfigDelivery(db, households, this.requireGatewayConfigs(), this.options.logger.child({ component: 'household-configs' })) },
      tickets: this.requireTickets(),
      gatewayConfigs: { service: this.requireGatewayConfigs(), reported: this.requireRegistry() },
      gateways: this.requireRegistry(),
      gatewayCredentials: new GatewayCredentialService(db, this.clock),
      estates: new EstateService(db, this.clock),
      staff: { accounts: new StaffService(db, this.clock), apiTokens: new ApiTokenService(db, this.clock) },
      audit: new AuditService(db),
      health: {
        database: () => databaseAnswers(db),
        telemetry: () => telemetry.ping(),
        broker: () => this.ingest?.connected ?? false,
      },
      metrics: this.metrics,
      logger: this.options.logger,
    });
    const { host, port } = this.config.api;
    await this.app.listen({ host, port });
    const address = this.app.server.address();
    const boundPort = typeof address === 'object' && address ? address.port : port;
    this.boundApiUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${boundPort}`;
  }

  private async stopApi(): Promise<void> {
    await this.app?.close();
    this.app = null;
  }

  private requireRegistry(): RegistryRepository {
    if (!this.registry) throw new Error('the registry is not open');
    return this.registry;
  }

  private requireGatewayConfigs(): GatewayConfigService {
    if (!this.gatewayConfigs) throw new Error('the gateway config service is not open');
    return this.gatewayConfigs;
  }

  private requireTickets(): TicketService {
    if (!this.tickets) throw new Error('the ticket service is not open');
    return this.tickets;
  }

  private ingestConnection(): IngestConnection {
    const broker = this.config.broker;
    if (broker.embedded) {
      return {
        url: this.brokerUrl,
        username: SERVICE_USERNAME,
        password: this.broker?.servicePassword,
        clientId: `estatecare-cloud-ingest-${randomBytes(4).toString('hex')}`,
        shareGroup: null,
      };
    }
    return {
      url: broker.url,
      username: broker.username,
      password: broker.password,
      clientId: broker.client_id,
      shareGroup: broker.share_group,
    };
  }

  private requireDb(): SqlDatabase {
    if (!this.db) throw new Error('the database is not open');
    return this.db;
  }

  private requireTelemetry(): TelemetryStore {
    if (!this.telemetry) throw new Error('the telemetry store is not open');
    return this.telemetry;
  }
}
