import type { CanonicalEvent } from '../../model/device-data.js';

/**
 * Door events that are someone at the door: opening or closing it, a card, face or fingerprint
 * accepted, the exit button. Alarms that repeat a state (door_held_open), refusals and tampering
 * are not the household's activity.
 */
const DOOR_ACTIVITY_TYPES: ReadonlySet<string> = new Set(['door_opened', 'door_closed', 'credential_granted', 'rex_pressed']);

/** The door event's type when it is activity at the household's door, else undefined. */
export function doorActivity(event: CanonicalEvent): string | undefined {
  return event.subject.kind === 'unit' && DOOR_ACTIVITY_TYPES.has(event.type) ? event.type : undefined;
}

export type GateDirection = 'in' | 'out' | 'unknown';

export interface GateCardUse {
  credentialRef: string;
  /** From a reader that knows it (attributes.direction); most estate gates do not say. */
  direction: GateDirection;
}

/** A card accepted at an estate gate (an asset), with the card reference the profile copied. */
export function gateCardUse(event: CanonicalEvent): GateCardUse | undefined {
  if (event.subject.kind !== 'asset' || event.type !== 'credential_granted') return undefined;
  const credentialRef = event.attributes.credential_ref;
  if (typeof credentialRef !== 'string' || credentialRef === '') return undefined;
  const direction = event.attributes.direction;
  return { credentialRef, direction: direction === 'in' || direction === 'out' ? direction : 'unknown' };
}
