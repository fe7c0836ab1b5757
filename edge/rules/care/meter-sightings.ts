import type { ReadingFrame } from '../../model/device-data.js';
import { electricityMeterSample, electricitySample, waterMeterSample, waterSample } from '../activity/meter-points.js';
import { powerUse, waterUse } from '../activity/meter-activity.js';
import { meterSilenceMs, stepMeter } from '../activity/meter-track.js';
import type { CareCall } from './care-call.js';
import { meterKey, type CareMeterTrack } from './care-state.js';
import { see } from './sightings.js';

/**
 * A household meter's frame: the start of water use or a switch-on above standby is activity; a
 * frame that repeats the level is not. Water remembers since when it has run without a break (for
 * the evidence of a tap left on). Returns true when the frame ends a silence of the meter: its
 * data may now show a quiet the inactivity check could not judge before.
 */
export function onMeterFrame(call: CareCall, frame: ReadingFrame): boolean {
  const { context, household } = call;
  const silenceMs = meterSilenceMs(context.devices.get(frame.device_id)?.pollIntervalMs);
  const key = meterKey(frame.device_id);
  const previous = context.state<CareMeterTrack>(key);
  const water = waterSample(frame);
  if (water) {
    if (!household.signals.water) return false;
    const step = stepMeter(previous, context.now, waterMeterSample(water), silenceMs);
    if (!step) return false;
    const use = waterUse(step, water.flowM3h);
    const track: CareMeterTrack = step.track;
    if (use.using) track.flowing_since = step.gap || step.bridged ? context.now : (previous?.flowing_since ?? context.now);
    context.setState(key, track);
    if (use.onset) see(call, 'water', { at: context.now, what: 'water_use' });
    return step.gap || step.bridged;
  }
  const electricity = household.signals.electricity ? electricitySample(frame) : undefined;
  if (!electricity) return false;
  const step = stepMeter(previous, context.now, electricityMeterSample(electricity), silenceMs);
  if (!step) return false;
  context.setState(key, step.track);
  if (powerUse(step, household.standby_power_w).onset) see(call, 'electricity', { at: context.now, what: 'power_on' });
  return step.gap;
}
