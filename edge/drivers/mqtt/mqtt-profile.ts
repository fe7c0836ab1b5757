import { z } from 'zod';
import { EventTypeSchema, LiftFaultSchema, LiftServiceModeSchema } from '../../../shared/contract/index.js';
import { checkEventKind, checkFaultKind, profileCommonFields } from '../../profiles/device-profile.js';
import { checkPointUnits, readingUnitFields } from '../../profiles/reading-units.js';
import { parseVendorCode } from './vendor-code.js';

/**
 * The `mqtt:` section of a device profile: how this model's JSON payloads map onto canonical events
 * and readings. Only the MQTT driver reads it (the driver owns its attributes:
 * edge/drivers/README.md).
 *
 * Field names are dotted paths into the payload ("AccessControllerEvent.serialNo"), so a vendor's
 * nested JSON needs no reshaping on the device side.
 */

const SNAKE_CASE = /^[a-z][a-z0-9_]{0,63}$/;
const FieldPathSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, 'a field name or dotted path');
const AttributeNameSchema = z.string().regex(SNAKE_CASE, 'attribute names are snake_case');
const AttributeValueSchema = z.union([z.string().max(200), z.number(), z.boolean()]);

/** One vendor event code and the canonical event it stands for. */
const EventMappingSchema = z.object({
  type: EventTypeSchema,
  /** Constant attributes of the canonical event, e.g. reason: card_not_found. */
  attributes: z.record(AttributeNameSchema, AttributeValueSchema).default({}),
});
export type EventMapping = z.infer<typeof EventMappingSchema>;

