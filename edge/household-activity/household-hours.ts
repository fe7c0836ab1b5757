import { MS_PER_HOUR, MS_PER_MIN } from '../rules/activity/local-time.js';

/**
 * One household's hourly tallies, built from the raw signals the gateway already sees, in event
 * time. Pure bookkeeping, JSON all through (household-activity-aggregator.ts keeps it on disk):
 * - door openings: door_opened events of its door controllers, counted in the hour they happened;
 * - litres and kWh: what the meter's counter advanced from one sample to the next, counted in the
 *   hour of the later sample (a counter that goes back, a replaced meter, counts nothing and starts
 *   again), so no litre counted by the meter is lost or counted twice across hours;
 * - minutes above standby: the power of one sample held until the next, at most HOLD_LIMIT_MS
 *   (a meter silent longer says nothing of that time), the minutes above the household's standby
 *   power split over the hours they fall in (strictly above: a level equal to it is standby).
 * A signal with no sample in an hour stays null (no data is not no activity); door openings are 0,
 * not null, for a household with a door controller, which only speaks when the door is used.
 */
export interface HourTally {
  /** Epoch ms of the hour's start. */
  start: number;
  door: number | null;
  waterL: number | null;
  energyKwh: number | null;
  aboveStandbyMin: number | null;
}

/** The last counter value (litres or kWh) or power level a device reported, and when. */
export interface Mark {
  at: number;
  value: number;
}

export interface HouseholdHoursState {
  /** The first hour counted: samples before it only set the meters' marks. */
  countFrom: number;
  /** Hours not yet sent, oldest first. */
  open: HourTally[];
  /** The start of the latest hour opened. */
  openedThrough: number;
  water: Record<string, Mark>;
  energy: Record<string, Mark>;
  power: Record<string, Mark>;
}

/** A power level is held at most this long: beyond it the meter's silence says nothing. */
export const HOLD_LIMIT_MS = 15 * MS_PER_MIN;

/** The start of the local hour `at` falls in, for a household `utcOffsetMin` east of UTC. */
export function hourStart(at: number, utcOffsetMin: number): number {
  const offsetMs = utcOffsetMin * MS_PER_MIN;
  return Math.floor((at + offsetMs) / MS_PER_HOUR) * MS_PER_HOUR - offsetMs;
}

/**
 * A household counted from the hour after `currentHour`: the hour it is enrolled in (or the gateway
 * starts in without saved hours) would be a part of an hour passed off as a whole one.
 */
export function newHouseholdHours(currentHour: number): HouseholdHoursState {
  return { countFrom: currentHour + MS_PER_HOUR, open: [], openedThrough: currentHour, water: {}, energy: {}, power: {} };
}

function emptyHour(start: number, hasDoor: boolean): HourTally {
  return { start, door: hasDoor ? 0 : null, waterL: null, energyKwh: null, aboveStandbyMin: null };
}

/**
 * After the gateway was off past an hour's end: the hours it was off are not opened (their counts
 * would say "no activity" for what it did not see), the current hour is not counted (it saw only
 * part of it), and the meters' marks start again, so what the counters advanced meanwhile is
 * counted nowhere. The hours open at the stop are still sent, with what was counted in them.
 */
export function resumeAfterGap(state: HouseholdHoursState, currentHour: number): void {
  if (state.openedThrough >= currentHour) return;
  state.openedThrough = currentHour;
  state.countFrom = currentHour + MS_PER_HOUR;
  state.water = {};
  state.energy = {};
  state.power = {};
}

/** Opens every hour after the latest opened, up to the one starting at `through`. */
export function openHoursThrough(state: HouseholdHoursState, through: number, hasDoor: boolean): void {
  for (let start = state.openedThrough + MS_PER_HOUR; start <= through; start += MS_PER_HOUR) state.open.push(emptyHour(start, hasDoor));
  if (through > state.openedThrough) state.openedThrough = through;
}

/** The open hour holding `at`, if that hour is open. */
function openHour(state: HouseholdHoursState, at: number, utcOffsetMin: number): HourTally | undefined {
  const start = hourStart(at, utcOffsetMin);
  return state.open.find((hour) => hour.start === start);
}

