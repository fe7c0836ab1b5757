import { z } from 'zod';
import { storableText } from './storable-text.js';

/**
 * The cloud's answer to one message of the alerts, events or telemetry channel, named by the
 * envelope seq the gateway gave it. A gateway deletes the items of that message from its outbox
 * only when this arrives: the broker's PUBACK says only that the broker took the message, and a
 * broker that loses the cloud's session (restart without persistence, a $share group with no member
 * present) would otherwise let the gateway delete what was never stored.
 * - stored: every item is in the cloud's stores (a duplicate of something already stored counts),
 *   except the items `refused` counts: those were refused for good (an implausible event time, data
 *   a store refuses), and the rest of the message is kept; the gateway drops the whole message then
 *   too, counting and logging the refused items;
 * - rejected: the cloud will never accept the message (malformed, schema violation, a payload that
 *   names another gateway, every item refused); resending it cannot help, so the gateway drops it,
 *   logs and counts it.
 * A message the cloud may accept later (its stores are down or refuse it, its gateway is not
 * registered yet) gets no receipt, and the gateway sends it again after its receipt timeout.
 */
export const ReceiptSchema = z.object({
  seq: z.number().int().nonnegative(),
  outcome: z.enum(['stored', 'rejected']),
  /** Why a rejected message was refused (a WireRejection); absent for stored. */
  reason: storableText().max(64).optional(),
  /** Items of a stored message refused for good, counted by reason (an ItemRefusal); absent when none were. */
  refused: z.record(storableText().min(1).max(64), z.number().int().positive()).optional(),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

/** Most receipts in one receipts message. */
export const MAX_RECEIPTS_PER_MESSAGE = 1000;
