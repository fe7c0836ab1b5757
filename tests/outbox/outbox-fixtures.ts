import type { AlertItem, EventItem, ReadingItem } from '../../shared/contract/index.js';

/** 2026-11-24T00:00:00Z: event times below are T0 + n ms. */
export const T0 = Date.parse('2026-11-24T00:00:00.000Z');

export const at = (ms: number): string => new Date(T0 + ms).toISOString();

/** Item ids are zero-padded: ItemIdSchema wants at least 8 characters. */
const id = (kind: string, n: number): string => `${kind}-${String(n).padStart(8, '0')}`;

export const reading = (n: number, eventMs = n): ReadingItem => ({
  id: id('reading', n),
  device_id: 'em-1',
  point: 'active_power',
  value: n,
  unit: 'W',
  event_time: at(eventMs),
});

export const event = (n: number, eventMs = n): EventItem => ({
  id: id('event', n),
  device_id: 'lift-1',
  subject: { kind: 'asset', id: 'lift-1' },
  type: 'lift_alarm_button',
  event_time: at(eventMs),
  attributes: {},
});

export const alert = (n: number, eventMs = n): AlertItem => ({
  id: id('alert', n),
  episode_id: `episode-${n}`,
  revision: 1,
  rule: 'lift_alarm_button',
  subject: { kind: 'asset', id: 'lift-1' },
  category: 'lift_entrapment',
  severity: 'critical',
  state: 'raised',
  event_time: at(eventMs),
  reason: { zh: '困人', en: 'trapped' },
  evidence: {},
});
