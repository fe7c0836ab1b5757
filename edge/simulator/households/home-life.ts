import type { EventType } from '../../../shared/contract/index.js';

/** Who passes the door: the rules cannot tell, the scorer can. */
export type Passer = 'resident' | 'carer' | 'visitor' | 'finder';

export interface DoorPass {
  /** Simulated minute, with a fraction for the seconds between the events of one passage. */
  minute: number;
  type: EventType;
  who: Passer;
}

/**
 * What the people of one home do, minute by minute: water drawn (and how much of it hot, from the
 * water heater's tank), the loads they switch on, whether the room heater is switched on (its
 * thermostat then cycles it), the door passages and the household card at the estate gate. The
 * machines that run by themselves are added later (automatic-loads.ts).
 */
export class HomeLife {
  readonly water: Float32Array;
  readonly hotWater: Float32Array;
  readonly load: Float32Array;
  readonly roomHeaterOn: Uint8Array;
  readonly door: DoorPass[] = [];
  readonly gateCards: number[] = [];

  constructor(readonly minutes: number) {
    this.water = new Float32Array(minutes);
    this.hotWater = new Float32Array(minutes);
    this.load = new Float32Array(minutes);
    this.roomHeaterOn = new Uint8Array(minutes);
  }

  /** `litres` drawn evenly over `minutes` from `at`, `hotShare` of it from the water heater. */
  draw(at: number, litres: number, minutes: number, hotShare = 0): void {
    const span = Math.max(1, Math.round(minutes));
    const start = Math.round(at);
    for (let m = start; m < start + span && m < this.minutes; m++) {
      if (m < 0) continue;
      this.water[m]! += litres / span;
      this.hotWater[m]! += (litres * hotShare) / span;
    }
  }

  /** A load of `watts` on for `minutes` from `at`. */
  run(at: number, minutes: number, watts: number): void {
    const start = Math.round(at);
    const end = Math.min(this.minutes, start + Math.max(1, Math.round(minutes)));
    for (let m = Math.max(0, start); m < end; m++) this.load[m]! += watts;
  }

  roomHeater(from: number, to: number): void {
    for (let m = Math.max(0, Math.round(from)); m < Math.min(this.minutes, Math.round(to)); m++) this.roomHeaterOn[m] = 1;
  }

  /** Leaving: the exit button (if the door has one), the door opening and closing. */
  leave(at: number, who: Passer, exitButton: boolean): void {
    if (exitButton) this.door.push({ minute: at, type: 'rex_pressed', who });
    this.door.push({ minute: at + 0.05, type: 'door_opened', who }, { minute: at + 0.3, type: 'door_closed', who });
  }

  /** Coming in with a card (the resident, a carer with a key card, someone who finds her). */
  enter(at: number, who: Passer): void {
    this.door.push({ minute: at, type: 'credential_granted', who }, { minute: at + 0.05, type: 'door_opened', who }, { minute: at + 0.35, type: 'door_closed', who });
  }

  /** A visitor let in from inside: the door opens and closes. */
  letIn(at: number, who: Passer): void {
    this.door.push({ minute: at, type: 'door_opened', who }, { minute: at + 0.3, type: 'door_closed', who });
  }
}