/** A door opening at `at`; false when its hour is no longer open (sent already, or before watching began). */
export function countDoorOpening(state: HouseholdHoursState, at: number, utcOffsetMin: number): boolean {
  const hour = openHour(state, at, utcOffsetMin);
  if (!hour) return false;
  hour.door = (hour.door ?? 0) + 1;
  return true;
}

/**
 * A counter sample (litres or kWh) of one meter. The advance since the meter's last sample counts in
 * this sample's hour. A sample whose hour is closed moves nothing, so what it would have counted
 * goes to the next sample instead; an older sample than the last is a redelivery and is ignored.
 * One from before the first counted hour only sets the mark the first counted sample starts from.
 */
export function countCounter(state: HouseholdHoursState, kind: 'water' | 'energy', deviceId: string, sample: Mark, utcOffsetMin: number): boolean {
  const marks = state[kind];
  const last = marks[deviceId];
  if (last && sample.at <= last.at) return false;
  const hour = openHour(state, sample.at, utcOffsetMin);
  if (!hour) return sample.at < state.countFrom && setMark(marks, deviceId, sample);
  const advance = last && sample.value >= last.value ? sample.value - last.value : 0;
  if (kind === 'water') hour.waterL = (hour.waterL ?? 0) + advance;
  else hour.energyKwh = (hour.energyKwh ?? 0) + advance;
  marks[deviceId] = sample;
  return true;
}

/**
 * A power sample (W). The level of the meter's previous sample held until this one (at most
 * HOLD_LIMIT_MS) counts, where above `standbyW`, in the open hours it falls in.
 */
export function countPower(state: HouseholdHoursState, deviceId: string, sample: Mark, standbyW: number, utcOffsetMin: number): boolean {
  const last = state.power[deviceId];
  if (last && sample.at <= last.at) return false;
  const hour = openHour(state, sample.at, utcOffsetMin);
  if (!hour) return sample.at < state.countFrom && setMark(state.power, deviceId, sample);
  hour.aboveStandbyMin ??= 0;
  if (last && last.value > standbyW) {
    const heldUntil = Math.min(sample.at, last.at + HOLD_LIMIT_MS);
    for (const open of state.open) {
      const overlap = Math.min(heldUntil, open.start + MS_PER_HOUR) - Math.max(last.at, open.start);
      if (overlap > 0) open.aboveStandbyMin = (open.aboveStandbyMin ?? 0) + overlap / MS_PER_MIN;
    }
  }
  state.power[deviceId] = sample;
  return true;
}

function setMark(marks: Record<string, Mark>, deviceId: string, sample: Mark): true {
  marks[deviceId] = sample;
  return true;
}

/**
 * Takes out the open hours that ended at or before `endedBy`, oldest first. A meter whose latest
 * sample is still the one before an ending hour's end has been silent since (an hour ends
 * SEND_AFTER_HOUR_MS >= HOLD_LIMIT_MS before it is taken): its level is held the whole
 * HOLD_LIMIT_MS, and that part of it in the hour counts now, as the next sample would have counted
 * it. So the minutes do not depend on when the hour is taken.
 */
export function takeEndedHours(state: HouseholdHoursState, endedBy: number, standbyW: number): HourTally[] {
  const ended = state.open.filter((hour) => hour.start + MS_PER_HOUR <= endedBy);
  if (ended.length === 0) return ended;
  state.open = state.open.filter((hour) => hour.start + MS_PER_HOUR > endedBy);
  for (const mark of Object.values(state.power)) {
    if (mark.value <= standbyW) continue;
    for (const hour of ended) {
      const overlap = Math.min(mark.at + HOLD_LIMIT_MS, hour.start + MS_PER_HOUR) - Math.max(mark.at, hour.start);
      if (overlap > 0) hour.aboveStandbyMin = (hour.aboveStandbyMin ?? 0) + overlap / MS_PER_MIN;
    }
  }
  return ended;
}
