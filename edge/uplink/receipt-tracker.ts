import type { Receipt } from '../../shared/contract/index.js';
import type { OutboxChannel } from '../outbox/outbox.js';

/** One message sent and not yet answered by a cloud receipt. */
export interface AwaitedMessage {
  seq: number;
  channel: OutboxChannel;
  keys: number[];
  /** Clock time the message was published. */
  sentAt: number;
}

/**
 * What a receipts message settles: outbox keys to delete, the messages the cloud refused, and the
 * stored messages some of whose items it refused (counted by reason).
 */
export interface ReceiptSettlement {
  acknowledge: number[];
  rejected: Array<{ message: AwaitedMessage; reason: string }>;
  partlyRefused: Array<{ message: AwaitedMessage; refused: Record<string, number> }>;
}

export interface ReceiptTrackerOptions {
  /** How long a message may wait for its receipt before it is sent again; doubles while none come. */
  timeoutMs: number;
  /** The longest the timeout grows to. */
  maxTimeoutMs: number;
}

/**
 * The gateway's side of the receipts channel (shared/contract/receipt.ts): which messages, by
 * envelope seq, wait for the cloud to say it stored them. Pure bookkeeping on an injected clock
 * time; the uplink client does the I/O.
 *
 * Timeouts back off: a cloud whose stores are down holds messages without answering, and sending
 * the whole window again every timeout would only fill the broker with copies. After a timeout the
 * next one is twice as long (up to maxTimeoutMs); any receipt brings it back to timeoutMs.
 */
export class ReceiptTracker {
  private readonly awaited = new Map<number, AwaitedMessage>();
  private telemetryItems = 0;
  private currentTimeoutMs: number;

  constructor(private readonly options: ReceiptTrackerOptions) {
    this.currentTimeoutMs = options.timeoutMs;
  }

  /** Telemetry items sent and not yet confirmed: the uplink stops sending telemetry at a limit. */
  get awaitedTelemetryItems(): number {
    return this.telemetryItems;
  }

  get size(): number {
    return this.awaited.size;
  }

  get timeoutMs(): number {
    return this.currentTimeoutMs;
  }

  /** Called before the message is published, so a receipt that beats the PUBACK still finds it. */
  expect(message: AwaitedMessage): void {
    this.awaited.set(message.seq, message);
    if (message.channel === 'telemetry') this.telemetryItems += message.keys.length;
  }

  /** Stops waiting for one message (its publish failed; the caller puts its items back in line). */
  forget(seq: number): AwaitedMessage | undefined {
    const message = this.awaited.get(seq);
    if (!message) return undefined;
    this.awaited.delete(seq);
    if (message.channel === 'telemetry') this.telemetryItems -= message.keys.length;
    return message;
  }

  /** Receipts for unknown seqs (an earlier connection's, or already settled) are ignored. */
  settle(receipts: readonly Receipt[]): ReceiptSettlement {
    const settlement: ReceiptSettlement = { acknowledge: [], rejected: [], partlyRefused: [] };
    for (const receipt of receipts) {
      const message = this.forget(receipt.seq);
      if (!message) continue;
      this.currentTimeoutMs = this.options.timeoutMs;
      settlement.acknowledge.push(...message.keys);
      if (receipt.outcome === 'rejected') settlement.rejected.push({ message, reason: receipt.reason ?? 'unspecified' });
      else if (receipt.refused) settlement.partlyRefused.push({ message, refused: receipt.refused });
    }
    return settlement;
  }

  /**
   * The messages whose receipt is overdue at now, no longer awaited: their items go back in line.
   * When any expire, the next timeout doubles.
   */
  expire(now: number): AwaitedMessage[] {
    const expired = [...this.awaited.values()].filter((message) => now - message.sentAt >= this.currentTimeoutMs);
    for (const message of expired) this.forget(message.seq);
    if (expired.length > 0) this.currentTimeoutMs = Math.min(this.currentTimeoutMs * 2, this.options.maxTimeoutMs);
    return expired;
  }

  /** Everything awaited, no longer awaited (the connection is gone: receipts sent to it are lost). */
  abandonAll(): AwaitedMessage[] {
    const all = [...this.awaited.values()];
    this.awaited.clear();
    this.telemetryItems = 0;
    return all;
  }
}
