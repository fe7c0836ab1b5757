import { toWireTime } from '../../shared/contract/index.js';
import { randomInt, type Random } from './random.js';
import type { DevicePayload } from './simulated-lift.js';

/** Chance per tick that someone comes to a building entrance's door. */
export const ENTRANCE_VISIT_CHANCE = 0.35;
/** Chance that a visitor's card is not known to the controller. */
const UNKNOWN_CARD_CHANCE = 0.1;

// Hikvision access-control codes of device-profiles/door_controller_generic.yaml (device-profiles/README.md).
const MAJOR_ACCESS_EVENT = 5;
const MINOR_CARD_GRANTED = 0x01;
const MINOR_CARD_NOT_FOUND = 0x09;
const MINOR_DOOR_OPENED = 0x19;
const MINOR_DOOR_CLOSED = 0x1a;

/**
 * A door-access controller at a building entrance: now and then a resident presents a card, the door
 * opens and closes again on the next tick; sometimes a card is refused. Pure: time comes in, payloads
 * go out. Card numbers are made up.
 */
export class SimulatedDoor {
  private serial = 1;
  private open = false;

  constructor(
    readonly id: string,
    private readonly random: Random,
    private visitChance = ENTRANCE_VISIT_CHANCE,
  ) {}

  /** Nobody comes to the door any more; a door standing open still closes on the next tick. */
  stopVisits(): void {
    this.visitChance = 0;
  }

  tick(now: number): DevicePayload[] {
    if (this.open) {
      this.open = false;
      return [this.event(now, MINOR_DOOR_CLOSED)];
    }
    if (this.random() >= this.visitChance) return [];
    return this.visit(now);
  }

  /** Someone presents a card now: granted (the door opens, closing on the next tick) or, now and then, refused. */
  visit(now: number, options: { refusable?: boolean } = {}): DevicePayload[] {
    const card = String(randomInt(this.random, 10000, 99999));
    if ((options.refusable ?? true) && this.random() < UNKNOWN_CARD_CHANCE) return [this.event(now, MINOR_CARD_NOT_FOUND, card)];
    this.open = true;
    return [this.event(now, MINOR_CARD_GRANTED, card), this.event(now, MINOR_DOOR_OPENED)];
  }

  private event(now: number, minor: number, cardNo?: string): DevicePayload {
    const payload: DevicePayload = { serial_no: this.serial++, major: MAJOR_ACCESS_EVENT, minor, time: toWireTime(now), reader_no: 1 };
    if (cardNo !== undefined) payload.card_no = cardNo;
    return payload;
  }
}
