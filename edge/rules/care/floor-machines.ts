import { FLOOR_WINDOW_BUCKETS, FLOOR_WINDOW_MS, type PowerFloor } from '../activity/power-floor.js';
import { learnedSize, type ApplianceModel } from '../activity/appliance-model.js';
import type { HeldLoad } from '../activity/held-load.js';
import type { CareCall } from './care-call-context.js';

const BUCKET_MS = FLOOR_WINDOW_MS / FLOOR_WINDOW_BUCKETS;

/** A load set aside as the home's own machine (or still held to be judged): when it came on, its size (W). */
export interface FloorMachine {
  at: number;
  watts: number;
}

/**
 * The loads set aside as the home's own machines (a water heater on its timer or thermostat, a
 * fridge's defrost, a heater cycling), and one still held to be judged, that came on within the
 * power floor's window. The floor is the lowest reading of the window: a machine running for part of
 * it holds the floor up there, and the fridge's compressor, its defrost and the long recovery run
 * after it (about an hour at 130-400 W) can hold it up for the rest: a timed water heater coming on
 * at 23:00 after a 22:00 defrost raises the floor by a compressor's 140 W with nobody there.
 * A big load set aside in the day only for want of other signs around it (held-load.ts lone) may
 * have been hers, her lamp switched on with it (her 745 W rice cooker with a 41 W light while her
 * water meter was offline, on the simulated estate): it is not taken to hold the floor up. A
 * switch-on is sized as the learned load it matched (activity/appliance-model.ts learnedSize).
 */
export function machinesInFloorWindow(call: CareCall, now: number, held: HeldLoad | undefined, appliances: ApplianceModel | undefined): FloorMachine[] {
  const from = now - FLOOR_WINDOW_MS;
  const machines = (call.state.discounted ?? [])
    .filter((item) => (item.what === 'switch_on' || item.what === 'held_load') && item.why !== 'alone' && item.at > from)
    .map(({ at, watts, what }) => ({ at, watts: what === 'switch_on' ? learnedSize(appliances, watts) : watts }));
  if (held && held.at > from && (held.kind === 'mid' || held.night)) machines.push({ at: held.at, watts: held.watts });
  return machines;
}

/**
 * The floor's rise above `low` with each machine's own watts taken off the readings it ran in (from
 * its switch-on, while the reading stands at least half its size above the low): a TV on under a
 * water heater's reheat still raises it, a floor held up by the machines themselves does not.
 */
export function riseWithoutMachines(floor: PowerFloor, low: number, machines: readonly FloorMachine[]): number {
  const first = floor.bucket - floor.done.length;
  let lowest = Number.POSITIVE_INFINITY;
  const values = [...floor.done, floor.current];
  values.forEach((value, index) => {
    const end = (first + index + 1) * BUCKET_MS;
    let net = value;
    for (const machine of machines) if (end > machine.at && net - low >= machine.watts / 2) net -= machine.watts;
    if (net < lowest) lowest = net;
  });
  return lowest - low;
}
