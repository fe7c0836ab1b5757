import { toWireTime } from '../../../shared/contract/index.js';
import { signalOfDeviceKind, type ActivitySignal, type Sighting } from '../activity/activity-signal.js';
import { heldUntil } from '../activity/held-load.js';
import type { GateDirection } from '../activity/event-activity.js';
import { recordSighting } from '../activity/household-activity.js';
import { clockMinutes, localDayNumber, localMidnight, MS_PER_MIN } from '../activity/local-time.js';
import { absenceAt, awayPeriodOverlaps, type Absence } from './absence.js';
import { AWAY_DAY_MS, withActiveSlot, withAwayDay } from './activity-days.js';
import { householdWatches } from './care-alert.js';
import type { CareCall } from './care-call-context.js';
import { activityReturnedReason } from './care-reasons.js';
import { GOT_UP_WITHIN_MS, INACTIVITY_TIMER, MAX_FIRSTS_KEPT, NIGHT_UP_SIGNS, meterKey, quietStart, timerKey, type CareMeterTrack, type DayStart } from './care-state.js';
import { DAY_AWAY_MS } from './door-health.js';
import { doorEventSeen, quietEndedByWater } from './door-watch.js';
import { inactivityDeadline, startsDaytime } from './inactivity-limit.js';
import { EARLY_RISING_SLACK_MIN, morningDay, morningRoutine } from './morning-routine.js';
import { withQuietSpan } from './quiet-lengths.js';
import { visitAt } from './visits.js';

/** A gap to the next sign longer than this says nothing more about the morning. */
const MAX_SIGN_GAP_MIN = 6 * 60;

/**
 * Activity seen in the household. What counts as the resident's:
 * - a door event inside a registered visit window is the carer's: it is kept (last door) but does
 *   not restart the quiet clock, clear an alert or mark her up;
 * - while she is away (a registered period, not back from one, out through the estate gate) only
 *   the door and the gate are news of her: the water heater and the washing machine are not;
 * - electricity counts only when the home's own machines do not explain it (meter-sightings.ts),
 *   and alone it never clears an alert.
 * A sighting that counts becomes "last seen active", re-arms the inactivity timer, may mark the
 * resident up for the day, and clears an open care alert when it is a door, water or gate sign
 * (only the door, for a missed return; a decline clears when activity recovers, decline-check.ts).
 */
export function see(call: CareCall, signal: ActivitySignal, sighting: Sighting, gateDirection?: GateDirection): void {
  const { context, household, unit } = call;
  const absentBefore = absenceAt(household, call.state.activity, sighting.at);
  const doorWatching = (call.state.activity.gate_out_at === undefined && absentBefore === undefined) || doorWatches(call);
  const byVisitor = signal === 'door' && visitAt(household, sighting.at) !== undefined;
  // While she is away only the door and the gate are news of her, unless the door is not watched.
  const counts = !byVisitor && (absentBefore === undefined || signal === 'door' || signal === 'gate' || (absentBefore.kind !== 'away_period' && !doorWatching));
  if (counts && signal !== 'electricity') confirmHeldLoads(call, sighting.at);
  const quietFrom = quietStart(call.state);
  const openedWithDoor = call.state.activity.latest?.signal === 'door';
  if (signal === 'door') doorEventSeen(call, sighting.at);
  const recorded = recordSighting(call.state.activity, signal, sighting, { ...(gateDirection ? { gateDirection } : {}), doorWatching, counts });
  call.state = { ...call.state, activity: recorded.activity, ...(signal === 'electricity' && counts ? { switch_ons: (call.state.switch_ons ?? 0) + 1 } : {}) };
  call.dirty = true;
  if (absentBefore && (absentBefore.kind !== 'left_estate' || sighting.at - absentBefore.since >= AWAY_DAY_MS)) markAwayDay(call, sighting.at);
  if (!recorded.newest) return;

  noteQuiet(call, quietFrom, sighting.at, openedWithDoor, absentBefore);
  // Only a quiet of a day away or more can be one (door-health.ts withQuietEnded); most sightings end a short one.
  if (signal === 'water' && Number.isFinite(quietFrom) && sighting.at - quietFrom >= DAY_AWAY_MS) quietEndedByWater(call, Math.max(quietFrom, meterWatchedSince(call)), sighting.at);
  const days = withActiveSlot(call.state.days, sighting.at, household.utc_offset_min);
  if (days) call.state = { ...call.state, days };
  noteFirstOfDay(call, signal, sighting.at, absentBefore !== undefined);
  context.setTimer(timerKey(INACTIVITY_TIMER, unit.id), inactivityDeadline(household, call.state, sighting.at).at);
  if (context.episode(unit) && clears(call, signal)) {
    call.changes.push({
      action: 'clear',
      subject: unit,
      event_time: toWireTime(sighting.at),
      reason: activityReturnedReason(unit.id, sighting.what, sighting.at, household.utc_offset_min),
      evidence: { cleared_by: signal, activity: sighting.what, activity_at: toWireTime(sighting.at) },
    });
    call.state = { ...call.state, raised_by: undefined };
  }
}

/**
 * Since when one of her meters (water, electricity) has watched without a break, and with no gap
 * its counter bridged (when in it the use fell is unknown): a quiet is no longer than what one of
 * them watched of it (no data is not no activity).
 */
function meterWatchedSince(call: CareCall): number {
  const broken = (id: string) => call.context.state<CareMeterTrack>(meterKey(id))?.broken_at ?? Number.NEGATIVE_INFINITY;
  const meters = householdWatches(call).filter((watch) => watch.watching && (watch.signal === 'water' || watch.signal === 'electricity'));
  return Math.min(Number.POSITIVE_INFINITY, ...meters.map((watch) => Math.max(watch.since, ...watch.devices.map(broken))));
}

