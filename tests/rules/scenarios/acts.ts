import type { EventType } from '../../../shared/contract/index.js';

/**
 * What a resident (or a carer, or a leak) does, in event time: the generator turns a week of these
 * into what the gateway would receive (synthetic-home.ts).
 */
export type Act =
  /** Water drawn evenly over `minutes` (a flush: 7 L over 2 min; a tap left open: 6 L/min for hours). */
  | { kind: 'water'; at: number; litres: number; minutes: number; what: string }
  /** An appliance drawing `watts` for `minutes` (kettle 2000 W, 4 min). */
  | { kind: 'appliance'; at: number; watts: number; minutes: number; what: string }
  /** An event of the unit's door controller. */
  | { kind: 'door'; at: number; type: EventType; who: 'resident' | 'carer' | 'housekeeper' }
  /** A household card at the estate gate. */
  | { kind: 'gate'; at: number; credentialRef: string; direction?: 'in' | 'out' };

export function actEnd(act: Act): number {
  return act.kind === 'water' || act.kind === 'appliance' ? act.at + act.minutes * 60_000 : act.at;
}

/** Leaving home: exit button, door open, door closed. */
export function leaving(at: number, who: 'resident' | 'carer' | 'housekeeper' = 'resident'): Act[] {
  return [
    { kind: 'door', at, type: 'rex_pressed', who },
    { kind: 'door', at: at + 2_000, type: 'door_opened', who },
    { kind: 'door', at: at + 15_000, type: 'door_closed', who },
  ];
}

/** Coming home: card at the door, door open, door closed. */
export function arriving(at: number, who: 'resident' | 'carer' | 'housekeeper' = 'resident'): Act[] {
  return [
    { kind: 'door', at, type: 'credential_granted', who },
    { kind: 'door', at: at + 3_000, type: 'door_opened', who },
    { kind: 'door', at: at + 20_000, type: 'door_closed', who },
  ];
}
