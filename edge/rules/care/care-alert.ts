import { toWireTime, type AlertSeverity } from '../../../shared/contract/index.js';
import { signalOfDeviceKind } from '../activity/activity-signal.js';
import { MS_PER_MIN } from '../activity/local-time.js';
import { meterSilenceMs } from '../activity/meter-track.js';
import { watchSignals, type SignalWatch } from '../activity/signal-watch.js';
import { flowRate, steadyFlowOf } from '../activity/water-flow.js';
import type { CareCall } from './care-call-context.js';
import type { QuietFacts } from './care-facts.js';
import { quietEvidence } from './care-evidence.js';
import { quietReason } from './care-reasons.js';
import { doorKey, DOOR_MISSED_BEATS, meterKey, type CareCheck, type CareMeterTrack, type DoorWatchState } from './care-state.js';
import { discountedSince } from './discounts.js';
import { doorSuspectedSince } from './door-watch.js';
import type { QuietVerdict } from './quiet-verdict.js';
import { waterCut } from './water-supply.js';

const LITRES_PER_M3 = 1000;

/** Water running unbroken this long is worth naming in a care alert (a tap left on). */
export const RUNNING_WATER_NOTE_MS = 30 * MS_PER_MIN;

/** Which of the household's signals watch it now (activity/signal-watch.ts, from this rule's state). */
export function householdWatches(call: CareCall): SignalWatch[] {
  const { context, household } = call;
  const watches = watchSignals(
    call.unit,
    context.now,
    {
      devices: context.devices,
      meterTrack: (deviceId) => context.state<CareMeterTrack>(meterKey(deviceId)),
      doorOnlineSince: (deviceId) => context.state<DoorWatchState>(doorKey(deviceId))?.online_since ?? 0,
      doorSilentSince: (deviceId) => {
        const door = context.state<DoorWatchState>(doorKey(deviceId));
        if (door?.heartbeat_ms !== undefined && door.heartbeat_at !== undefined) {
          return context.now - door.heartbeat_at > DOOR_MISSED_BEATS * door.heartbeat_ms ? door.heartbeat_at : undefined;
        }
        return doorSuspectedSince(call);
      },
    },
    (signal) => household.signals[signal],
  );
  const cut = waterCut(call);
  if (cut === undefined) return watches;
  return watches.map((watch) => {
    if (watch.signal !== 'water') return watch;
    // A cut that is over: the water meters watch again from its end.
    if (cut.to !== undefined) return watch.watching ? { ...watch, since: Math.max(watch.since, cut.to) } : watch;
    return { ...watch, watching: false, blind: watch.devices.map((device_id) => ({ device_id, state: 'supply_cut' as const, since: cut.from })) };
  });
}

/** The facts of a quiet household for its alert. */
export function quietFacts(
  call: CareCall,
  check: CareCheck,
  verdict: Extract<QuietVerdict, { kind: 'quiet' }>,
  quietSince: number,
  extra: Pick<QuietFacts, 'limit' | 'routine' | 'missedReturn'>,
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
    waterRunning: waterRunning(call),
    discounted: discountedSince(call, quietSince),
    ...extra,
  };
}

/**
 * Raises the household's care alert, or updates the open one (one ticket per incident): a care
 * visit escalates an open "check on" (a decline, a missed return) to major.
 */
export function sayQuiet(call: CareCall, facts: QuietFacts, severity: AlertSeverity = 'major'): void {
  const reason = quietReason(facts);
  const evidence = quietEvidence(facts);
  const eventTime = toWireTime(call.context.now);
  const open = call.context.episode(call.unit);
  if (open && !(severity === 'major' && open.severity !== 'major')) {
    call.changes.push({ action: 'update', subject: call.unit, event_time: eventTime, reason, evidence });
  } else {
    call.changes.push({ action: 'raise', subject: call.unit, category: 'care_visit', severity, event_time: eventTime, reason, evidence });
  }
  call.state = { ...call.state, raised_by: facts.check };
  call.dirty = true;
}

/** Since when (and how fast) water has run steadily on a meter still reporting, if long enough to say. */
function waterRunning(call: CareCall): QuietFacts['waterRunning'] {
  const { context } = call;
  let running: QuietFacts['waterRunning'];
  for (const device of context.devices.about(call.unit)) {
    if (signalOfDeviceKind(device.kind) !== 'water') continue;
    const track = context.state<CareMeterTrack>(meterKey(device.id));
    const since = track?.flowing_since;
    if (!track || since === undefined || context.now - track.at > meterSilenceMs(device.pollIntervalMs)) continue;
    if (context.now - since < RUNNING_WATER_NOTE_MS || (running && running.since <= since)) continue;
    const flow = steadyFlowOf(track.flow);
    running = { since, ...(flow && track.counter !== undefined ? { litresPerMin: flowRate(flow, track.at, track.counter * LITRES_PER_M3) } : {}) };
  }
  return running;
}
