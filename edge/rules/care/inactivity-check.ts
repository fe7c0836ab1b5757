import { MS_PER_HOUR, MS_PER_MIN } from '../activity/local-time.js';
import { absenceAt } from './absence.js';
import { householdWatches, quietFacts, sayQuiet } from './care-alert.js';
import type { CareCall } from './care-call.js';
import { INACTIVITY_TIMER, quietStart, timerKey } from './care-state.js';
import { inactivityDeadline } from './inactivity-limit.js';
import { judgeQuiet } from './quiet-verdict.js';
import { visitAt } from './visits.js';

/** While no signal can decide (meters offline), look again this often. */
export const NO_DATA_RECHECK_MS = 15 * MS_PER_MIN;

/**
 * The inactivity timer came due: the household has been quiet since its last activity for the
 * limit of the time of day (inactivity-limit.ts). Decide in this order:
 * - a stale timer (activity moved the deadline) is set again;
 * - an alert this check raised is already open: nothing more to say;
 * - away (registered, not back yet, left through the gate): no alert; a registered period is
 *   looked at again when it ends, the others wait for activity (which re-arms the timer);
 * - a registered visit is on: look again when it ends;
 * - no signal watched the quiet (no data is not no activity): look again later; some signals
 *   came back only lately: wait until they have watched for the limit;
 * - otherwise raise care_visit (or update the morning check's alert) with the evidence.
 */
export function checkInactivity(call: CareCall): void {
  const { context, household, unit } = call;
  const timer = timerKey(INACTIVITY_TIMER, unit.id);
  const since = quietStart(call.state);
  const deadline = inactivityDeadline(household, call.state.firsts, since);
  if (context.now < deadline.at) return context.setTimer(timer, deadline.at);
  if (context.episode(unit) && call.state.raised_by === 'inactivity') return;

  const absence = absenceAt(household, call.state.activity, context.now);
  if (absence) {
    if (absence.kind === 'away_period') context.setTimer(timer, absence.until);
    return;
  }
  const visit = visitAt(household, context.now);
  if (visit) return context.setTimer(timer, visit.end);

  const verdict = judgeQuiet(householdWatches(call), since, deadline.limitMs, context.now);
  if (verdict.kind === 'no_data') return context.setTimer(timer, context.now + NO_DATA_RECHECK_MS);
  if (verdict.kind === 'wait') return context.setTimer(timer, verdict.until);
  sayQuiet(call, quietFacts(call, 'inactivity', verdict, since, { limit: { hours: deadline.limitMs / MS_PER_HOUR, window: deadline.window, heldTo: deadline.heldToMorning ? deadline.at : undefined } }));
}
