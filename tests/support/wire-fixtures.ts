import {
  AlertItemSchema,
  EventItemSchema,
  ReadingItemSchema,
  toWireTime,
  type AlertItem,
  type EventItem,
  type ReadingItem,
} from '../../shared/contract/index.js';
import { newId } from '../../shared/ids.js';

/** A slug id no other test uses (gateway, device, estate ids share one grammar). */
export function uniqueSlug(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/** 2026-11-24T08:00:00.000Z: a fixed base for event times. */
export const BASE_TIME = Date.UTC(2026, 10, 24, 8, 0, 0, 0);

type EventOverrides = Partial<Omit<EventItem, 'event_time'>> & { at?: number };

/** A wire-valid event (checked by the contract schema, so a fixture can never drift from the wire). */
export function eventItem(overrides: EventOverrides = {}): EventItem {
  const { at = BASE_TIME, ...rest } = overrides;
  return EventItemSchema.parse({
    id: newId(),
    device_id: 'door-1',
    subject: { kind: 'device', id: 'door-1' },
    type: 'door_opened',
    event_time: toWireTime(at),
    attributes: {},
    ...rest,
  });
}

type ReadingOverrides = Partial<Omit<ReadingItem, 'event_time'>> & { at?: number };

export function readingItem(overrides: ReadingOverrides = {}): ReadingItem {
  const { at = BASE_TIME, ...rest } = overrides;
  return ReadingItemSchema.parse({
    id: newId(),
    device_id: 'meter-1',
    point: 'energy_total',
    value: 1234.5,
    unit: 'kWh',
    event_time: toWireTime(at),
    ...rest,
  });
}

type AlertOverrides = Partial<Omit<AlertItem, 'event_time'>> & { at?: number };

export function alertItem(overrides: AlertOverrides = {}): AlertItem {
  const { at = BASE_TIME, ...rest } = overrides;
  return AlertItemSchema.parse({
    id: newId(),
    episode_id: newId(),
    revision: 1,
    rule: 'household_inactivity',
    subject: { kind: 'unit', id: 'hh-7f3a' },
    category: 'care_visit',
    severity: 'major',
    state: 'raised',
    event_time: toWireTime(at),
    reason: { zh: '独居老人 6 小时未见活动', en: 'No activity for 6 hours from a resident living alone' },
    evidence: { hours_inactive: 6, last_door_event: 'door_closed' },
    ...rest,
  });
}

/** The next change of an alert's episode: same episode, one revision more, a new item id. */
export function nextChange(alert: AlertItem, state: 'updated' | 'cleared', at: number, overrides: AlertOverrides = {}): AlertItem {
  const { event_time: _previousTime, ...episode } = alert;
  return alertItem({
    ...episode,
    id: newId(),
    revision: alert.revision + 1,
    state,
    at,
    ...overrides,
  });
}
