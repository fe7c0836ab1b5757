import type { Availability } from '../../drivers/driver.js';
import { signalOfDeviceKind } from '../activity/activity-signal.js';
import { doorActivity, gateCardUse } from '../activity/event-activity.js';
import type { AlertChange, DeviceInfo, Rule, RuleContext } from '../rule.js';
import { forHousehold } from './care-call.js';
import { doorKey, INACTIVITY_TIMER, meterKey, MORNING_TIMER, parseTimerKey, type CareMeterTrack, type DoorWatchState } from './care-state.js';
import { enrolledHouseholds } from './enrolled-households.js';
import { checkInactivity } from './inactivity-check.js';
import { onMeterFrame } from './meter-sightings.js';
import { checkMorning } from './morning-check.js';
import { see } from './sightings.js';

export const HOUSEHOLD_CARE_RULE_ID = 'household_care';

/**
 * Household care for residents enrolled with consent (shared/contract/rules-config-care.ts): one
 * picture of activity per household from its door, water, electricity and estate-gate card
 * (edge/rules/activity/), and two checks on it, both raising the household's one care_visit
 * episode (major, to the building's housekeeper; the second updates the first's alert):
 * - inactivity: quiet longer than the limit for the time of day (inactivity-check.ts);
 * - morning check: no activity by the usual first activity plus a margin (morning-check.ts).
 * Activity clears the episode; so does a registered away period in force. Neither fires on no
 * data, nor while away, and a registered visit defers them to its end.
 * Running water is not activity once it has started: a resident who falls with a tap running is
 * judged quiet, and the alert says the water has been running (the leak rule, edge/rules/water/,
 * separately reports the flow to facilities as water_leak).
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
          if (call.household.signals.gate) see(call, 'gate', { at: context.now, what: 'gate_card' }, card.direction);
        }),
      );
    },
    onReadings(frame, context) {
      if (frame.subject.kind !== 'unit') return [];
      return forHousehold(context, frame.subject.id, (call) => {
        // A meter back from a silence: judge at once what its data now shows (an inactivity
        // deadline that passed while it was silent is not left to the next recheck).
        if (onMeterFrame(call, frame)) checkInactivity(call);
      });
    },
    onAvailability(device, availability, context) {
      if (device.subject.kind !== 'unit' || !enrolledHouseholds(context.config.care).byUnit.has(device.subject.id)) return [];
      noteAvailability(device, availability, context);
      return [];
    },
    onTimer(key, context) {
      const timer = parseTimerKey(key);
      if (!timer) return [];
      const check = timer.timer === INACTIVITY_TIMER ? checkInactivity : timer.timer === MORNING_TIMER ? checkMorning : undefined;
      return check ? forHousehold(context, timer.unitId, check) : [];
    },
  };
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
    else if (door?.was_offline) context.setState(doorKey(device.id), { online_since: context.now });
  } else if (signal && !availability.online) {
    const track = context.state<CareMeterTrack>(meterKey(device.id));
    if (track) context.setState(meterKey(device.id), { ...track, offline: true });
  }
  return [];
}
