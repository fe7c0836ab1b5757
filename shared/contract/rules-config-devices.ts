import { z } from 'zod';
import { LocalIdSchema } from './identifiers.js';

/*
 * Device-offline rule parameters (edge/rules/devices/). A polled device is offline after a number
 * of its poll periods without a good reading; a device that pushes (MQTT) has no poll period, so it
 * gets a silence limit by device kind, since what is normal differs: a lift monitor sends status
 * frames all the time, a door controller only when someone passes.
 */

/** Poll periods without a good reading before a polled device is reported offline (issue 4: e.g. 3). */
export const DEFAULT_MISSED_POLLS = 3;

/**
 * Silence limits (seconds) of devices that push, by device kind (edge/profiles/device-profile.ts
 * DeviceKind). A lift monitor reports status continuously: 10 minutes without a frame is a dead
 * monitor. A kind not listed (door controllers: silent while nobody passes) is not watched.
 */
export const DEFAULT_PUSH_SILENCE_S: Readonly<Record<string, number>> = { lift_monitor: 10 * 60 };

const DeviceOverrideSchema = z.object({
  missed_polls: z.number().int().min(1).max(1000).optional(),
  /** Silence limit in seconds for this device, polled or not; null: do not watch this device. */
  silence_s: z.number().positive().max(30 * 24 * 3600).nullable().optional(),
});
export type DeviceOverride = z.infer<typeof DeviceOverrideSchema>;

export const DeviceRulesConfigSchema = z
  .object({
    missed_polls: z.number().int().min(1).max(1000).default(DEFAULT_MISSED_POLLS),
    /** By device kind, over DEFAULT_PUSH_SILENCE_S; null stops watching a kind. */
    push_silence_s: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), z.number().positive().max(30 * 24 * 3600).nullable()).default({}),
    /** By device id. */
    per_device: z.record(LocalIdSchema, DeviceOverrideSchema).default({}),
  })
  .prefault({});
export type DeviceRulesConfig = z.infer<typeof DeviceRulesConfigSchema>;
