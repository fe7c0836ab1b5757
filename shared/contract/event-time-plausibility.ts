/**
 * Event times the cloud believes, judged against the receiver's clock: the bounds both sides use, so
 * a gateway never sends what the cloud would refuse (the cloud refuses the item for good, with a
 * receipt, and counts the reason).
 */

/**
 * How far ahead of the receiver's clock an event time may be: 15 minutes. A gateway never dates
 * data after its own receipt of it (edge/drivers/event-time.ts: a device stamp ahead of the receive
 * time is replaced by it), so the 15 minutes are for the gateway's clock against the cloud's: a box
 * that has lost NTP runs on its RTC, and a common RTC crystal (+-20 ppm) drifts under 2 s a day, so
 * 15 minutes is months without a time server. Anything further ahead is a broken clock (the year 9999 opened a ticket
 * "raised" in 9999 whose deadlines were already past).
 */
export const MAX_EVENT_TIME_AHEAD_MS = 15 * 60 * 1000;

/**
 * How far behind the receiver's clock an event time may be: 365 days. Longer than any backlog a
 * gateway can hold and deliver: its outbox never drops alerts and events, and an estate's uplink
 * can be down for weeks (a lapsed LTE contract, a box switched off over a holiday); a 256 MiB outbox
 * budget holds about four months of a busy estate's door events (5,000 a day at ~400 bytes). And
 * far shorter than what broken clocks say: an RTC reset to 2000-01-01 or the epoch is decades back,
 * a GPS week-number rollover 19.6 years.
 */
export const MAX_EVENT_AGE_MS = 365 * 24 * 60 * 60 * 1000;

export type EventTimeVerdict = 'plausible' | 'event_time_ahead' | 'event_time_too_old';

/** Whether an event time (epoch ms) is believable at the receiver's clock time now (epoch ms). */
export function judgeEventTime(eventMs: number, now: number): EventTimeVerdict {
  if (eventMs > now + MAX_EVENT_TIME_AHEAD_MS) return 'event_time_ahead';
  if (eventMs < now - MAX_EVENT_AGE_MS) return 'event_time_too_old';
  return 'plausible';
}
