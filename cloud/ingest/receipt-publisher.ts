import {
  CHANNEL_SPECS,
  MAX_RECEIPTS_PER_MESSAGE,
  RECEIPTED_CHANNELS,
  SCHEMA_VERSION,
  toWireTime,
  topicFor,
  type Receipt,
  type ReceiptsMessage,
} from '../../shared/contract/index.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { RouteOutcome } from './message-router.js';

/**
 * How long receipts gather before they go out. A receipt frees outbox space on the gateway; it does
 * not gate any ticket, so a short delay that packs a drain's worth of receipts into one message
 * costs nothing a user sees.
 */
export const RECEIPT_FLUSH_DELAY_MS = 50;

/** Publishes one message on the broker (QoS 1, not retained); resolves on PUBACK. */
export type ReceiptSend = (topic: string, payload: string) => Promise<void>;

/**
 * Refusals that may turn into acceptance later, so the gateway must keep the items: a gateway not
 * registered yet, and a message the stores would not write (a fault of the cloud until shown
 * otherwise; the gateway sends it again after its receipt timeout).
 */
const NOT_FOR_GOOD = new Set<string>(['unknown_gateway', 'store_rejected']);

/**
 * The receipt a message deserves, or null when it gets none:
 * - stored: accepted into the stores, with the counts of items refused for good if any were;
 * - rejected: bad input, refused for good (undecodable, schema violation, gateway mismatch);
 * - none: status messages (not from the outbox), the refusals of NOT_FOR_GOOD, and messages whose
 *   seq or sender is unreadable.
 */
export function receiptFor(outcome: RouteOutcome): { gatewayId: string; receipt: Receipt } | null {
  if (outcome.gatewayId === undefined || outcome.seq === undefined || outcome.channel === undefined) return null;
  if (!(RECEIPTED_CHANNELS as readonly string[]).includes(outcome.channel)) return null;
  if (outcome.accepted) {
    const receipt: Receipt = { seq: outcome.seq, outcome: 'stored' };
    if (outcome.refused) receipt.refused = outcome.refused;
    return { gatewayId: outcome.gatewayId, receipt };
  }
  if (NOT_FOR_GOOD.has(outcome.reason)) return null;
  return { gatewayId: outcome.gatewayId, receipt: { seq: outcome.seq, outcome: 'rejected', reason: outcome.reason } };
}

/**
 * Gathers receipts per gateway and publishes them on estatecare/v1/gw/{id}/receipts, one message per
 * gateway every RECEIPT_FLUSH_DELAY_MS (sooner when MAX_RECEIPTS_PER_MESSAGE are waiting). A receipt
 * that fails to go out is not retried: the gateway sends the message again after its receipt timeout,
 * and the cloud, which stores idempotently, answers that copy.
 */
export class ReceiptPublisher {
  private readonly pending = new Map<string, Receipt[]>();
  private timer: NodeJS.Timeout | null = null;
  private seq: number;

  constructor(
    private readonly send: ReceiptSend,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    // As the gateway's envelope seq: increasing across restarts without being stored.
    this.seq = Math.floor(clock.now());
  }

  record(gatewayId: string, receipt: Receipt): void {
    let receipts = this.pending.get(gatewayId);
    if (!receipts) this.pending.set(gatewayId, (receipts = []));
    receipts.push(receipt);
    if (receipts.length >= MAX_RECEIPTS_PER_MESSAGE) this.flushGateway(gatewayId);
    else this.timer ??= setTimeout(() => this.flush(), RECEIPT_FLUSH_DELAY_MS);
  }

  /** Sends everything gathered. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const gatewayId of [...this.pending.keys()]) this.flushGateway(gatewayId);
  }

  /** Sends what is gathered and stops the timer; later records start it again. */
  stop(): void {
    this.flush();
  }

  private flushGateway(gatewayId: string): void {
    const receipts = this.pending.get(gatewayId);
    this.pending.delete(gatewayId);
    if (!receipts || receipts.length === 0) return;
    const message: ReceiptsMessage = {
      schema_version: SCHEMA_VERSION,
      gateway_id: gatewayId,
      seq: this.seq++,
      sent_at: toWireTime(this.clock.now()),
      receipts,
    };
    const topic = topicFor(gatewayId, 'receipts');
    this.send(topic, JSON.stringify(message)).catch((error: unknown) =>
      this.logger.warn({ err: error, gatewayId, receipts: receipts.length }, 'receipts not delivered; the gateway will send those messages again'),
    );
  }
}

/** The receipts channel is QoS 1 and not retained: a receipt concerns one connection's messages. */
export const RECEIPT_PUBLISH_OPTIONS = { qos: CHANNEL_SPECS.receipts.qos, retain: CHANNEL_SPECS.receipts.retain } as const;
