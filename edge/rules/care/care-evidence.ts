import type { Evidence } from '../../../shared/contract/index.js';
import { toWireTime } from '../../../shared/contract/index.js';
import { ACTIVITY_SIGNALS } from '../activity/activity-signal.js';
import { formatLocal, formatMinutes, MS_PER_HOUR } from '../activity/local-time.js';
import type { QuietFacts } from './care-facts.js';

/**
 * The evidence summary of a care alert: the values behind the decision, no raw signals (shared/contract/README.md,
 * Privacy). Times are wire times; a housekeeper reads them in the reason.
 */
export function quietEvidence(facts: QuietFacts): Evidence {
  const evidence: Evidence = {
    check: facts.check,
    lives_alone: facts.livesAlone,
    inactive_since: toWireTime(facts.quietSince),
    quiet_h: round1((facts.now - facts.quietSince) / MS_PER_HOUR),
    decided_on: facts.decidedOn.join(','),
  };
  for (const signal of ACTIVITY_SIGNALS) {
    const sighting = facts.last[signal];
    evidence[`last_${signal}`] = sighting ? toWireTime(sighting.at) : null;
  }
  const blind = facts.blind.flatMap((watch) => watch.blind.map((device) => `${device.device_id}:${device.state}`));
  if (blind.length > 0) evidence.no_data_from = blind.join(',').slice(0, 200);
  if (facts.waterRunning) {
    evidence.water_running_since = toWireTime(facts.waterRunning.since);
    if (facts.waterRunning.litresPerMin !== undefined) evidence.water_running_l_per_min = round1(facts.waterRunning.litresPerMin);
  }
  if (facts.discounted.length > 0) {
    const counts = new Map<string, number>();
    for (const item of facts.discounted) counts.set(`${item.watts}W ${item.why}`, (counts.get(`${item.watts}W ${item.why}`) ?? 0) + 1);
    evidence.not_counted = [...counts].map(([load, count]) => `${load} x${count}`).join(', ').slice(0, 200);
  }
  if (facts.limit) {
    evidence.limit_h = round1(facts.limit.hours);
    evidence.limit_window = facts.limit.window;
    if (facts.limit.heldTo !== undefined) evidence.waited_for_morning_check = formatLocal(facts.limit.heldTo, facts.utcOffsetMin);
    if (facts.limit.learned) evidence.limit_basis = facts.limit.learned;
    if (facts.limit.cutAtEvening) evidence.limit_cut_at = 'end_of_day';
  }
  if (facts.missedReturn) {
    evidence.registered_return = toWireTime(facts.missedReturn.end);
    evidence.away_reason = facts.missedReturn.period.reason;
  }
  if (facts.routine) {
    evidence.baseline = facts.routine.learned ? 'learned' : 'default';
    evidence.history_days = facts.routine.days;
    evidence.usual_first_from = formatMinutes(facts.routine.usualFrom);
    evidence.usual_first_to = formatMinutes(facts.routine.usualTo);
    evidence.usual_first_signal = facts.routine.signal ?? null;
    evidence.checked_at = formatMinutes(facts.routine.checkAt);
    if (facts.routine.kind !== 'any') evidence.usual_kind = facts.routine.kind;
    if (facts.routine.signGapMin !== undefined) evidence.morning_sign_gap_min = facts.routine.signGapMin;
  }
  return evidence;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
