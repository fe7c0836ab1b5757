import { toWireTime } from '../../../shared/contract/index.js';
import type { CareHousehold } from '../../../shared/contract/rules-config-care.js';
import { clockMinutes, localDayNumber, localMidnight, MS_PER_DAY, MS_PER_HOUR } from '../activity/local-time.js';
import { signalOfDeviceKind } from '../activity/activity-signal.js';
import { meterSilenceMs } from '../activity/meter-track.js';
import { absenceAt, type Absence } from './absence.js';
import { AWAY_DAY_MS, compareActivity, withAwayDay } from './activity-days.js';
import { householdWatches } from './care-alert.js';
import type { CareCall } from './care-call-context.js';
import { meterKey, REVIEW_TIMER, timerKey, type CareMeterTrack } from './care-state.js';
import { declineOverReason, declineReason, type DeclineFacts } from './decline-reasons.js';
import { compareWindows, reviewsKey, withReading, type ReviewReading } from './review-windows.js';
import { reviewDoor } from './door-watch.js';

/** The household is reviewed this often from decline.review_at (14:00, 20:00, 02:00, 08:00). */
export const REVIEW_EVERY_MS = 6 * MS_PER_HOUR;
const WINDOW_MS = 24 * MS_PER_HOUR;
/** Too little is usual in the window to tell a decline from a quiet day. */
const MIN_USUAL_HALF_HOURS = 8;
/** She is at home and alive lately (else she is away, or it is the inactivity checks' business). */
const SEEN_WITHIN_MS = 8 * MS_PER_HOUR;
const MIN_SEEN_HALF_HOURS = 3;
/** Back to this share of usual, the "check on" alert clears. */
const RECOVERED_SHARE = 0.75;
/**
 * Her water alone is down to half on an ordinary day without a shower or the laundry; an ill
 * resident stops cooking and watching TV too, but not all of it at once, nor every kind as much. So
 * besides her water (at most decline.share of usual), her switch-ons and the half-hours she is seen
 * in are each at most MAX_SHARE of usual, and the three shares together at most SUM_OF_SHARES (a
 * mean of 0.58; without switch-ons enough to judge by, the half-hours count twice). Chosen on the
 * household simulator (edge/simulator/households/, seeds 1-8: 1,536 resident-weeks, 16 illnesses)
 * from each review's shares. Against each share held to its own limit (water 0.45, switch-ons 0.6,
 * half-hours 0.8), 10 illnesses were caught within 36 h instead of 8 and 15 in their course instead
 * of 12, with as many ordinary days taken for a decline (two); on seeds 9-16, not used in choosing,
 * 9 within 36 h instead of 6 and 14 in their course instead of 12, for 7 ordinary days taken for a
 * decline instead of 4: a call too many in some 500 resident-weeks, for an illness found in time.
 */
const MAX_SHARE = 0.8;
const SUM_OF_SHARES = 1.75;
/** Too few switch-ons are usual to tell anything by them. */
const MIN_USUAL_ONS = 1;
const LITRES_PER_M3 = 1000;
/** Two reviews six hours apart, give or take this. */
const SAME_REVIEW_MS = 60_000;

/** The next review time after `now`. */
export function nextReview(household: CareHousehold, now: number): number {
  const offset = household.utc_offset_min;
  let at = localMidnight(localDayNumber(now, offset), offset, clockMinutes(household.decline.review_at)) - MS_PER_DAY;
  while (at <= now) at += REVIEW_EVERY_MS;
  return at;
}

/** The review timer: the door controller's health (door-watch.ts) and the decline check. */
export function reviewHousehold(call: CareCall): void {
  const { context, unit } = call;
  context.setTimer(timerKey(REVIEW_TIMER, unit.id), nextReview(call.household, context.now));
  reviewDoor(call);
  reviewDecline(call);
}

/**
 * A decline (an illness: she stays in, uses little water, the door unused) is caught by no
 * threshold of quiet: she still moves about, just much less. So every review compares the last 24 h
 * with the same hours of her own earlier days (review-windows.ts, activity-days.ts): the water she
 * used (the counter over a day is exact, whatever its 10 L steps), her switch-ons that counted, and
 * the half-hours she was seen in. At home (seen in the last 8 h, nobody at the door for 24 h: a day
 * out is no decline; no absence), with water at most decline.share of usual, and her appliances and
 * her half-hours down as well (MAX_SHARE, SUM_OF_SHARES: a day without a shower is not a decline),
 * at two reviews running (one quiet day is caught by one review and gone by the next), it is
 * a gentler "check on" visit (care_visit, minor), which the inactivity and morning checks escalate
 * if she goes quiet. It clears when her water and half-hours are back to three quarters of usual, or
 * someone comes to the door, not on a single flush.
 */
