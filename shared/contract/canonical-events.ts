import { z } from 'zod';

/**
 * The canonical event vocabulary. Device profiles map vendor codes onto these names; nothing past
 * the driver sees a vendor code.
 */

/** Door-access controller events (Hikvision access-control minor codes: device-profiles/README.md). */
export const DOOR_EVENT_TYPES = [
  'credential_granted',
  'credential_denied',
  'door_opened',
  'door_closed',
  'door_forced',
  'door_held_open',
  'rex_pressed',
  'tamper',
  'door_alarm',
] as const;

/** Lift monitor events (GB/T 24476-2017-derived codes: device-profiles/README.md). */
export const LIFT_EVENT_TYPES = [
  'lift_alarm_button',
  'lift_fault',
  'lift_fault_cleared',
  'lift_service_mode_changed',
  'lift_power_lost',
  'lift_power_restored',
] as const;

export const EventTypeSchema = z.enum([...DOOR_EVENT_TYPES, ...LIFT_EVENT_TYPES]);
export type EventType = z.infer<typeof EventTypeSchema>;

/**
 * Canonical lift faults. Codes 1-8 follow GB/T 24476-2017 as implemented by three public platforms;
 * 9-11 are a regional extension; the rest come from vendor lists (device-profiles/README.md).
 * Profiles map each platform's numbers onto these names.
 */
export const LiftFaultSchema = z.enum([
  'safety_circuit_broken',
  'door_close_fault',
  'door_open_fault',
  'stopped_outside_door_zone',
  'unintended_movement',
  'run_time_limiter',
  'floor_position_lost',
  'restart_prevented',
  'overtravel_top',
  'overtravel_bottom',
  'passenger_trapped',
  'overspeed',
  'door_open_while_running',
  'repeated_door_cycling',
  'other',
]);
export type LiftFault = z.infer<typeof LiftFaultSchema>;

/** Lift service modes (service_mode 0-7, GB/T 24476-2017 as implemented; device-profiles/README.md). */
export const LiftServiceModeSchema = z.enum([
  'out_of_service',
  'normal',
  'inspection',
  'fire_recall',
  'firefighter',
  'emergency_power',
  'earthquake',
  'unknown',
]);
export type LiftServiceMode = z.infer<typeof LiftServiceModeSchema>;
