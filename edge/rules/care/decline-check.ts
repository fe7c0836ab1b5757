import { toWireTime } from '../../../shared/contract/index.js';
import type { CareHousehold } from '../../../shared/contract/rules-config-care.js';
import { clockMinutes, localDayNumber, localMidnight, MS_PER_DAY, MS_PER_HOUR } from '../activity/local-time.js';
import { absenceAt } from './absence.js';
import { compareActivity, withAwayDay } from './activity-days.js';
import { householdWatches } from './care-alert.js';
import type { CareCall } from './care-call-context.js';
import { meterKey, REVIEW_TIMER, timerKey, type CareMeterTrack } from './care-state.js';
import { declineOverReason, declineReason } from './decline-reasons.js';
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
 * with what the household's own last weeks make usual for the same hours (activity-days.ts): at
 * home (seen in the last 8 h, nobody at the door for 24 h, no absence), active in at most
 * decline.share of the usual half-hours, is a gentler "check on" visit (care_visit, minor), which
 * the inactivity and morning checks escalate if she goes quiet. It clears when her activity is back
 * to three quarters of usual or someone comes to the door, not on a single flush.
 */
function reviewDecline(call: CareCall): void {
  const { context, household, unit } = call;
  if (!household.decline.enabled) return;
  if (absenceAt(household, call.state.activity, context.now)) {
    const days = withAwayDay(call.state.days, context.now, household.utc_offset_min);
    if (days) {
      call.state = { ...call.state, days };
      call.dirty = true;
    }
    return;
  }
  const compared = compareActivity(call.state.days, context.now, WINDOW_MS, household.utc_offset_min);
  const lastDoor = call.state.activity.last.door?.at;
  const doorUsed = lastDoor !== undefined && context.now - lastDoor < WINDOW_MS;
  const episode = context.episode(unit);
  if (episode) {
    if (call.state.raised_by !== 'decline' || !(doorUsed || compared.seen >= RECOVERED_SHARE * compared.usual)) return;
    call.changes.push({ action: 'clear', subject: unit, event_time: toWireTime(context.now), reason: declineOverReason(unit.id, doorUsed), evidence: { cleared_by: doorUsed ? 'door' : 'activity_recovered', active_half_hours_24h: compared.seen } });
    call.state = { ...call.state, raised_by: undefined };
    call.dirty = true;
    return;
  }
  const latest = call.state.activity.latest?.at;
  if (compared.historyDays < household.decline.min_history_days || compared.awayInWindow || doorUsed) return;
  // Less seen because a meter did not watch, or a gap hid when its use fell, is no data, not a decline.
  if (householdWatches(call).some((watch) => watch.signal !== 'gate' && (!watch.watching || watch.blind.length > 0 || watch.since > context.now - WINDOW_MS))) return;
  if (context.devices.about(unit).some((device) => (context.state<CareMeterTrack>(meterKey(device.id))?.broken_at ?? 0) > context.now - WINDOW_MS)) return;
  if (latest === undefined || context.now - latest > SEEN_WITHIN_MS || compared.usual < MIN_USUAL_HALF_HOURS) return;
  if (compared.seen < MIN_SEEN_HALF_HOURS || compared.seen > household.decline.share * compared.usual) return;
  const facts = { unitId: unit.id, livesAlone: household.lives_alone, seen: compared.seen, usual: compared.usual, historyDays: compared.historyDays, lastDoor, utcOffsetMin: household.utc_offset_min, now: context.now };
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
      active_half_hours_24h: compared.seen,
      usual_half_hours_24h: Math.round(compared.usual * 10) / 10,
      history_days: compared.historyDays,
      last_door: lastDoor === undefined ? null : toWireTime(lastDoor),
    },
  });
  call.state = { ...call.state, raised_by: 'decline' };
  call.dirty = true;
}
