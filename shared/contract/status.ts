import { z } from 'zod';
import { LocalIdSchema, WireTimeSchema } from './identifiers.js';

export const BusCountersSchema = z.object({
  bus_id: z.string().min(1).max(128),
  transactions: z.number().int().nonnegative(),
  timeouts: z.number().int().nonnegative(),
  checksum_errors: z.number().int().nonnegative(),
  exception_replies: z.number().int().nonnegative(),
  /** Times the port or connection failed and was reopened. */
  transport_errors: z.number().int().nonnegative(),
  /** Devices on the bus, and how many of them are offline now. */
  devices: z.number().int().nonnegative(),
  devices_offline: z.number().int().nonnegative(),
  /** Writes refused because the bus's write queue was full. */
  writes_refused: z.number().int().nonnegative(),
});
export type BusCounters = z.infer<typeof BusCountersSchema>;

export const OnlineStatusSchema = z.object({
  online: z.literal(true),
  software_version: z.string().min(1).max(64),
  /** The config version the gateway runs; null until the cloud has sent one. */
  config_version: z.string().max(64).nullable(),
  uptime_s: z.number().nonnegative(),
  outbox: z.object({
    depth: z.number().int().nonnegative(),
    oldest_unsent_age_s: z.number().nonnegative().nullable(),
  }),
  buses: z.array(BusCountersSchema).max(64),
  devices_offline: z.array(LocalIdSchema).max(5000),
  /** Everything with an event time up to this instant has been delivered; null before the first delivery. */
  watermark: WireTimeSchema.nullable(),
});

/** What the last will says, and what a clean shutdown says. */
export const OfflineStatusSchema = z.object({
  online: z.literal(false),
  reason: z.enum(['connection_lost', 'shutdown']),
});

export const GatewayStatusSchema = z.discriminatedUnion('online', [OnlineStatusSchema, OfflineStatusSchema]);
export type GatewayStatus = z.infer<typeof GatewayStatusSchema>;
export type OnlineStatus = z.infer<typeof OnlineStatusSchema>;
