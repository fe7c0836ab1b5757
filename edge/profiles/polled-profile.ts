import { z } from 'zod';
import { EventTypeSchema, LiftFaultSchema, UnitSchema } from '../../shared/contract/index.js';

/**
 * The parts every polled profile (modbus, dlt645, cjt188) shares: a list of points, each with its
 * unit, its transform and the driver's own address attributes; and, for devices that report codes
 * through a point (a lift monitor's fault register), how point values become canonical events.
 */

const SNAKE_CASE = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * One point. The core turns the driver's raw number into the reading value once, in this order
 * (edge/values/point-transform.ts): value = raw x scale + offset; then a value outside [min, max] is
 * reported as bad_value and left out.
 */
export function polledPointSchema<A extends z.ZodType>(attributes: A) {
  return z.object({
    name: z.string().regex(SNAKE_CASE, 'point names are snake_case'),
    unit: UnitSchema,
    description: z.string().optional(),
    scale: z.number().finite().refine((scale) => scale !== 0, 'scale may not be 0').default(1),
    offset: z.number().finite().default(0),
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    /** Whether the gateway may write this point (Modbus FC 05/06/15/16); read-only by default. */
    writable: z.boolean().default(false),
    /** Where and how the driver reads it: the driver's own schema (conventions.md 2). */
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

/** Checks that need the whole point list: unique names, and events that name existing points. */
export function checkPolledPoints(
  profile: { points: ReadonlyArray<{ name: string; min?: number | undefined; max?: number | undefined }>; faults?: PointFaultTable | undefined; point_events?: readonly PointEvent[] | undefined },
  ctx: z.RefinementCtx,
): void {
  const names = new Map<string, number>();
  profile.points.forEach((point, index) => {
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
