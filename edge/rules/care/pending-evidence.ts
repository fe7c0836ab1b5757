import { signalOfDeviceKind } from '../activity/activity-signal.js';
import { heldUntil } from '../activity/held-load.js';
import { FLOOR_WINDOW_MS, risingSince } from '../activity/power-floor.js';
import type { CareCall } from './care-call-context.js';
import type { ApplianceModel } from '../activity/appliance-model.js';
import { appliancesKey, meterKey, type CareMeterTrack } from './care-state.js';
import { machinesInFloorWindow } from './floor-machines.js';

/** A minute past the floor's window, the rise has been judged. */
const SETTLE_MS = 60_000;

/**
 * A small load switched on lately (activity/power-floor.ts risingSince), or a switch-on held to be
 * judged by what follows it (activity/held-load.ts), may be about to count as activity: a check
 * falling due now waits for it (until its window is full) rather than send someone to a resident
 * who has just put the TV on. A rising floor in which one of the home's own machines came on is not
 * waited for: a fridge's compressor runs before and after its defrost heater for an hour all told,
 * and waiting out that floor made a fall on the simulated estate (seed 22, hh-07) half an hour late
 * for the 23:00 call, the day's quiet check falling due in the fridge's cycle.
 */
export function smallLoadPending(call: CareCall): number | undefined {
  const { context } = call;
  let until: number | undefined;
  for (const device of context.devices.about(call.unit)) {
    if (signalOfDeviceKind(device.kind) !== 'electricity') continue;
    const track = context.state<CareMeterTrack>(meterKey(device.id));
    const rising = risingSince(track?.floor);
    const since = rising !== undefined && !machineCameOnSince(call, rising, track, device.id) ? rising : undefined;
    const settled = Math.max(since === undefined ? 0 : since + FLOOR_WINDOW_MS + SETTLE_MS, track?.held ? heldUntil(track.held) + SETTLE_MS : 0);
    if (settled > context.now && (until === undefined || settled > until)) until = settled;
  }
  return until;
}

/** One of the home's own machines came on while the floor has been up: a fridge's defrost cycle. */
function machineCameOnSince(call: CareCall, since: number, track: CareMeterTrack | undefined, deviceId: string): boolean {
  const machines = machinesInFloorWindow(call, call.context.now, track?.held, call.context.state<ApplianceModel>(appliancesKey(deviceId)));
  return machines.some((machine) => machine.at >= since);
}
