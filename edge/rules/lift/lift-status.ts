import type { ReadingFrame } from '../../model/device-data.js';
import type { LiftPoint } from '../../model/lift-points.js';

/**
 * The canonical lift points of one status frame (edge/model/lift-points.ts,
 * device-profiles/README.md), read together so every judgement is made on values of the same
 * instant. A point the frame does not carry stays undefined: the rules then decide nothing from it.
 */
export interface LiftStatus {
  running?: boolean;
  inDoorZone?: boolean;
  doorsClosed?: boolean;
  occupied?: boolean;
  floor?: number;
  /** Index into LiftServiceModeSchema.options: 0 out_of_service, 1 normal, ... */
  serviceMode?: number;
}

/** The lift status in a frame, or null when the frame carries no lift point at all. */
export function liftStatusOf(frame: ReadingFrame): LiftStatus | null {
  let status: LiftStatus | null = null;
  for (const reading of frame.readings) {
    const point = reading.point as LiftPoint;
    const value = reading.value;
    switch (point) {
      case 'car_status':
        (status ??= {}).running = value === 1;
        break;
      case 'door_zone':
        (status ??= {}).inDoorZone = value === 1;
        break;
      case 'door_status':
        (status ??= {}).doorsClosed = value === 1;
        break;
      case 'passenger_status':
        (status ??= {}).occupied = value === 1;
        break;
      case 'car_position':
        (status ??= {}).floor = value;
        break;
      case 'service_mode':
        (status ??= {}).serviceMode = value;
        break;
      default:
        break;
    }
  }
  return status;
}

/** The passenger can get out: doors open at a landing, or no one is in the car. */
export function passengerCanLeave(status: LiftStatus): boolean {
  return (status.inDoorZone === true && status.doorsClosed === false) || status.occupied === false;
}
