import { toWireTime } from '../../../shared/contract/index.js';
import { signalOfDeviceKind } from '../activity/activity-signal.js';
import { MS_PER_MIN } from '../activity/local-time.js';
import { meterSilenceMs } from '../activity/meter-track.js';
import { watchSignals, type SignalWatch } from '../activity/signal-watch.js';
import type { CareCall } from './care-call.js';
import type { QuietFacts } from './care-facts.js';
import { quietEvidence } from './care-evidence.js';
import { quietReason } from './care-reasons.js';
import { doorKey, meterKey, type CareCheck, type CareMeterTrack, type DoorWatchState } from './care-state.js';
import type { QuietVerdict } from './quiet-verdict.js';

/** Water running unbroken this long is worth naming in a care alert (a tap left on). */
export const RUNNING_WATER_NOTE_MS = 30 * MS_PER_MIN;

/** Which of the household's signals watch it now (activity/signal-watch.ts, from this rule's state). */
export function householdWatches(call: CareCall): SignalWatch[] {
  const { context, household } = call;
  return watchSignals(
    call.unit,
    context.now,
    {
      devices: context.devices,
      meterTrack: (deviceId) => context.state<CareMeterTrack>(meterKey(deviceId)),
      doorOnlineSince: (deviceId) => context.state<DoorWatchState>(doorKey(deviceId))?.online_since ?? 0,
    },
    (signal) => household.signals[signal],
  );
}

/** The facts of a quiet household for its alert. */
export function quietFacts(
  call: CareCall,
  check: CareCheck,
  verdict: Extract<QuietVerdict, { kind: 'quiet' }>,
  quietSince: number,
  extra: Pick<QuietFacts, 'limit' | 'routine'>,
): QuietFacts {
  const { context, household } = call;
  return {
    check,
    unitId: call.unit.id,
    livesAlone: household.lives_alone,
    utcOffsetMin: household.utc_offset_min,
    now: context.now,
    quietSince,
    last: call.state.activity.last,
    decidedOn: verdict.decidedOn,
    blind: verdict.blind,
    waterRunningSince: waterRunningSince(call),
    ...extra,
  };
}

/** Raises the household's care alert, or updates the open one (one ticket per incident). */
export function sayQuiet(call: CareCall, facts: QuietFacts): void {
  const reason = quietReason(facts);
  const evidence = quietEvidence(facts);
  const eventTime = toWireTime(call.context.now);
  if (call.context.episode(call.unit)) {
    call.changes.push({ action: 'update', subject: call.unit, event_time: eventTime, reason, evidence });
  } else {
    call.changes.push({ action: 'raise', subject: call.unit, category: 'care_visit', severity: 'major', event_time: eventTime, reason, evidence });
  }
  call.state = { ...call.state, raised_by: facts.check };
  call.dirty = true;
}

/** Since when water has run without a break on a meter still reporting, if long enough to say. */
function waterRunningSince(call: CareCall): number | undefined {
  const { context } = call;
  let since: number | undefined;
  for (const device of context.devices.about(call.unit)) {
    if (signalOfDeviceKind(device.kind) !== 'water') continue;
    const track = context.state<CareMeterTrack>(meterKey(device.id));
    const running = track?.flowing_since;
    if (!track || running === undefined || context.now - track.at > meterSilenceMs(device.pollIntervalMs)) continue;
    if (context.now - running >= RUNNING_WATER_NOTE_MS && (since === undefined || running < since)) since = running;
  }
  return since;
}