const EventTableSchema = z.object({
  /** Payload field holding the vendor event code. */
  code_field: FieldPathSchema,
  /** Only payloads whose fields equal these values carry codes of this table (Hikvision: major 5). */
  when: z.record(FieldPathSchema, z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** Codes that mean "no event" (e.g. 0 in a lift status frame). */
  ignore_codes: z.array(z.union([z.number(), z.string()])).default([]),
  codes: z.record(z.string(), EventMappingSchema),
});

/**
 * A status point: one payload field becomes one reading. value_map rewrites vendor values to the
 * canonical ones (door_zone 1 in zone / 2 not -> 1 / 0) and, when present, is also the list of
 * values accepted: anything else is reported as bad_value and the point is skipped.
 */
const StatusPointSchema = z.object({
  /** Payload field; defaults to the point name. */
  field: FieldPathSchema.optional(),
  /** The reading's unit, and the device's when it sends another (converted once, in the payload mapper). */
  ...readingUnitFields,
  value_map: z.record(z.string().regex(/^-?\d+$/, 'value_map keys are integers'), z.number()).optional(),
  description: z.string().optional(),
});
export type StatusPoint = z.infer<typeof StatusPointSchema>;

/**
 * Fault records: a payload naming a fault code, raised or (with state_field = cleared_value)
 * recovered. Codes map onto the canonical lift faults (device-profiles/README.md, lift monitors).
 */
const FaultTableSchema = z.object({
  code_field: FieldPathSchema,
  /** The code that means "no fault" (0 in GB/T 24476-derived lists). */
  none_code: z.union([z.number(), z.string()]).default(0),
  /** Payload field saying whether the fault is active; absent field means active. */
  state_field: FieldPathSchema.optional(),
  cleared_value: z.union([z.number(), z.string(), z.boolean()]).default(0),
  codes: z.record(z.string(), LiftFaultSchema),
});

export const MqttProfileSectionSchema = z
  .object({
    payload_format: z.literal('json'),
    fields: z
      .object({
        /** Payload field with the event time; absent or not sane means the receive time is used. */
        event_time: FieldPathSchema.optional(),
        /** The device's own serial number of the message; makes item ids stable across its retransmissions. */
        serial: FieldPathSchema.optional(),
      })
      .default({}),
    /** iso8601 must carry a zone ("Z" or "+08:00"); epoch_ms / epoch_s are numbers. */
    time_format: z.enum(['iso8601', 'epoch_ms', 'epoch_s']).default('iso8601'),
    /** Fields every payload must have; a payload without one is rejected as missing_field. */
    required_fields: z.array(FieldPathSchema).default([]),
    /** Payload field -> canonical attribute copied onto every event of this device. */
    attribute_fields: z.record(FieldPathSchema, AttributeNameSchema).default({}),
    events: EventTableSchema.optional(),
    status_points: z.record(z.string().regex(SNAKE_CASE, 'point names are snake_case'), StatusPointSchema).default({}),
    faults: FaultTableSchema.optional(),
  })
  .superRefine((section, ctx) => {
    if (section.events) {
      checkCodeKeys(Object.keys(section.events.codes), ['events', 'codes'], ctx);
      for (const [key, mapping] of Object.entries(section.events.codes)) {
        checkEventAttributes(mapping, ['events', 'codes', key, 'attributes'], ctx);
      }
      section.events.ignore_codes.forEach((code, index) => {
        if (parseVendorCode(code) === null) issue(ctx, ['events', 'ignore_codes', index], 'not an integer code');
      });
    }
    if (section.faults) checkCodeKeys(Object.keys(section.faults.codes), ['faults', 'codes'], ctx);
    for (const [name, point] of Object.entries(section.status_points)) checkPointUnits(name, point, ['status_points', name], ctx);
    if (!section.events && !section.faults && Object.keys(section.status_points).length === 0) {
      issue(ctx, [], 'a profile must map at least one of events, faults or status_points');
    }
  });
export type MqttProfileSection = z.infer<typeof MqttProfileSectionSchema>;

/** An mqtt profile: the common fields and the `mqtt:` section; events and faults must fit the kind. */
export const MqttDeviceProfileSchema = z
  .object({
    ...profileCommonFields,
    driver: z.literal('mqtt'),
    mqtt: MqttProfileSectionSchema,
  })
  .superRefine((profile, ctx) => {
    for (const [code, mapping] of Object.entries(profile.mqtt.events?.codes ?? {})) {
      checkEventKind(profile.kind, mapping.type, ['mqtt', 'events', 'codes', code, 'type'], ctx);
    }
    if (profile.mqtt.faults) checkFaultKind(profile.kind, ['mqtt', 'faults'], ctx);
  });
export type MqttDeviceProfile = z.infer<typeof MqttDeviceProfileSchema>;

/** Every code key must be an integer (decimal or 0x hex) and name a distinct code. */
function checkCodeKeys(keys: string[], path: string[], ctx: z.RefinementCtx): void {
  const seen = new Map<number, string>();
  for (const key of keys) {
    const code = parseVendorCode(key);
    if (code === null) {
      issue(ctx, [...path, key], 'code keys are integers, decimal or 0x-prefixed hexadecimal');
      continue;
    }
    const earlier = seen.get(code);
    if (earlier !== undefined) issue(ctx, [...path, key], `same code as "${earlier}"`);
    seen.set(code, key);
  }
}

/** Attributes the canonical vocabulary requires for some event types (shared/contract/canonical-events.ts). */
function checkEventAttributes(mapping: EventMapping, path: string[], ctx: z.RefinementCtx): void {
  const { type, attributes } = mapping;
  if (type === 'lift_service_mode_changed' && !LiftServiceModeSchema.safeParse(attributes.service_mode).success) {
    issue(ctx, [...path, 'service_mode'], `must be one of ${LiftServiceModeSchema.options.join(', ')}`);
  }
  if ((type === 'lift_fault' || type === 'lift_fault_cleared') && !LiftFaultSchema.safeParse(attributes.fault).success) {
    issue(ctx, [...path, 'fault'], `must be one of ${LiftFaultSchema.options.join(', ')}`);
  }
  if (type === 'credential_denied' && typeof attributes.reason !== 'string') {
    issue(ctx, [...path, 'reason'], 'credential_denied needs a reason');
  }
}

function issue(ctx: z.RefinementCtx, path: Array<string | number>, message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

