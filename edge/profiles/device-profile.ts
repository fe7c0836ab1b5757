import { z } from 'zod';
import { DOOR_EVENT_TYPES, LIFT_EVENT_TYPES, type EventType } from '../../shared/contract/index.js';
import { MqttProfileSectionSchema } from '../drivers/mqtt/mqtt-profile.js';

/**
 * A device profile describes a device model as data (device-profiles/*.yaml). The common part names
 * the model; the section named after the driver is the driver's own schema. A later driver adds one
 * member to DeviceProfileSchema below (e.g. driver: modbus with a `modbus:` register table).
 */

export const DEVICE_KINDS = ['door_access_controller', 'lift_monitor', 'electricity_meter', 'water_meter'] as const;
export const DeviceKindSchema = z.enum(DEVICE_KINDS);
export type DeviceKind = z.infer<typeof DeviceKindSchema>;

/** The canonical events a device of each kind may emit; a profile mapping outside this is an error. */
export const EVENT_TYPES_BY_KIND: Record<DeviceKind, readonly EventType[]> = {
  door_access_controller: DOOR_EVENT_TYPES,
  lift_monitor: LIFT_EVENT_TYPES,
  electricity_meter: [],
  water_meter: [],
};

/** Profile ids double as file names: device-profiles/{id}.yaml. */
export const PROFILE_ID_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

const commonFields = {
  id: z.string().regex(PROFILE_ID_PATTERN, 'profile ids are snake_case and match the file name'),
  /** Bumped whenever the mapping changes, so readings can be traced to the mapping that made them. */
  version: z.number().int().positive(),
  kind: DeviceKindSchema,
  manufacturer: z.string().min(1),
  model: z.string().min(1),
  description: z.string().min(1),
};

const MqttDeviceProfileSchema = z.object({
  ...commonFields,
  driver: z.literal('mqtt'),
  mqtt: MqttProfileSectionSchema,
});

export const DeviceProfileSchema = z.discriminatedUnion('driver', [MqttDeviceProfileSchema]).superRefine((profile, ctx) => {
  const allowed = EVENT_TYPES_BY_KIND[profile.kind];
  for (const [code, mapping] of Object.entries(profile.mqtt.events?.codes ?? {})) {
    if (!allowed.includes(mapping.type)) {
      ctx.addIssue({
        code: 'custom',
        path: ['mqtt', 'events', 'codes', code, 'type'],
        message: `a ${profile.kind} does not emit ${mapping.type}`,
      });
    }
  }
  if (profile.mqtt.faults && profile.kind !== 'lift_monitor') {
    ctx.addIssue({ code: 'custom', path: ['mqtt', 'faults'], message: 'only a lift_monitor reports lift faults' });
  }
});
export type DeviceProfile = z.infer<typeof DeviceProfileSchema>;
export type DriverName = DeviceProfile['driver'];
export type MqttDeviceProfile = Extract<DeviceProfile, { driver: 'mqtt' }>;
