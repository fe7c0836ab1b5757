import { z } from 'zod';
import { LocalIdSchema } from '../../shared/contract/index.js';

/** Poll interval of a device that does not set one, in seconds. */
export const DEFAULT_POLL_INTERVAL_S = 30;
/** Extra attempts after a timeout or checksum error within one poll. */
export const DEFAULT_RETRIES = 1;

/** MQTT topics a device publishes on may not contain wildcards [MQTT-3.3.2-2]. */
const DeviceTopicSchema = z
  .string()
  .min(1)
  .max(256)
  .refine((topic) => !/[+#]/.test(topic), 'a device topic may not contain the wildcards "+" or "#"');

/**
 * One device instance. The common part names the model (profile) and what the device is about
 * (subject); the rest says where its data comes from: the topic an MQTT device publishes on, or the
 * field bus a polled device sits on and its address there. Which of them a device needs follows from
 * its profile's driver and is checked when the gateway is built (edge/drivers/bind-devices.ts).
 */
export const DeviceConfigSchema = z.object({
  id: LocalIdSchema,
  profile: z.string().min(1),
  subject: z.object({
    kind: z.enum(['asset', 'unit']),
    id: LocalIdSchema,
  }),
  mqtt: z.object({ topic: DeviceTopicSchema }).optional(),
  /** Polled devices (modbus, dlt645, cjt188, ...): the bus they sit on and their address on it. */
  bus: LocalIdSchema.optional(),
  /** Modbus unit id (1-247), DL/T 645 meter number (12 digits) or CJ/T 188 address (14 digits). */
  address: z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String).optional(),
  poll_interval_s: z.number().min(0.05).max(86_400).default(DEFAULT_POLL_INTERVAL_S),
  /** Reply timeout; the bus's, or its protocol's default, when absent. */
  timeout_ms: z.number().int().min(10).max(60_000).optional(),
  /** Extra attempts after a timeout or a garbled reply within one poll. */
  retries: z.number().int().min(0).max(5).default(DEFAULT_RETRIES),
});
export type DeviceConfig = z.infer<typeof DeviceConfigSchema>;