function doorWatches(call: CareCall): boolean {
  return householdWatches(call).some((watch) => watch.signal === 'door' && watch.watching);
}

/** Does this sign of her clear the open care alert? */
function clears(call: CareCall, signal: ActivitySignal): boolean {
  switch (call.state.raised_by) {
    case 'decline':
      return false;
    case 'not_back':
      return signal === 'door';
    default:
      return signal !== 'electricity';
  }
}

/** A daytime quiet of two hours or more joins the household's quiet lengths (quiet-lengths.ts). */
function noteQuiet(call: CareCall, quietFrom: number, at: number, openedWithDoor: boolean, absent: Absence | undefined): void {
  // Out through the estate gate is still one of her outings; a registered absence is not a day's quiet.
  if ((absent && absent.kind !== 'left_estate') || !Number.isFinite(quietFrom) || quietFrom <= call.state.watch_start) return;
  const offset = call.household.utc_offset_min;
  const dayTo = localMidnight(localDayNumber(quietFrom, offset), offset, clockMinutes(call.household.inactivity.day_to));
  if (!startsDaytime(call.household, call.state, quietFrom) || at > dayTo) return;
  const spans = withQuietSpan(call.state.quiet_spans, { from: quietFrom, minutes: Math.round((at - quietFrom) / MS_PER_MIN), door: openedWithDoor });
  if (spans) call.state = { ...call.state, quiet_spans: spans };
}

function markAwayDay(call: CareCall, at: number): void {
  const days = withAwayDay(call.state.days, at, call.household.utc_offset_min);
  if (days) call.state = { ...call.state, days };
}

/**
 * The day's getting up (care-state.ts DayStart) joins the routine history unless the day says
 * nothing of the routine: the household was away (or this is the return), a registered absence
 * touched the morning, or watching began after the day did. Switch-ons the home's machines explain
 * never reach here (meter-sightings.ts), so a water heater's reheat at 05:52 is not getting up.
 */
function noteFirstOfDay(call: CareCall, signal: ActivitySignal, at: number, returning: boolean): void {
  const { household } = call;
  const offset = household.utc_offset_min;
  const day = morningDay(household, at);
  let today: DayStart = call.state.today?.day === day ? call.state.today : { day };
  if (today.up?.fromNight && (today.up.signs ?? 0) < NIGHT_UP_SIGNS && at > today.up.at) {
    const signals = today.up.signals?.includes(signal) ? today.up.signals : [...(today.up.signals ?? []), signal];
    today = { ...today, up: { ...today.up, signs: (today.up.signs ?? 0) + 1, signals } };
    call.state = { ...call.state, today };
  }
  if (today.up) return noteSecondSign(call, today, at);
  const midnight = localMidnight(day, offset);
  const dayStart = localMidnight(day, offset, clockMinutes(household.morning_check.day_starts_at));
  const excluded = returning || call.state.watch_start > dayStart || awayPeriodOverlaps(household, dayStart, at);
  const candidate = today.candidate;
  const usualFrom = morningRoutine(household, call.state.firsts, day).usualFrom;
  let up: { at: number; signal: ActivitySignal; excluded: boolean; fromNight?: true } | undefined;
  if (candidate && at - candidate.at <= GOT_UP_WITHIN_MS) up = { ...candidate, fromNight: true };
  else if (at >= midnight + (usualFrom - EARLY_RISING_SLACK_MIN) * MS_PER_MIN) up = { at, signal, excluded };
  if (!up) {
    call.state = { ...call.state, today: { day, candidate: { at, signal, excluded } } };
    return;
  }
  call.state = { ...call.state, today: { day, up: { at: up.at, signal: up.signal, ...(up.fromNight ? { fromNight: true as const, signs: 2, signals: [...new Set([up.signal, signal])] } : {}) } } };
  if (up.excluded) return;
  // minutes after the local midnight the day is named by (up at 01:00 the next night is 1500)
  const minute = Math.floor((up.at - midnight) / MS_PER_MIN);
  call.state = { ...call.state, firsts: [...call.state.firsts, { day, minute, signal: up.signal }].slice(-MAX_FIRSTS_KEPT) };
}

/** Her next sign after getting up: how long after it came joins the day's entry of the routine. */
function noteSecondSign(call: CareCall, today: DayStart, at: number): void {
  const up = today.up;
  const last = call.state.firsts.at(-1);
  if (!up || today.second || at <= up.at) return;
  call.state = { ...call.state, today: { ...today, second: true } };
  if (last?.day !== today.day || last.gap !== undefined) return;
  const gap = Math.min(MAX_SIGN_GAP_MIN, Math.round((at - up.at) / MS_PER_MIN));
  call.state = { ...call.state, firsts: [...call.state.firsts.slice(0, -1), { ...last, gap }] };
}

/**
 * A sign of her (door, water, gate) confirms a switch-on held to be judged by what follows it
 * (activity/held-load.ts): it counts, from when it came on, before this sign.
 */
function confirmHeldLoads(call: CareCall, at: number): void {
  const { context } = call;
  for (const device of context.devices.about(call.unit)) {
    if (signalOfDeviceKind(device.kind) !== 'electricity') continue;
    const key = meterKey(device.id);
    const track = context.state<CareMeterTrack>(key);
    const held = track?.held;
    if (!track || !held || at < held.at || at > heldUntil(held)) continue;
    const { held: _held, ...rest } = track;
    context.setState(key, rest);
    see(call, 'electricity', { at: held.at, what: 'power_on' });
  }
}
