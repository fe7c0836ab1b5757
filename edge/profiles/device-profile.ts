import { z } from 'zod';
import { DOOR_EVENT_TYPES, LIFT_EVENT_TYPES, type EventType } from '../../shared/contract/index.js';
import { MqttProfileSectionSchema } from '../drivers/mqtt/mqtt-profile.js';
import { ModbusPointAttributesSchema, ModbusProfileSectionSchema, modbusAddressProblems } from '../drivers/modbus/modbus-profile.js';
import { Dlt645PointAttributesSchema, Dlt645ProfileSectionSchema, dlt645AddressProblems } from '../drivers/dlt645/dlt645-profile.js';
import { Cjt188PointAttributesSchema, Cjt188ProfileSectionSchema, cjt188AddressProblems } from '../drivers/cjt188/cjt188-profile.js';
import { PointEventSchema, PointFaultTableSchema, checkPolledPoints, polledPointSchema } from './polled-profile.js';

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

/**
 * A polled profile (modbus, dlt645, cjt188): the driver's section, the points with the driver's
 * attributes, and the optional fault table and point events of polled-profile.ts.
 */
function polledProfileSchema<D extends string, S extends z.ZodType, A extends z.ZodType>(driver: D, section: S, attributes: A) {
  return z.object({
    ...commonFields,
    driver: z.literal(driver),
    /** Driver-wide settings of the model (word order, request limits, frame options). */
    settings: section,
    points: z.array(polledPointSchema(attributes)).min(1, 'a polled profile reads at least one point'),
    faults: PointFaultTableSchema.optional(),
    point_events: z.array(PointEventSchema).default([]),
  });
}

const ModbusDeviceProfileSchema = polledProfileSchema('modbus', ModbusProfileSectionSchema, ModbusPointAttributesSchema);
const Dlt645DeviceProfileSchema = polledProfileSchema('dlt645', Dlt645ProfileSectionSchema, Dlt645PointAttributesSchema);
const Cjt188DeviceProfileSchema = polledProfileSchema('cjt188', Cjt188ProfileSectionSchema, Cjt188PointAttributesSchema);

/** Per polled driver: which points collide on the wire (same register, same data identifier). */
const ADDRESS_PROBLEMS = {
  modbus: modbusAddressProblems,
  dlt645: dlt645AddressProblems,
  cjt188: cjt188AddressProblems,
} as const;

export const DeviceProfileSchema = z
  .discriminatedUnion('driver', [MqttDeviceProfileSchema, ModbusDeviceProfileSchema, Dlt645DeviceProfileSchema, Cjt188DeviceProfileSchema])
  .superRefine((profile, ctx) => {
  const allowed = EVENT_TYPES_BY_KIND[profile.kind];
  if (profile.driver !== 'mqtt') {
    checkPolledPoints(profile, ctx);
    const addressProblems = ADDRESS_PROBLEMS[profile.driver] as (points: readonly unknown[]) => Array<{ index: number; message: string }>;
    const problems = addressProblems(profile.points);
    for (const problem of problems) ctx.addIssue({ code: 'custom', path: ['points', problem.index, 'attributes'], message: problem.message });
    profile.point_events.forEach((event, index) => {
      if (!allowed.includes(event.type)) ctx.addIssue({ code: 'custom', path: ['point_events', index, 'type'], message: `a ${profile.kind} does not emit ${event.type}` });
    });
    if (profile.faults && profile.kind !== 'lift_monitor') {
      ctx.addIssue({ code: 'custom', path: ['faults'], message: 'only a lift_monitor reports lift faults' });
    }
    return;
  }
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
export type ModbusDeviceProfile = Extract<DeviceProfile, { driver: 'modbus' }>;
export type Dlt645DeviceProfile = Extract<DeviceProfile, { driver: 'dlt645' }>;
export type Cjt188DeviceProfile = Extract<DeviceProfile, { driver: 'cjt188' }>;
export type PolledDeviceProfile = ModbusDeviceProfile | Dlt645DeviceProfile | Cjt188DeviceProfile;
