/**
 * The floor of a home's electricity: the lowest power over the last ninety minutes. A fridge
 * compressor (100-150 W) runs 10-20 minutes at a time, and through a defrost (15-25 minutes) and
 * the recovery run after it for about an hour all told; a room heater's thermostat switches it off
 * every half hour. They rarely hold the floor up for ninety minutes. A TV (60-120 W) and lights watched for an afternoon do:
 * the floor stepping up from its recent low (the household's own standby at night, the lights in
 * the evening) is someone's small load switched on, which a frugal resident's afternoon shows and a
 * 300 W threshold never sees. Only the step is news; a floor that stays up (a TV left on) is a
 * level, not activity. A rise of SWITCH_ON_W or more is a big load held on (a heater on its timer),
 * judged already by its switch-on (care/meter-sightings.ts).
 *
 * The window is kept as the minimum of each 5-minute bucket; `low` is the lowest floor since the
 * last step up (a step is measured from there, so a TV switched on under the evening lights counts).
 */
export interface PowerFloor {
  /** Index of the current 5-minute bucket since the epoch, and its minimum so far (W). */
  bucket: number;
  current: number;
  /** Minima of the completed buckets before it, oldest first, consecutive. */
  done: number[];
  /** The lowest floor since the last step up (W). */
  low?: number;
  /** The home's standby: the lowest floor of the last day (W), and when it was seen. */
  base?: number;
  base_at?: number;
}

/** The standby level is forgotten after a day without the floor coming down to it. */
const BASE_MEMORY_MS = 24 * 60 * 60_000;

const BUCKET_MS = 5 * 60_000;
export const FLOOR_WINDOW_BUCKETS = 18;
export const FLOOR_WINDOW_MS = FLOOR_WINDOW_BUCKETS * BUCKET_MS;
/** A floor this far above its recent low is a small load on (a TV is 60-120 W, an LED lamp 10-40 W). */
export const SMALL_LOAD_W = 40;
/**
 * A floor this far above its recent low is a lamp on (an LED lamp is 10-40 W, far above the meter's
 * 0.1 W resolution and a reading's noise), news only when the household's other witnesses are blind
 * (care/meter-sightings.ts): with the water meter dead, lights at dusk are her at home.
 */
export const FAINT_LOAD_W = 15;
const MAX_SKIPPED_BUCKETS = 2;
/** Buckets of a raised floor before a rise is pending (risingSince): longer than a fridge's run. */
const PENDING_AFTER_BUCKETS = 6;

export interface FloorStep {
  floor: PowerFloor;
  /** The floor stepped up by a small load, switched on about FLOOR_WINDOW_MS ago. */
  rose?: { watts: number; since: number };
}

/**
 * Adds a power reading; `gap`: the frames before did not come without a break (start again);
 * `faintCounts`: asked when the floor rose by FAINT_LOAD_W but less than SMALL_LOAD_W, whether such
 * a rise is news now.
 */
export function stepFloor(previous: PowerFloor | undefined, at: number, watts: number, gap: boolean, faintCounts?: () => boolean): FloorStep {
  const bucket = Math.floor(at / BUCKET_MS);
  let floor: PowerFloor;
  const restart = !previous || gap || bucket < previous.bucket || bucket > previous.bucket + 1 + MAX_SKIPPED_BUCKETS;
  // The floor the window showed before this reading: a faint rise is news only as it happens.
  const before = restart ? undefined : floorValue(previous!);
  if (restart) {
    // A first reading, or a gap: the window starts again (the standby level is kept).
    floor = { bucket, current: watts, done: [], ...(previous?.base !== undefined ? { base: previous.base, base_at: previous.base_at! } : {}) };
  } else if (bucket === previous.bucket) {
    if (watts >= previous.current) return { floor: previous };
    floor = { ...previous, current: watts };
  } else {
    // A bucket a drifting poll left without a reading is taken at the lower of the readings around it.
    const skipped = new Array<number>(bucket - previous.bucket - 1).fill(Math.min(previous.current, watts));
    const done = [...previous.done, previous.current, ...skipped].slice(-(FLOOR_WINDOW_BUCKETS - 1));
    floor = { ...previous, bucket, current: watts, done };
  }
  const value = floorValue(floor);
  if (value === undefined) return { floor };
  if (floor.base === undefined || value <= floor.base || at - floor.base_at! > BASE_MEMORY_MS) floor = { ...floor, base: value, base_at: at };
  if (floor.low === undefined || value < floor.low) return { floor: { ...floor, low: value } };
  const rise = value - floor.low;
  if (rise < SMALL_LOAD_W && (rise < FAINT_LOAD_W || !faintJustRose(before, floor.low) || !faintCounts?.())) return { floor };
  return { floor: { ...floor, low: value }, rose: { watts: value - floor.low, since: at - FLOOR_WINDOW_MS + BUCKET_MS } };
}

/**
 * The floor has just come FAINT_LOAD_W above its low: it stood below that before this reading. A
 * faint rise that is older was not news when it came (the water meter watched then), and it is not
 * news hours later either: a resident who fell with the TV on keeps the floor where it was all
 * night, and one missed poll of her water meter at dawn must not make a lamp of it, switched on as
 * if she had got up.
 */
function faintJustRose(before: number | undefined, low: number): boolean {
  return before === undefined || before - low < FAINT_LOAD_W;
}

/**
 * A small load that has held the floor up for the last few buckets, though not yet for the whole
 * window: when it came on, if so (a TV switched on half an hour ago is about to count).
 */
export function risingSince(floor: PowerFloor | undefined): number | undefined {
  if (!floor || floor.low === undefined) return undefined;
  const threshold = floor.low + SMALL_LOAD_W;
  if (floor.current < threshold) return undefined;
  let buckets = 1;
  for (let index = floor.done.length - 1; index >= 0 && floor.done[index]! >= threshold; index--) buckets++;
  return buckets >= PENDING_AFTER_BUCKETS ? (floor.bucket - buckets + 1) * BUCKET_MS : undefined;
}

/** The floor over the whole window, or undefined until the window is full. */
export function floorValue(floor: PowerFloor): number | undefined {
  if (floor.done.length < FLOOR_WINDOW_BUCKETS - 1) return undefined;
  let lowest = floor.current;
  for (const value of floor.done) if (value < lowest) lowest = value;
  return lowest;
}

/**
 * Something has been left running for the whole window: the floor stands a small load or more above
 * the home's standby (a heater, the TV, the lights). People switch these off when they go out.
 * Undefined until the window is full again after a break.
 */
export function loadHeldOn(floor: PowerFloor | undefined): boolean | undefined {
  const value = floor ? floorValue(floor) : undefined;
  return value === undefined || floor!.base === undefined ? undefined : value - floor!.base >= SMALL_LOAD_W;
}
