import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import type { WireRejection } from '../../shared/contract/index.js';

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

  readonly storageRetries = new Counter({
    name: 'estatecare_ingest_storage_retries_total',
    help: 'Times ingest held a message back because a store was unavailable',
    registers: [this.registry],
  });

  readonly ticketsOpened = new Counter({
    name: 'estatecare_tickets_opened_total',
    help: 'Tickets opened, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  rejected(reason: WireRejection): void {
    this.messagesRejected.inc({ reason });
  }

  /** Counts for tests and for the demo's summary, read without the text format. */
  async rejectedCount(reason?: WireRejection): Promise<number> {
    const metric = await this.messagesRejected.get();
    return metric.values.filter((v) => !reason || v.labels.reason === reason).reduce((sum, v) => sum + v.value, 0);
  }

  async acceptedCount(channel?: string): Promise<number> {
    const metric = await this.messagesAccepted.get();
    return metric.values.filter((v) => !channel || v.labels.channel === channel).reduce((sum, v) => sum + v.value, 0);
  }
}
