import type { EventItem, ReadingItem, Subject } from '../../shared/contract/index.js';

/** A device as the rest of the gateway sees it: its id and what it is about. */
export interface DeviceRef {
  id: string;
  subject: Subject;
}

/**
 * A canonical event: the wire item's shape. Until the uplink policy runs it may still carry personal
 * attributes (credential_ref, person_name) that the gateway's own rules may use.
 */
export type CanonicalEvent = EventItem;

/**
 * One sample of one device: every point read together at one instant. Rules see a whole frame at
 * once, so "doors open in the door zone" is judged on values of the same instant, never on a fresh
 * value beside a stale one.
 */
export interface ReadingFrame {
  device_id: string;
  subject: Subject;
  /** Wire time of the sample; every reading of the frame carries the same. */
  event_time: string;
  readings: ReadingItem[];
}

/** The value of one point in a frame, or undefined when the frame does not carry it. */
export function pointValue(frame: ReadingFrame, point: string): number | undefined {
  return frame.readings.find((reading) => reading.point === point)?.value;
}
