import type { Component } from '../shared/lifecycle/component.js';
import type { Logger } from '../shared/log/logger.js';
import { systemClock, type Clock } from '../shared/time/clock.js';
import type { CloudConfig } from './config/cloud-config.js';
import { openDatabase } from './db/open-database.js';
import type { SqlDatabase } from './db/sql-database.js';
import { CloudMetrics } from './metrics/cloud-metrics.js';
import type { Ticket } from './tickets/ticket.js';
import { buildCloudParts, type CloudParts } from './cloud-parts.js';
import type { CloudConnections } from './platform/cloud-platform.js';

export interface CloudOptions {
  logger: Logger;
  clock?: Clock;
  /** Where the log notification channel writes; the cloud's logger when omitted (the demo shows it in the terminal). */
  notificationLog?: Logger;
}

/**
 * The cloud service. start() opens the database, then builds and starts the platform (database
 * migrated, registry seeded, telemetry store, embedded broker, the one MQTT connection) and the
 * modules on it (cloud-parts.ts); stop() stops them in reverse. Metrics and ticket listeners outlive
 * a stop, so a cloud started again keeps them.
 */
export class Cloud implements Component {
  readonly name = 'cloud';
  readonly metrics = new CloudMetrics({ processMetrics: true });
  private readonly clock: Clock;
  private readonly ticketOpenedListeners = new Set<(ticket: Ticket) => void>();
  /** The parts of the current run, from the start of start() to the end of stop(). */
  private running: CloudParts | null = null;

  constructor(
    private readonly config: CloudConfig,
    private readonly options: CloudOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** Base URL of the HTTP API once started, e.g. http://127.0.0.1:8470. */
  get apiUrl(): string {
    return this.running?.api.url ?? '';
  }

  /** The cloud's database once started: for `estatecare admin`-style set-up in the same process (the demo, tests). */
  get database(): SqlDatabase {
    if (!this.running) throw new Error('the database is not open');
    return this.running.platform.db;
  }

  /** URL of the cloud broker the gateways connect to. */
  get brokerUrl(): string {
    return this.config.broker.embedded ? (this.running?.platform.broker?.url ?? '') : this.config.broker.url;
  }

  /** Messages ingest has taken from the broker and not yet acknowledged, on both lanes (cloud-mqtt-connection.ts). */
  get messagesInFlight(): number {
    return this.messagesInFlightOn('urgent') + this.messagesInFlightOn('telemetry');
  }

  /** Messages ingest has taken from the broker on one lane's connection and not yet acknowledged. */
  messagesInFlightOn(lane: keyof CloudConnections): number {
    return this.running?.platform.connections[lane].inFlight ?? 0;
  }

  /** Called once per ticket opened, after it is stored. */
  onTicketOpened(listener: (ticket: Ticket) => void): () => void {
    this.ticketOpenedListeners.add(listener);
    return () => this.ticketOpenedListeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.running) throw new Error('the cloud is already started');
    const { database } = this.config;
    const db = await openDatabase(database.url ? { url: database.url } : { pglite_dir: database.pglite_dir }, this.options.logger);
    const parts = buildCloudParts(db, this.config, {
      clock: this.clock,
      metrics: this.metrics,
      logger: this.options.logger,
      notificationLog: this.options.notificationLog,
      onTicketOpened: (ticket) => {
        this.metrics.ticketsOpened.inc({ type: ticket.type });
        for (const listener of this.ticketOpenedListeners) listener(ticket);
      },
    });
    // Set before the parts start, so a stop() meanwhile stops what has started.
    this.running = parts;
    try {
      await parts.start();
    } catch (error) {
      this.running = null;
      // The parts stopped what had started; the database too, unless its migration was what failed.
      await db.close();
      throw error;
    }
  }

  async stop(): Promise<void> {
    const parts = this.running;
    this.running = null;
    await parts?.stop();
  }
}
