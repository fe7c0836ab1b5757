import type { EventAttributes, EventItem, ReadingItem } from '../../shared/contract/index.js';
import type { CanonicalEvent, ReadingFrame } from '../model/device-data.js';

/**
 * Canonical event attributes that carry personal data (PIPL Art. 4, 28; shared/contract/README.md,
 * privacy). Profiles copy card numbers and names into these names (attribute_fields); the gateway's
 * own rules may use them, the cloud never receives them.
 */
export const PERSONAL_ATTRIBUTES: ReadonlySet<string> = new Set([
  'credential_ref',
  'card_no',
  'person_name',
  'employee_no',
  'phone',
]);

/**
 * What leaves the gateway (shared/contract/README.md, privacy: raw per-household signals stay on
 * the gateway):
 * - events and readings of a household (subject kind 'unit') stay; only alerts speak for them;
 * - events of shared assets (gates, lifts) go up without personal attributes;
 * - readings of assets go up as they are.
 * Alerts are not filtered: their evidence is already a summary written by the rule.
 */
export function eventForUplink(event: CanonicalEvent): EventItem | null {
  if (event.subject.kind === 'unit') return null;
  return { ...event, attributes: withoutPersonalData(event.attributes) };
}

export function readingsForUplink(frame: ReadingFrame): ReadingItem[] {
  return frame.subject.kind === 'unit' ? [] : frame.readings;
}

export function withoutPersonalData(attributes: EventAttributes): EventAttributes {
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => !PERSONAL_ATTRIBUTES.has(name)));
}
