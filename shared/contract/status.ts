import { z } from 'zod';
import { LocalIdSchema, WireTimeSchema } from './identifiers.js';
import { storableText } from './storable-text.js';

// ---- Refused points (begin) -------------------------------------------------------------------
/**
 * A point a device on a field bus refuses to read (a Modbus exception, a DL/T 645 or CJ/T 188 error
 * reply), counted since the gateway started. Such a point is missing from the device's readings.
 */
export const RefusedPointSchema = z.object({
  device_id: LocalIdSchema,
  point: z.string().min(1).max(64),
  refusals: z.number().int().positive(),
  /** The device's error code in the last refusal (Modbus exception code, DL/T 645 ERR byte). */
  last_code: z.number().int().nonnegative().optional(),
});
export type RefusedPoint = z.infer<typeof RefusedPointSchema>;
/** Refused points one bus reports at most; a bus with more reports the most refused. */
export const MAX_REFUSED_POINTS_PER_BUS = 500;
// ---- Refused points (end) ---------------------------------------------------------------------

export const BusCountersSchema = z.object({
  bus_id: storableText().min(1).max(128),
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
  // ---- Refused points (begin) ----
  /** Points its devices refused to read, per device and point. Optional: older gateways do not send it. */
  refused_points: z.array(RefusedPointSchema).max(MAX_REFUSED_POINTS_PER_BUS).optional(),
  // ---- Refused points (end) ----
});
export type BusCounters = z.infer<typeof BusCountersSchema>;

/** A device whose own clock the gateway does not believe. */
export const DeviceClockSchema = z.object({
  device_id: LocalIdSchema,
  /** The device's time stamp minus the gateway's receive time, at its latest message, in seconds: positive is fast. */
  offset_s: z.number(),
  /** When (gateway clock) its clock was first found off, in this stretch. */
  since: WireTimeSchema,
  /** Its events and frames stamped by receive time instead, since then. */
  restamped: z.number().int().nonnegative(),
});
export type DeviceClock = z.infer<typeof DeviceClockSchema>;

export const OnlineStatusSchema = z.object({
  online: z.literal(true),
  software_version: storableText().min(1).max(64),
  /** The config version the gateway runs; null until the cloud has sent one. */
  config_version: storableText().max(64).nullable(),
  uptime_s: z.number().nonnegative(),
  outbox: z.object({
    /** Items not yet confirmed by the cloud, those sent and awaiting a receipt included. */
    depth: z.number().int().nonnegative(),
    oldest_unsent_age_s: z.number().nonnegative().nullable(),
    /** Messages sent and awaiting the cloud's receipt. Optional: older gateways do not send it. */
    awaiting_receipt: z.number().int().nonnegative().optional(),
    /** Items the cloud refused for good since the gateway started (dropped from the outbox). */
    refused_by_cloud: z.number().int().nonnegative().optional(),
    /** Readings dropped under the disk budget since the outbox file was made: thinned, then evicted. */
    thinned_telemetry: z.number().int().nonnegative().optional(),
    evicted_telemetry: z.number().int().nonnegative().optional(),
    /** Latest event time of any dropped reading: the watermark passes these without their delivery. */
    telemetry_dropped_through: WireTimeSchema.nullable().optional(),
  }),
  buses: z.array(BusCountersSchema).max(64),
  devices_offline: z.array(LocalIdSchema).max(5000),
  /**
   * Everything with an event time up to this instant has been delivered (confirmed by the cloud's
   * receipt), except readings dropped under the disk budget, which outbox counts and dates; null
   * before the first delivery.
   */
  watermark: WireTimeSchema.nullable(),
  /**
   * Devices whose clock is off: stamps more than 2 s ahead of the gateway's clock or more than 7 days
   * behind it. Their data carries the gateway's receive time instead (an event also the attribute
   * device_clock_offset_s). Optional: older gateways do not send it.
   */
  device_clocks: z.array(DeviceClockSchema).max(5000).optional(),
});

/** What the last will says, and what a clean shutdown says. */
export const OfflineStatusSchema = z.object({
  online: z.literal(false),
  reason: z.enum(['connection_lost', 'shutdown']),
});

export const GatewayStatusSchema = z.discriminatedUnion('online', [OnlineStatusSchema, OfflineStatusSchema]);
export type GatewayStatus = z.infer<typeof GatewayStatusSchema>;
export type OnlineStatus = z.infer<typeof OnlineStatusSchema>;
