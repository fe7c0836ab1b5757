import { toWireTime } from '../../shared/contract/index.js';
import { randomInt, type Random } from './random.js';

/** A device-side JSON payload, in the format of the device's profile. */
export type DevicePayload = Record<string, unknown>;

/** Ticks from staging the entrapment to the release at a landing, unless the lift is told otherwise. */
export const INCIDENT_RELEASE_TICK = 6;
/** Tick of the incident at which the passenger presses the alarm button again. */
const SECOND_PRESS_TICK = 3;
/** Tick at which the monitor reports fault 4, stopped outside the door zone (device-profiles/README.md). */
const FAULT_TICK = 2;

// Device values of device-profiles/lift_monitor_gbt24476.yaml (device-profiles/README.md, status points).
const IN_ZONE = 1;
const NOT_IN_ZONE = 2;
const CLOSED_LOCKED = 1;
const NOT_CLOSED = 2;
const OCCUPIED = 1;
const EMPTY = 2;
const ALARM_BUTTON = 90;
const FAULT_STOPPED_OUTSIDE_ZONE = 4;

/**
 * One lift as its GB/T 24476-style monitor would report it: a status frame each tick while the car
 * rides between random floors and opens its doors at landings; during a staged incident it stands
 * between floors with a passenger inside who presses the alarm button, until it is released at a
 * landing with its doors open. Pure: time comes in, payloads go out.
 */
export class SimulatedLift {
  private floor = 1;
  private target = 1;
  private doorsOpen = false;
  private occupied = false;
  private seq = 0;
  private incidentTick: number | null = null;

  constructor(
    readonly id: string,
    private readonly random: Random,
    private readonly floors = 12,
    /** Ticks the passenger stays trapped. */
    private readonly releaseTick = INCIDENT_RELEASE_TICK,
  ) {}

  get trapped(): boolean {
    return this.incidentTick !== null;
  }

  /** Stops the car between floors with a passenger inside and presses the alarm button. */
  stageIncident(now: number): { payloads: DevicePayload[]; description: string } {
    this.incidentTick = 0;
    this.occupied = true;
    this.doorsOpen = false;
    const lower = Math.min(this.floor, this.floors - 1);
    const description = `lift ${this.id} stopped between floors ${lower} and ${lower + 1} with a passenger inside; alarm button pressed`;
    return { payloads: [this.frame(now, { moving: false, inZone: false }), this.event(now, { event_code: ALARM_BUTTON })], description };
  }

  tick(now: number): DevicePayload[] {
    if (this.incidentTick !== null) return this.incidentStep(now);
    if (this.doorsOpen) {
      this.doorsOpen = false;
      this.occupied = this.random() < 0.6;
      do this.target = randomInt(this.random, 1, this.floors);
      while (this.target === this.floor);
      return [this.frame(now, { moving: false, inZone: true })];
    }
    if (this.floor !== this.target) {
      this.floor += Math.sign(this.target - this.floor);
      return [this.frame(now, { moving: true, inZone: this.floor === this.target })];
    }
    this.doorsOpen = true;
    return [this.frame(now, { moving: false, inZone: true })];
  }

  private incidentStep(now: number): DevicePayload[] {
    const tick = (this.incidentTick = (this.incidentTick ?? 0) + 1);
    if (tick >= this.releaseTick) {
      this.incidentTick = null;
      this.doorsOpen = true;
      this.target = this.floor;
      return [
        this.event(now, { fault_code: FAULT_STOPPED_OUTSIDE_ZONE, fault_active: 0 }),
        this.frame(now, { moving: false, inZone: true }),
      ];
    }
    const payloads = [this.frame(now, { moving: false, inZone: false })];
    if (tick === FAULT_TICK) payloads.push(this.event(now, { fault_code: FAULT_STOPPED_OUTSIDE_ZONE, fault_active: 1 }));
    if (tick === SECOND_PRESS_TICK) payloads.push(this.event(now, { event_code: ALARM_BUTTON }));
    return payloads;
  }

  private frame(now: number, state: { moving: boolean; inZone: boolean }): DevicePayload {
    return {
      time: toWireTime(now),
      seq: this.seq++,
      car_status: state.moving ? 1 : 0,
      car_direction: state.moving ? (this.target > this.floor ? 1 : this.target < this.floor ? 2 : 0) : 0,
      door_zone: state.inZone ? IN_ZONE : NOT_IN_ZONE,
      car_position: this.floor,
      door_status: this.doorsOpen ? NOT_CLOSED : CLOSED_LOCKED,
      passenger_status: this.occupied ? OCCUPIED : EMPTY,
      service_mode: 1,
      power_status: 1,
    };
  }

  private event(now: number, fields: DevicePayload): DevicePayload {
    return { time: toWireTime(now), seq: this.seq++, ...fields };
  }
}
