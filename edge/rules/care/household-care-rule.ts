import type { Availability } from '../../drivers/driver.js';
import type { ReadingFrame } from '../../model/device-data.js';
import { signalOfDeviceKind } from '../activity/activity-signal.js';
import { doorActivity, gateCardUse } from '../activity/event-activity.js';
import { NO_ALERT_CHANGES, type AlertChange, type DeviceInfo, type Rule, type RuleContext } from '../rule.js';
import { forHousehold, type CareCall } from './care-call.js';
import { doorKey, householdKey, INACTIVITY_TIMER, meterKey, MORNING_TIMER, parseTimerKey, REVIEW_TIMER, timerKey, type CareMeterTrack, type DoorWatchState } from './care-state.js';
import { nextReview, reviewHousehold } from './decline-check.js';
import { gateCardSeen } from './door-watch.js';
import { enrolledHouseholds } from './enrolled-households.js';
import { checkInactivity } from './inactivity-check.js';
import { onMeterFrame } from './meter-sightings.js';
import { checkMorning } from './morning-check.js';
import { see } from './sightings.js';

export const HOUSEHOLD_CARE_RULE_ID = 'household_care';

/**
 * Household care for residents enrolled with consent (shared/contract/rules-config-care.ts): one
 * picture of activity per household from its door, water, electricity and estate-gate card
 * (edge/rules/activity/), and checks on it, all on the household's one care_visit episode (the
 * later ones update or escalate the first's alert):
 * - inactivity: quiet longer than the limit for the time of day, or the household's own quiet
 *   lengths (inactivity-check.ts), or past a registered return she missed (a minor "check on");
 * - morning check: no activity by the usual first activity of the kind of day plus a margin
 *   (morning-check.ts);
 * - decline, every six hours: much less activity than her own weeks make usual (a minor "check on",
 *   decline-check.ts); and the door controller's health (door-watch.ts: a dead one is reported as a
 *   device_offline on the controller, not as the resident).
 * What counts as activity: a door, water or gate sign; electricity only when the home's own
 * self-starting machines do not explain it (a water heater's reheat, a defrost), and it never
 * clears an alert alone. Running water is flow, not activity, once it runs steadily: a resident who
 * falls with a tap running is judged quiet, and the alert says the water has been running (the leak
 * rule, edge/rules/water/, separately reports the flow to facilities as water_leak). No check fires
 * on no data, nor while away, and a registered visit defers them to its end.
 */
export function createHouseholdCareRule(): Rule {
  return {
    id: HOUSEHOLD_CARE_RULE_ID,
    onEvent(event, context) {
      const door = doorActivity(event);
      if (door !== undefined) {
        return forHousehold(context, event.subject.id, (call) => {
          if (call.household.signals.door) see(call, 'door', { at: context.now, what: door });
        });
      }
      const card = gateCardUse(event);
      if (!card) return [];
      const units = enrolledHouseholds(context.config.care).byCredential.get(card.credentialRef) ?? [];
      return units.flatMap((unitId) =>
        forHousehold(context, unitId, (call) => {
          gateCardSeen(call, context.now);
          if (call.household.signals.gate) see(call, 'gate', { at: context.now, what: 'gate_card' }, card.direction);
        }),
      );
    },
    onReadings(frame, context) {
      if (frame.subject.kind !== 'unit') return NO_ALERT_CHANGES;
      return forHousehold(context, frame.subject.id, meterFrame, frame);
    },
    onAvailability(device, availability, context) {
      if (device.subject.kind !== 'unit' || !enrolledHouseholds(context.config.care).byUnit.has(device.subject.id)) return [];
      noteAvailability(device, availability, context);
      return [];
    },
    onTimer(key, context) {
      const timer = parseTimerKey(key);
      if (!timer) return [];
      const check = timer.timer === INACTIVITY_TIMER ? checkInactivity : timer.timer === MORNING_TIMER ? checkMorning : timer.timer === REVIEW_TIMER ? reviewHousehold : undefined;
      return check ? forHousehold(context, timer.unitId, check) : [];
    },
    onStart(_devices, context) {
      // Households watched before the reviews existed get their review timer (setting it again moves it to the same time).
      for (const household of enrolledHouseholds(context.config.care).byUnit.values()) {
        if (context.state(householdKey(household.unit_id)) !== undefined) context.setTimer(timerKey(REVIEW_TIMER, household.unit_id), nextReview(household, context.now));
      }
      return [];
    },
  };
}

/**
 * A meter's frame. A meter back from a silence: judge at once what its data now shows (an
 * inactivity deadline that passed while it was silent is not left to the next recheck).
 */
function meterFrame(call: CareCall, frame: ReadingFrame): void {
  if (onMeterFrame(call, frame)) checkInactivity(call);
}

/**
 * A meter marked offline starts a new run of frames when it reports again (it did not watch the
 * home meanwhile); a door controller back online watches again from then.
 */
function noteAvailability(device: DeviceInfo, availability: Availability, context: RuleContext): AlertChange[] {
  const signal = signalOfDeviceKind(device.kind);
  if (signal === 'door') {
    const door = context.state<DoorWatchState>(doorKey(device.id));
    if (!availability.online) context.setState(doorKey(device.id), { ...door, was_offline: true });
    else if (door?.was_offline) {
      const { was_offline: _was, ...rest } = door;
      context.setState(doorKey(device.id), { ...rest, online_since: context.now });
    }
  } else if (signal && !availability.online) {
    const track = context.state<CareMeterTrack>(meterKey(device.id));
    if (track) context.setState(meterKey(device.id), { ...track, offline: true });
  }
  return [];
}
