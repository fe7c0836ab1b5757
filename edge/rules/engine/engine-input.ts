import { z } from 'zod';
import {
  EventItemSchema,
  LocalIdSchema,
  ReadingItemSchema,
  SubjectSchema,
  WireTimeSchema,
  fromWireTime,
  toWireTime,
} from '../../../shared/contract/index.js';
import type { Availability, OfflineReason } from '../../drivers/driver.js';
import type { CanonicalEvent, ReadingFrame } from '../../model/device-data.js';

const OFFLINE_REASONS = ['local_broker_unreachable', 'no_response', 'bus_unavailable'] as const satisfies readonly OfflineReason[];

const ReadingFrameSchema = z.object({
  device_id: LocalIdSchema,
  subject: SubjectSchema,
  event_time: WireTimeSchema,
  readings: z.array(ReadingItemSchema),
});

/**
 * One input of the rule engine, as the engine's batch API takes it and as a recording keeps it:
 * one JSON object per line (JSON Lines), in the order the gateway handled them.
 *   {"kind":"event","item":EventItem}
 *   {"kind":"readings","frame":ReadingFrame}
 *   {"kind":"availability","device_id":"meter-1","online":false,"reason":"no_response","at":"2026-11-24T08:00:00.000Z"}
 *   {"kind":"tick","at":"2026-11-24T08:01:00.000Z"}   time passing with no input (timers due by then fire)
 */
export const EngineInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('event'), item: EventItemSchema }),
  z.object({ kind: z.literal('readings'), frame: ReadingFrameSchema }),
  z.object({
    kind: z.literal('availability'),
    device_id: LocalIdSchema,
    online: z.boolean(),
    reason: z.enum(OFFLINE_REASONS).optional(),
    at: WireTimeSchema,
  }),
  z.object({ kind: z.literal('tick'), at: WireTimeSchema }),
]);

export type EngineInput =
  | { kind: 'event'; item: CanonicalEvent }
  | { kind: 'readings'; frame: ReadingFrame }
  | { kind: 'availability'; device_id: string; online: boolean; reason?: OfflineReason; at: string }
  | { kind: 'tick'; at: string };

/** The event time of an input, epoch ms. */
export function inputTime(input: EngineInput): number {
  switch (input.kind) {
    case 'event':
      return fromWireTime(input.item.event_time);
    case 'readings':
      return fromWireTime(input.frame.event_time);
    case 'availability':
    case 'tick':
      return fromWireTime(input.at);
  }
}

/**
 * The identity of an input a device sent: the device and the item's own idempotency id (an event's
 * id; a frame's first reading's id, since every reading id names one reading of one message and
 * the wire treats two readings with one id as the same). Null for what has no such id:
 * availability changes and ticks come from the gateway itself.
 */
export function takenInputOf(input: EngineInput): { device: string; id: string } | null {
  switch (input.kind) {
    case 'event':
      return { device: input.item.device_id, id: input.item.id };
    case 'readings': {
      const first = input.frame.readings[0];
      return first ? { device: input.frame.device_id, id: first.id } : null;
    }
    case 'availability':
    case 'tick':
      return null;
  }
}

export function availabilityOf(input: Extract<EngineInput, { kind: 'availability' }>): Availability {
  return input.online ? { online: true } : { online: false, reason: input.reason ?? 'no_response' };
}

/** The input for a change of a device's availability at `at` (epoch ms). */
export function availabilityInput(deviceId: string, availability: Availability, at: number): Extract<EngineInput, { kind: 'availability' }> {
  return availability.online
    ? { kind: 'availability', device_id: deviceId, online: true, at: toWireTime(at) }
    : { kind: 'availability', device_id: deviceId, online: false, reason: availability.reason, at: toWireTime(at) };
}
