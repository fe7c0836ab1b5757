import type { AlertItem, ReadingItem } from '../../shared/contract/index.js';
import { systemClock } from '../../shared/time/clock.js';
import { MemoryOutbox } from '../../edge/outbox/memory-outbox.js';
import type { OutboxBatch, OutboxChannel } from '../../edge/outbox/outbox.js';
import { EnvelopeFactory } from '../../edge/uplink/envelope-factory.js';
import { UplinkClient } from '../../edge/uplink/uplink-client.js';
import { recordingLogger, type RecordingLogger } from './recording-logger.js';

/** What the uplink logs when a new cloud presence has it send again what awaits a receipt (edge/uplink/uplink-client.ts). */
export const RESEND_ON_PRESENCE = 'the cloud subscribed anew; sending again what awaits its receipt';

/** A memory outbox that notes when each item was first taken to be sent (Date.now()). */
class SendNotingOutbox extends MemoryOutbox {
  readonly firstSentAt = new Map<string, number>();

  override async take(maxItems: number, channels?: readonly OutboxChannel[]): Promise<OutboxBatch | null> {
    const batch = await super.take(maxItems, channels);
    const now = Date.now();
    for (const item of batch?.items ?? []) if (!this.firstSentAt.has(item.id)) this.firstSentAt.set(item.id, now);
    return batch;
  }
}

export interface UplinkGatewayOptions {
  url: string;
  gatewayId: string;
  password: string;
  /**
   * How long a message waits for its receipt before it is sent again. A test that must show a resend
   * came from the cloud's presence, not from this timeout, sets it far beyond the test's length.
   */
  receiptTimeoutMs: number;
}

/**
 * The gateway's uplink as it runs in the gateway (UplinkClient: outbox, receipts, reaction to the
 * cloud's presence), in this process, over an in-memory outbox, without devices or rules: a test
 * appends alerts and readings as the pipeline would and reads what the uplink logged.
 */
export class UplinkGateway {
  readonly outbox = new SendNotingOutbox(systemClock);
  readonly uplink: UplinkClient;
  readonly log: RecordingLogger = recordingLogger('info');

  private constructor(readonly options: UplinkGatewayOptions) {
    this.uplink = new UplinkClient({
      url: options.url,
      username: options.gatewayId,
      password: options.password,
      keepaliveS: 10,
      reconnectPeriodMs: 200,
      receipts: { timeoutMs: options.receiptTimeoutMs, maxTimeoutMs: options.receiptTimeoutMs },
      outbox: this.outbox,
      envelopes: new EnvelopeFactory(options.gatewayId, systemClock),
      logger: this.log.logger,
    });
  }

  static async start(options: UplinkGatewayOptions): Promise<UplinkGateway> {
    const gateway = new UplinkGateway(options);
    const connected = new Promise<void>((resolve) => gateway.uplink.onConnect(resolve));
    await gateway.uplink.start();
    await connected;
    return gateway;
  }

  get id(): string {
    return this.options.gatewayId;
  }

  /** Appends an alert and sends it; resolves with Date.now() at the append. */
  async raise(alert: AlertItem): Promise<number> {
    const raisedAt = Date.now();
    await this.outbox.append('alerts', [alert]);
    this.uplink.kick();
    return raisedAt;
  }

  async send(readings: ReadingItem[]): Promise<void> {
    await this.outbox.append('telemetry', readings);
    this.uplink.kick();
  }

  /** Everything appended has been answered by a receipt and deleted. */
  async drained(): Promise<boolean> {
    return (await this.outbox.stats()).depth === 0 && this.uplink.awaitingReceipt === 0;
  }

  /** Messages sent again because of a new cloud presence, logged since the log line with this index. */
  resentOnPresenceSince(lineIndex: number): number {
    return this.log.lines
      .slice(lineIndex)
      .filter((line) => line.msg === RESEND_ON_PRESENCE)
      .reduce((sum, line) => sum + (line.messages as number), 0);
  }

  async stop(): Promise<void> {
    await this.uplink.stop();
  }
}
