import { signalOfDeviceKind } from '../activity/activity-signal.js';
import { heldUntil } from '../activity/held-load.js';
import { FLOOR_WINDOW_MS, risingSince } from '../activity/power-floor.js';
import type { CareCall } from './care-call-context.js';
import { meterKey, type CareMeterTrack } from './care-state.js';

/** A minute past the floor's window, the rise has been judged. */
const SETTLE_MS = 60_000;

/**
 * A small load switched on lately (activity/power-floor.ts risingSince), or a switch-on held to be
 * judged by what follows it (activity/held-load.ts), may be about to count as activity: a check
 * falling due now waits for it (until its window is full) rather than send someone to a resident
 * who has just put the TV on.
 */
export function smallLoadPending(call: CareCall): number | undefined {
  const { context } = call;
  let until: number | undefined;
  for (const device of context.devices.about(call.unit)) {
    if (signalOfDeviceKind(device.kind) !== 'electricity') continue;
    const track = context.state<CareMeterTrack>(meterKey(device.id));
    const since = risingSince(track?.floor);
    const settled = Math.max(since === undefined ? 0 : since + FLOOR_WINDOW_MS + SETTLE_MS, track?.held ? heldUntil(track.held) + SETTLE_MS : 0);
    if (settled > context.now && (until === undefined || settled > until)) until = settled;
  }
  return until;
}