function reviewDecline(call: CareCall): void {
  const { context, household, unit } = call;
  if (!household.decline.enabled) return;
  const absent = absenceAt(household, call.state.activity, context.now);
  const away = absent !== undefined && longAbsence(absent, context.now);
  const readings = takeReading(call, away);
  if (absent) {
    if (away) markAway(call, context.now);
    return;
  }
  const compared = compareActivity(call.state.days, context.now, WINDOW_MS, household.utc_offset_min);
  const windows = compareWindows(readings, context.now);
  const lastDoor = call.state.activity.last.door?.at;
  const doorUsed = lastDoor !== undefined && context.now - lastDoor < WINDOW_MS;
  const waterShare = share(windows.last?.litres, windows.usualLitres);
  const episode = context.episode(unit);
  if (episode) {
    const recovered = compared.seen >= RECOVERED_SHARE * compared.usual && (waterShare === undefined || waterShare >= RECOVERED_SHARE);
    if (call.state.raised_by !== 'decline' || !(doorUsed || recovered)) return;
    call.changes.push({ action: 'clear', subject: unit, event_time: toWireTime(context.now), reason: declineOverReason(unit.id, doorUsed), evidence: { cleared_by: doorUsed ? 'door' : 'activity_recovered', active_half_hours_24h: compared.seen } });
    call.state = { ...call.state, raised_by: undefined };
    call.dirty = true;
    return;
  }
  const latest = call.state.activity.latest?.at;
  if (windows.windows < household.decline.min_history_days || compared.awayInWindow || doorUsed) return;
  // Less seen because a meter did not watch is no data, not a decline: every reading of the window
  // found the meters watching (a poll or two missed is nothing to a day).
  if (!windows.last?.clean) return;
  // Nor is a day whose outings the door could not show (a dead controller: she may have been out all day).
  if (householdWatches(call).some((watch) => watch.signal === 'door' && (!watch.watching || watch.since > context.now - WINDOW_MS))) return;

  if (latest === undefined || context.now - latest > SEEN_WITHIN_MS || compared.usual < MIN_USUAL_HALF_HOURS || compared.seen < MIN_SEEN_HALF_HOURS) return;
  if (waterShare === undefined || waterShare > household.decline.share) return;
  const seenShare = compared.seen / compared.usual;
  const onsShare = windows.usualOns >= MIN_USUAL_ONS ? windows.last.ons / windows.usualOns : seenShare;
  if (seenShare > MAX_SHARE || onsShare > MAX_SHARE || waterShare + seenShare + onsShare > SUM_OF_SHARES) return;
  // One quiet day seen at one review is not yet a decline: the next review, six hours on, must agree.
  const lowBefore = call.state.decline_low_at;
  call.state = { ...call.state, decline_low_at: context.now };
  call.dirty = true;
  if (lowBefore === undefined || Math.abs(context.now - REVIEW_EVERY_MS - lowBefore) > SAME_REVIEW_MS) return;
  const facts: DeclineFacts = {
    unitId: unit.id,
    livesAlone: household.lives_alone,
    seen: compared.seen,
    usual: compared.usual,
    litres: windows.last!.litres!,
    usualLitres: windows.usualLitres!,
    ons: windows.last!.ons,
    usualOns: windows.usualOns,
    historyDays: windows.windows,
    lastDoor,
    utcOffsetMin: household.utc_offset_min,
    now: context.now,
  };
  call.changes.push({
    action: 'raise',
    subject: unit,
    category: 'care_visit',
    severity: 'minor',
    event_time: toWireTime(context.now),
    reason: declineReason(facts),
    evidence: {
      check: 'decline',
      lives_alone: household.lives_alone,
      water_l_24h: Math.round(facts.litres),
      usual_water_l_24h: Math.round(facts.usualLitres),
      switch_ons_24h: facts.ons,
      usual_switch_ons_24h: Math.round(facts.usualOns * 10) / 10,
      active_half_hours_24h: compared.seen,
      usual_half_hours_24h: Math.round(compared.usual * 10) / 10,
      history_days: windows.windows,
      last_door: lastDoor === undefined ? null : toWireTime(lastDoor),
    },
  });
  call.state = { ...call.state, raised_by: 'decline' };
  call.dirty = true;
}

/** Reads the counters for the review (review-windows.ts) and keeps the reading; returns the readings. */
function takeReading(call: CareCall, absent: boolean): ReviewReading[] {
  const { context, unit } = call;
  const key = reviewsKey(unit.id);
  const previous = context.state<ReviewReading[]>(key);
  let litres: number | undefined = 0;
  let broken = false;
  for (const device of context.devices.about(unit)) {
    const signal = signalOfDeviceKind(device.kind);
    if (signal !== 'water' && signal !== 'electricity') continue;
    const track = context.state<CareMeterTrack>(meterKey(device.id));
    if (!track || track.offline || context.now - track.at > meterSilenceMs(device.pollIntervalMs) || context.devices.offlineSince(device.id) !== undefined) broken = true;
    if (signal === 'water') litres = track?.counter === undefined || litres === undefined ? undefined : litres + track.counter * LITRES_PER_M3;
  }
  const reading: ReviewReading = { at: context.now, ons: call.state.switch_ons ?? 0, ...(litres !== undefined ? { litres } : {}), ...(absent ? { away: true as const } : {}), ...(broken ? { broken: true as const } : {}) };
  const readings = withReading(previous, reading);
  context.setState(key, readings);
  return readings;
}

/** An absence long enough that the day says nothing of what is usual (an hour's walk through the gate does not). */
function longAbsence(absence: Absence, now: number): boolean {
  return absence.kind !== 'left_estate' || now - absence.since >= AWAY_DAY_MS;
}

function markAway(call: CareCall, at: number): void {
  const days = withAwayDay(call.state.days, at, call.household.utc_offset_min);
  if (!days) return;
  call.state = { ...call.state, days };
  call.dirty = true;
}

function share(value: number | undefined, usual: number | undefined): number | undefined {
  return value === undefined || usual === undefined || usual <= 0 ? undefined : value / usual;
}
