import { z } from 'zod';
import { SLUG_PATTERN } from '../../shared/contract/index.js';
import type { Role } from '../access/roles.js';
import type { LocalDateTime } from '../platform/local-calendar.js';

/** Roles that stand duty; an admin sets things up and is never dispatched to. */
export const DUTY_ROLES = ['housekeeper', 'facilities', 'lift_contractor', 'supervisor', 'estate_manager'] as const satisfies readonly Role[];
export type DutyRole = (typeof DUTY_ROLES)[number];

const CLOCK_TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/** A shift as an estate's supervisor writes it in the roster. */
export const DutyShiftInputSchema = z.object({
  staff_id: z.string().min(1).max(64),
  role: z.enum(DUTY_ROLES),
  building_ids: z.array(z.string().regex(SLUG_PATTERN, 'must be a building id')).min(1).max(200).nullable().default(null).describe('null: every building'),
  weekdays: z
    .array(z.number().int().min(1).max(7))
    .min(1)
    .max(7)
    .refine((days) => new Set(days).size === days.length, 'weekdays must not repeat')
    .describe('ISO weekdays the shift starts on, 1 = Monday ... 7 = Sunday'),
  starts_at: z.string().regex(CLOCK_TIME, 'must be HH:MM, 24-hour').describe("estate's local time"),
  ends_at: z.string().regex(CLOCK_TIME, 'must be HH:MM, 24-hour').describe('at or before starts_at: the shift ends the next day'),
});
export type DutyShiftInput = z.infer<typeof DutyShiftInputSchema>;

export interface DutyShift {
  id: string;
  estateId: string;
  staffId: string;
  role: DutyRole;
  buildingIds: string[] | null;
  weekdays: number[];
  startsAt: string;
  endsAt: string;
}

function minutes(clock: string): number {
  return Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
}

/**
 * Whether the shift covers the local moment. A shift starting on day d runs from starts_at to
 * ends_at that day; when ends_at is at or before starts_at it runs on past midnight and ends at
 * ends_at on day d + 1 (Sunday's night shift ends on Monday morning). starts_at = ends_at is 24 h.
 */
export function shiftCovers(shift: Pick<DutyShift, 'weekdays' | 'startsAt' | 'endsAt'>, at: Pick<LocalDateTime, 'weekday' | 'minuteOfDay'>): boolean {
  const start = minutes(shift.startsAt);
  const end = minutes(shift.endsAt);
  const startsOn = (day: number) => shift.weekdays.includes(day);
  if (start < end) return startsOn(at.weekday) && at.minuteOfDay >= start && at.minuteOfDay < end;
  const previousDay = at.weekday === 1 ? 7 : at.weekday - 1;
  return (startsOn(at.weekday) && at.minuteOfDay >= start) || (startsOn(previousDay) && at.minuteOfDay < end);
}

/** Whether the shift is for the building (null: it covers every building of the estate). */
export function shiftServes(shift: Pick<DutyShift, 'buildingIds'>, buildingId: string | null): boolean {
  return shift.buildingIds === null || (buildingId !== null && shift.buildingIds.includes(buildingId));
}
