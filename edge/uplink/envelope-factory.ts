import { SCHEMA_VERSION, toWireTime, type EnvelopeHeader } from '../../shared/contract/index.js';
import type { Clock } from '../../shared/time/clock.js';

/**
 * Envelope headers of one gateway: schema version, gateway id, seq and send time.
 *
 * seq increases by one with every message (items, status and the last will alike). It starts at the
 * process start time in epoch milliseconds, so it keeps increasing across restarts without being
 * stored, as long as the gateway averaged under one message per millisecond since its last start.
 * The durable outbox of a later issue will persist it instead.
 */
export class EnvelopeFactory {
  private seq: number;

  constructor(
    readonly gatewayId: string,
    private readonly clock: Clock,
  ) {
    this.seq = Math.floor(clock.now());
  }

  header(): EnvelopeHeader {
    return { schema_version: SCHEMA_VERSION, gateway_id: this.gatewayId, seq: this.seq++, sent_at: toWireTime(this.clock.now()) };
  }
}
