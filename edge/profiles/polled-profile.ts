import { z } from 'zod';
import { EventTypeSchema, LiftFaultSchema, type Unit } from '../../shared/contract/index.js';
import { SerialLineFieldsSchema } from '../bus/serial-line.js';
import { checkEventKind, checkFaultKind, profileCommonFields, type DeviceProfile } from './device-profile.js';
import { checkPointUnits, readingUnitFields } from './reading-units.js';

/**
 * The parts every polled profile (modbus, dlt645, cjt188) shares: a list of points, each with its
 * unit, its transform and the driver's own address attributes; and, for devices that report codes
 * through a point (a lift monitor's fault register), how point values become canonical events.
 */

const SNAKE_CASE = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * One point. The core turns the driver's raw number into the reading value once, in this order
 * (edge/values/point-transform.ts): raw x scale + offset is the value in the device's unit
 * (device_unit, else unit), converted to the reading's unit (edge/profiles/reading-units.ts); then a
 * value outside [min, max], in the reading's unit, is reported as bad_value and left out.
 */
export function polledPointSchema<A extends z.ZodType>(attributes: A) {
  return z.object({
    name: z.string().regex(SNAKE_CASE, 'point names are snake_case'),
    ...readingUnitFields,
    description: z.string().optional(),
    scale: z.number().finite().refine((scale) => scale !== 0, 'scale may not be 0').default(1),
    offset: z.number().finite().default(0),
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    /** Whether the gateway may write this point (Modbus FC 05/06/15/16); read-only by default. */
    writable: z.boolean().default(false),
    /** Where and how the driver reads it: the schema of the driver's own folder. */
    attributes,
  });
}

/**
 * Fault codes read through a point (a lift monitor's fault register): a change of the code emits
 * lift_fault for the new code and lift_fault_cleared for the old one. Codes map onto the canonical
 * lift faults (shared/contract/canonical-events.ts), whatever the vendor's numbering.
 */
export const PointFaultTableSchema = z.object({
  point: z.string().regex(SNAKE_CASE),
  none_code: z.number().int().default(0),
  codes: z.record(z.string().regex(/^\d+$/, 'fault codes are decimal integers'), LiftFaultSchema),
});
export type PointFaultTable = z.infer<typeof PointFaultTableSchema>;

/** An event emitted when a point changes to a value (a rising edge): alarm_button becoming 1. */
export const PointEventSchema = z.object({
  point: z.string().regex(SNAKE_CASE),
  equals: z.number(),
  type: EventTypeSchema,
  attributes: z.record(z.string().regex(SNAKE_CASE), z.union([z.string().max(200), z.number(), z.boolean()])).default({}),
});
export type PointEvent = z.infer<typeof PointEventSchema>;

/** Checks that need the whole point: units, unique names, and events that name existing points. */
export function checkPolledPoints(
  profile: {
    points: ReadonlyArray<{ name: string; unit: Unit; device_unit?: Unit | undefined; min?: number | undefined; max?: number | undefined }>;
    faults?: PointFaultTable | undefined;
    point_events?: readonly PointEvent[] | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  const names = new Map<string, number>();
  profile.points.forEach((point, index) => {
    checkPointUnits(point.name, point, ['points', index], ctx);
    const earlier = names.get(point.name);
    if (earlier !== undefined) ctx.addIssue({ code: 'custom', path: ['points', index, 'name'], message: `"${point.name}" is also points.${earlier}` });
    names.set(point.name, index);
    if (point.min !== undefined && point.max !== undefined && point.min > point.max) {
      ctx.addIssue({ code: 'custom', path: ['points', index, 'max'], message: 'max is below min' });
    }
  });
  if (profile.faults && !names.has(profile.faults.point)) {
    ctx.addIssue({ code: 'custom', path: ['faults', 'point'], message: `no point named "${profile.faults.point}"` });
  }
  profile.point_events?.forEach((event, index) => {
    if (!names.has(event.point)) ctx.addIssue({ code: 'custom', path: ['point_events', index, 'point'], message: `no point named "${event.point}"` });
  });
}

/** Points that read the same place on the wire: each problem names the later point's index. */
export type AddressProblems<A> = (points: ReadonlyArray<{ name: string; attributes: A }>) => Array<{ index: number; message: string }>;

/**
 * The schema of a polled profile (modbus, dlt645, cjt188 and any later field protocol): the common
 * fields, the driver's `settings:` section, points with the driver's `attributes:`, and the optional
 * fault table and point events. A protocol folder builds its profile schema with this.
 */
export function polledProfileSchema<D extends string, S extends z.ZodType, A extends z.ZodType>(
  driver: D,
  settings: S,
  attributes: A,
  addressProblems: AddressProblems<z.output<A>>,
) {
  return z
    .object({
      ...profileCommonFields,
      driver: z.literal(driver),
      /** Driver-wide settings of the model (word order, request limits, frame options). */
      settings,
      /**
       * The serial line the model ships with (baud_rate, data_bits, parity, stop_bits; any of them).
       * A bus whose config leaves a setting out runs at it when every profile on the bus that names
       * it agrees (edge/drivers/settle-buses.ts).
       */
      factory_line: SerialLineFieldsSchema.optional(),
      points: z.array(polledPointSchema(attributes)).min(1, 'a polled profile reads at least one point'),
      faults: PointFaultTableSchema.optional(),
      point_events: z.array(PointEventSchema).default([]),
    })
    .superRefine((profile, ctx) => {
      checkPolledPoints(profile, ctx);
      // zod cannot tell that a point of a generic attributes schema always has its attributes.
      for (const problem of addressProblems(profile.points as Array<{ name: string; attributes: z.output<A> }>)) {
        ctx.addIssue({ code: 'custom', path: ['points', problem.index, 'attributes'], message: problem.message });
      }
      profile.point_events.forEach((event, index) => checkEventKind(profile.kind, event.type, ['point_events', index, 'type'], ctx));
      if (profile.faults) checkFaultKind(profile.kind, ['faults'], ctx);
    });
}

/** A polled profile as code outside its protocol folder sees it: settings and attributes opaque. */
export type PolledDeviceProfile = DeviceProfile & Omit<z.output<ReturnType<typeof polledProfileSchema<string, z.ZodUnknown, z.ZodUnknown>>>, 'driver'>;

/** Whether a profile is read by polling (it lists points with attributes). */
export function isPolledProfile(profile: DeviceProfile): profile is PolledDeviceProfile {
  return Array.isArray((profile as Partial<PolledDeviceProfile>).points);
}
