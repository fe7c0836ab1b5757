import { MS_PER_MIN } from '../activity/local-time.js';
import { shareIn, type WaterInterval } from './water-interval.js';

/**
 * Use in every slot for hours on end is a leak (Shenzhen Longgang: every 30-minute slot for 24 h,
 * edge/rules/README.md). Slots start on local time. A slot counts as used when the water it saw
 * exceeds min_litres_per_slot (or the meter showed flow in it); as dry only when it was watched
 * from start to end with no use: a slot the meter did not watch breaks the run without proving the
 * leak over. An interval between polls that straddles a slot boundary is shared between the slots
 * in proportion to time (the flow of a leak is steady).
 */
export interface FlowSlots {
  /** The slot being filled: index since the epoch on local time. */
  slot: number;
  litres: number;
  flowing: boolean;
  /** Watched without a break since its start. */
  whole: boolean;
  /** The run of used slots that ended with the last closed slot. */
  run?: { from: number; slots: number; litres: number };
}

export interface FlowSlotParams {
  slotMs: number;
  utcOffsetMin: number;
  minLitresPerSlot: number;
}

/** What the slots say after an interval: a run of this many used slots, or a dry slot seen. */
export interface FlowVerdict {
  slots: FlowSlots;
  /** A watched slot had no use: the flow stopped. */
  drySlotSeen: boolean;
}

export function slotIndex(at: number, params: FlowSlotParams): number {
  return Math.floor((at + params.utcOffsetMin * MS_PER_MIN) / params.slotMs);
}

export function slotStart(index: number, params: FlowSlotParams): number {
  return index * params.slotMs - params.utcOffsetMin * MS_PER_MIN;
}

export function addInterval(previous: FlowSlots | undefined, interval: WaterInterval, params: FlowSlotParams): FlowVerdict {
  const last = slotIndex(interval.to - 1, params);
  const { from, litres } = interval;
  // A bridged gap with water used is not known slot by slot; one with none is known dry throughout.
  if (!previous || from === undefined || litres === undefined || (interval.bridged && litres > 0)) {
    return { slots: { slot: last, litres: 0, flowing: false, whole: false }, drySlotSeen: false };
  }
  let drySlotSeen = false;
  const first = slotIndex(from, params);
  // The slot before was left by an unknown interval: this one is whole only if it starts right here.
  let slots = previous.slot < first ? { slot: first, litres: 0, flowing: false, whole: from === slotStart(first, params) } : previous;
  for (let index = slots.slot; index <= last; index++) {
    if (index > slots.slot) {
      if (slots.whole && !slotUsed(slots, params)) drySlotSeen = true;
      slots = closedSlot(slots, params);
    }
    const start = slotStart(index, params);
    const end = start + params.slotMs;
    slots = { ...slots, litres: slots.litres + shareIn(from, interval.to, litres, start, end), flowing: slots.flowing || (interval.flowing && index === last) };
    if (interval.to >= end) {
      if (slots.whole && !slotUsed(slots, params)) drySlotSeen = true;
      slots = closedSlot(slots, params);
    }
  }
  return { slots, drySlotSeen };
}

function slotUsed(slots: FlowSlots, params: FlowSlotParams): boolean {
  return slots.flowing || slots.litres > params.minLitresPerSlot;
}

/** The slot after a closed one, carrying on the run of used slots. */
function closedSlot(slots: FlowSlots, params: FlowSlotParams): FlowSlots {
  const run = slots.run;
  const next: FlowSlots = { slot: slots.slot + 1, litres: 0, flowing: false, whole: true };
  if (slots.whole && slotUsed(slots, params)) {
    next.run = run && run.from + run.slots === slots.slot ? { from: run.from, slots: run.slots + 1, litres: run.litres + slots.litres } : { from: slots.slot, slots: 1, litres: slots.litres };
  }
  return next;
}

/** Hours of use in every slot up to the last closed slot. */
export function runHours(slots: FlowSlots, params: FlowSlotParams): number {
  return ((slots.run?.slots ?? 0) * params.slotMs) / 3_600_000;
}
