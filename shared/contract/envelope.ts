import { z } from 'zod';
import { GatewayIdSchema, WireTimeSchema } from './identifiers.js';
import { AlertItemSchema } from './alert.js';
import { EventItemSchema } from './event.js';
import { ReadingItemSchema } from './reading.js';
import { HouseholdActivityItemSchema } from './household-activity.js';
import { GatewayStatusSchema } from './status.js';
import { GatewayConfigBodySchema } from './gateway-config-message.js';
import { MAX_RECEIPTS_PER_MESSAGE, ReceiptSchema } from './receipt.js';

/** Bumped only for a change old readers cannot parse; readers reject a version they do not know. */
export const SCHEMA_VERSION = 1;

/** Largest MQTT payload either side accepts; a bigger one is rejected before it is parsed. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/** Most items one message may batch. */
export const MAX_ITEMS_PER_MESSAGE = 1000;

const envelopeHeader = {
  schema_version: z.literal(SCHEMA_VERSION),
  gateway_id: GatewayIdSchema,
  /** Per-gateway sequence number, increasing with every message the gateway sends. */
  seq: z.number().int().nonnegative(),
  sent_at: WireTimeSchema,
};

function batchOf<T extends z.ZodType>(item: T) {
  return z.object({ ...envelopeHeader, items: z.array(item).min(1).max(MAX_ITEMS_PER_MESSAGE) });
}

export const AlertsMessageSchema = batchOf(AlertItemSchema);
export const EventsMessageSchema = batchOf(EventItemSchema);
export const TelemetryMessageSchema = batchOf(ReadingItemSchema);
/** Hourly aggregates of enrolled households (household-activity.ts). */
export const ActivityMessageSchema = batchOf(HouseholdActivityItemSchema);
export const StatusMessageSchema = z.object({ ...envelopeHeader, status: GatewayStatusSchema });
export const ConfigMessageSchema = z.object({ ...envelopeHeader, config: GatewayConfigBodySchema });
/** Cloud to gateway: gateway_id is the gateway addressed; seq and sent_at are the cloud's. */
export const ReceiptsMessageSchema = z.object({ ...envelopeHeader, receipts: z.array(ReceiptSchema).min(1).max(MAX_RECEIPTS_PER_MESSAGE) });

export type AlertsMessage = z.infer<typeof AlertsMessageSchema>;
export type EventsMessage = z.infer<typeof EventsMessageSchema>;
export type TelemetryMessage = z.infer<typeof TelemetryMessageSchema>;
export type ActivityMessage = z.infer<typeof ActivityMessageSchema>;
export type StatusMessage = z.infer<typeof StatusMessageSchema>;
export type ConfigMessage = z.infer<typeof ConfigMessageSchema>;
export type ReceiptsMessage = z.infer<typeof ReceiptsMessageSchema>;
export type EnvelopeHeader = z.infer<z.ZodObject<typeof envelopeHeader>>;
