import type { Unit } from '../../shared/contract/index.js';

/**
 * Canonical lift status points (GB/T 24476-2017 as implemented; device-profiles/README.md) that
 * rules rely on. Every lift_monitor profile maps its device values onto these names, units and
 * values; the profile catalogue test checks it. bool points: 1 = yes, 0 = no.
 */
export const LIFT_POINTS = {
  /** 1 running, 0 stopped. */
  car_status: 'bool',
  /** 0 none, 1 up, 2 down. */
  car_direction: 'enum',
  /** 1 the car is in the door (unlocking) zone of a landing. */
  door_zone: 'bool',
  /** Floor the car is at or last passed. */
  car_position: 'floor',
  /** 1 the doors are closed and locked; 0 they are not (open, or no closed-and-locked signal). */
  door_status: 'bool',
  /** 1 someone is in the car. */
  passenger_status: 'bool',
  /** Index into LiftServiceModeSchema.options: 0 out_of_service, 1 normal, ... 7 unknown. */
  service_mode: 'enum',
} as const satisfies Record<string, Unit>;

export type LiftPoint = keyof typeof LIFT_POINTS;
