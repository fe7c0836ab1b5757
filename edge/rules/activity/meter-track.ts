import { MS_PER_HOUR, MS_PER_MIN } from './local-time.js';

/**
 * What a rule remembers of one meter between its frames (persisted JSON), and what the next frame
 * adds: the counter's increase, the rate of use, and whether frames came without a gap. A meter's
 * counter only grows; a fall (meter replaced, counter reset) gives no increase for that interval.
 */
export interface MeterTrack {
  /** Event time of the last frame. */
  at: number;
  /** The counter at the last frame: m3 of water, kWh of energy. */
  counter?: number;
  /** The rate the rule judged at the last frame: L/h of water, W of power. */
  rate?: number;
  /** Frames have come without a gap since: the meter has watched the home since then. */
  since: number;
  /** Marked offline by the driver (blind until its next frame; a run breaks only after the silence limit). */
  offline?: true;
}

export interface MeterStep {
  track: MeterTrack;
  /** Counter increase over the interval; undefined after a gap, on the first frame or a reset. */
  counterDelta: number | undefined;
  /** Rate over the interval (from the counter) or at the instant (spot), per `prefer`. */
  rate: number | undefined;
  /** The rate judged at the previous frame, unless a gap the counter did not bridge lies between. */
  previousRate: number | undefined;
  /** The frames have a gap the counter did not bridge: the meter did not watch the interval. */
  gap: boolean;
  /** A gap the counter bridged: the increase is known, not when in the interval it happened. */
  bridged: boolean;
}

export interface MeterSample {
  counter: number | undefined;
  spotRate: number | undefined;
  /** Rate units per counter unit per hour: 1000 for m3 -> L/h and for kWh -> W. */
  counterPerHourToRate: number;
  /** Which rate to judge when the frame gives both. */
  prefer: 'counter' | 'spot';
  /**
   * The counter sees every unit across a gap in the frames: a water counter that has not moved
   * over an hour without frames says no water was used in that hour. Not so for energy: the
   * standby load moves it too, and a kettle's few minutes vanish in an hour's average.
   */
  bridgeGaps: boolean;
}

/** Polls a meter may miss before it counts as silent (no data is not no activity). */
export const SILENT_AFTER_POLLS = 3;
/** A silence shorter than this is never a gap: a slow bus delays polls by minutes. */
export const MIN_SILENCE_MS = 15 * MS_PER_MIN;
/** For a meter that pushes (no poll interval): silent after 30 minutes. */
export const PUSHED_METER_SILENCE_MS = 30 * MS_PER_MIN;

/** How long a meter may stay quiet before its data has a gap. */
export function meterSilenceMs(pollIntervalMs: number | undefined): number {
  if (pollIntervalMs === undefined) return PUSHED_METER_SILENCE_MS;
  return Math.max(SILENT_AFTER_POLLS * pollIntervalMs, MIN_SILENCE_MS);
}

/** Adds a frame at `at` to a meter's track; undefined for a frame not newer than the last one. */
export function stepMeter(previous: MeterTrack | undefined, at: number, sample: MeterSample, silenceMs: number): MeterStep | undefined {
  if (previous && at <= previous.at) return undefined;
  const previousCounter = previous?.counter;
  const increase =
    previousCounter !== undefined && sample.counter !== undefined && sample.counter >= previousCounter ? sample.counter - previousCounter : undefined;
  // A poll or two the driver missed (it marks the meter offline at once) is no break in watching;
  // a silence longer than the meter's silence limit is.
  const silent = !previous || at - previous.at > silenceMs;
  const bridged = silent && sample.bridgeGaps && increase !== undefined;
  const gap = silent && !bridged;
  const interval = previous ? at - previous.at : 0;
  const counterDelta = gap ? undefined : increase;
  const counterRate = counterDelta === undefined ? undefined : (counterDelta * sample.counterPerHourToRate * MS_PER_HOUR) / interval;
  const rate = sample.prefer === 'counter' ? (counterRate ?? sample.spotRate) : (sample.spotRate ?? counterRate);
  const track: MeterTrack = { at, since: gap ? at : (previous?.since ?? at) };
  if (sample.counter !== undefined) track.counter = sample.counter;
  if (rate !== undefined) track.rate = rate;
  return { track, counterDelta, rate, previousRate: gap ? undefined : previous?.rate, gap, bridged };
}
