import { z } from 'zod';
import { LocalIdSchema } from './identifiers.js';

/*
 * Device-offline rule parameters (edge/rules/devices/). A polled device is offline after a number
 * of its poll periods without a good reading; a device that pushes (MQTT) has no poll period, so it
 * gets a silence limit by device kind, since what is normal differs: a lift monitor sends status
 * frames all the time, a door controller only when someone passes.
 */

/** Poll periods without a good reading before a polled device is reported offline. */
export const DEFAULT_MISSED_POLLS = 3;

/**
 * Silence limits (seconds) of devices that push, by device kind (edge/profiles/device-profile.ts
 * DeviceKind). A lift monitor reports status continuously: 10 minutes without a frame is a dead
 * monitor. A kind not listed (door controllers: silent while nobody passes) is not watched.
 */
export const DEFAULT_PUSH_SILENCE_S: Readonly<Record<string, number>> = { lift_monitor: 10 * 60 };

/**
 * When at least this many devices of one bus, and at least this share of them, fall silent
 * together, one alert names the bus and how many devices; theirs wait behind it (a power cut, a
 * cut cable), and devices still silent once the bus is back get their own.
 */
export const DEFAULT_OUTAGE_MIN_DEVICES = 3;
export const DEFAULT_OUTAGE_SHARE = 0.5;
/** A device that pushes and has shown a regular heartbeat is offline after this many missed beats. */
export const DEFAULT_MISSED_HEARTBEATS = 3;

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
    outage: z
      .object({
        min_devices: z.number().int().min(2).max(10_000).default(DEFAULT_OUTAGE_MIN_DEVICES),
        share: z.number().gt(0).max(1).default(DEFAULT_OUTAGE_SHARE),
      })
      .prefault({}),
    /**
     * Learn the heartbeat of devices that push and have no silence limit (a door controller that
     * reports its status every few minutes) and watch them for missed_heartbeats of it.
     */
    learn_heartbeat: z.boolean().default(true),
    missed_heartbeats: z.number().int().min(2).max(100).default(DEFAULT_MISSED_HEARTBEATS),
  })
  .prefault({});
export type DeviceRulesConfig = z.infer<typeof DeviceRulesConfigSchema>;
