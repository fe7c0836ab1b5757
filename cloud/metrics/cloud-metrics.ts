import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ItemRefusal, WireRejection } from '../../shared/contract/index.js';

/** Prometheus metrics of one cloud instance, served at /metrics. */
export class CloudMetrics {
  readonly registry = new Registry();

  readonly messagesAccepted = new Counter({
    name: 'estatecare_ingest_messages_total',
    help: 'MQTT messages accepted by ingest, by channel',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  readonly messagesRejected = new Counter({
    name: 'estatecare_ingest_rejected_total',
    help: 'MQTT messages rejected by ingest, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /**
   * Items ingest wrote to a store, counted when their message went through: a message stored again
   * (sent twice, delivered twice) counts again. InfluxDB keeps one point for an item written twice
   * (same tags and time), so this is where a duplicate write shows.
   */
  readonly itemsStored = new Counter({
    name: 'estatecare_ingest_items_stored_total',
    help: 'Items (alerts, events, readings) ingest stored, by channel, counted once per message stored',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  readonly itemsRefused = new Counter({
    name: 'estatecare_ingest_items_refused_total',
    help: 'Items ingest refused for good while keeping the rest of their message (or all of it), by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly storageRetries = new Counter({
    name: 'estatecare_ingest_storage_retries_total',
    help: 'Times ingest held a message back because a store was unavailable',
    registers: [this.registry],
  });

  /** How many messages each grouped telemetry write carried (cloud/ingest/write-groups.ts), by lane. */
  readonly messagesPerWrite = new Histogram({
    name: 'estatecare_ingest_messages_per_write',
    help: 'Messages whose items went in one grouped telemetry write, by lane (readings, events)',
    labelNames: ['lane'] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });

  readonly groupedWritesSplit = new Counter({
    name: 'estatecare_ingest_grouped_writes_split_total',
    help: 'Grouped telemetry writes a store refused for their data, written again one message at a time, by lane',
    labelNames: ['lane'] as const,
    registers: [this.registry],
  });

  readonly ticketsOpened = new Counter({
    name: 'estatecare_tickets_opened_total',
    help: 'Tickets opened, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  /** Ticket timers fired by this instance: dispatch, the grab pool's end, each escalation step and renotification. */
  readonly ticketTimersFired = new Counter({
    name: 'estatecare_ticket_timers_fired_total',
    help: 'Ticket timers this instance fired, by chain (dispatch, pool, ack, on_site, follow_up)',
    labelNames: ['chain'] as const,
    registers: [this.registry],
  });

  /** Notification attempts made by this instance, by how they ended and what became of the delivery. */
  readonly notificationAttempts = new Counter({
    name: 'estatecare_notification_attempts_total',
    help: 'Notification attempts, by classification (ok, retryable, permanent, timeout, network) and the delivery status after it (lost: another instance had taken it over)',
    labelNames: ['classification', 'status'] as const,
    registers: [this.registry],
  });

  /** The messages in flight on each ingest lane's connection, read when the metrics are. */
  private inFlightReader: () => Record<string, number> = () => ({});

  /**
   * QoS 1 messages each ingest lane's connection has taken from the broker and not yet acknowledged
   * (cloud/platform/cloud-mqtt-connection.ts, at most INFLIGHT_MESSAGES a lane): a telemetry lane
   * at its limit is a store behind, an urgent lane above zero for long is an alert waiting.
   */
  readonly messagesInFlight = new Gauge({
    name: 'estatecare_ingest_messages_in_flight',
    help: 'MQTT messages taken from the broker and not yet acknowledged, by ingest lane (urgent: alerts, status; telemetry: readings, events, activity)',
    labelNames: ['lane'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [lane, count] of Object.entries(this.inFlightReader())) this.messagesInFlight.set({ lane }, count);
    },
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Where the in-flight gauge reads its figures: the running cloud's connections, by lane. */
  watchMessagesInFlight(read: () => Record<string, number>): void {
    this.inFlightReader = read;
  }

  rejected(reason: WireRejection): void {
    this.messagesRejected.inc({ reason });
  }

  /** Counts for tests and for the demo's summary, read without the text format. */
  async rejectedCount(reason?: WireRejection): Promise<number> {
    return sumOf(this.messagesRejected, 'reason', reason);
  }

  async itemsRefusedCount(reason?: ItemRefusal): Promise<number> {
    return sumOf(this.itemsRefused, 'reason', reason);
  }

  async acceptedCount(channel?: string): Promise<number> {
    return sumOf(this.messagesAccepted, 'channel', channel);
  }

  async storedItemsCount(channel?: string): Promise<number> {
    return sumOf(this.itemsStored, 'channel', channel);
  }
}

/** The counter's total over the values whose label is `value` (every value when undefined). */
async function sumOf<L extends string>(counter: Counter<L>, label: L, value: string | undefined): Promise<number> {
  const metric = await counter.get();
  return metric.values.filter((v) => value === undefined || v.labels[label] === value).reduce((sum, v) => sum + v.value, 0);
}
