import { signalOfDeviceKind } from '../activity/activity-signal.js';
import { FLOOR_WINDOW_MS, risingSince } from '../activity/power-floor.js';
import type { CareCall } from './care-call-context.js';
import { meterKey, type CareMeterTrack } from './care-state.js';

/** A minute past the floor's window, the rise has been judged. */
const SETTLE_MS = 60_000;

/**
 * A small load switched on less than an hour ago (activity/power-floor.ts risingSince) is about to
 * count as activity: a check falling due now waits for it (until its window is full) rather than
 * send someone to a resident who has just put the TV on.
 */
export function smallLoadPending(call: CareCall): number | undefined {
  const { context } = call;
  let until: number | undefined;
  for (const device of context.devices.about(call.unit)) {
    if (signalOfDeviceKind(device.kind) !== 'electricity') continue;
    const since = risingSince(context.state<CareMeterTrack>(meterKey(device.id))?.floor);
    if (since === undefined) continue;
    const settled = since + FLOOR_WINDOW_MS + SETTLE_MS;
    if (settled > context.now && (until === undefined || settled > until)) until = settled;
  }
  return until;
}
