import type { MeterStep } from './meter-track.js';

/**
 * Activity in a meter's frames is a change, never a level: the start of water use, a switch-on.
 * A tap left running or a heater left on is one sighting when it starts, not a stream of them,
 * so a resident who falls with the tap running is not "seen" for hours (ThingsBoard #12771).
 * A change needs a known rate before it: after a gap in the data, a heater found on is not
 * a switch-on (it may have been on all along).
 */

/**
 * A rise in water use on top of running water is new use (a flush over a dripping cistern) when it
 * adds at least this much: 60 L/h is 5 L in a 5-minute poll.
 */
export const WATER_STEP_L_PER_H = 60;
/** ...and at least this share of the flow already running, so the wobble of a running tap is not use. */
export const WATER_STEP_RATIO = 0.5;
/** A switch-on above the standby level is new use when it adds at least this (a kettle, not a fridge). */
export const POWER_STEP_W = 500;

export interface MeterUse {
  /** Using now (water flowing; power above standby), or undefined when the frame cannot tell. */
  using: boolean | undefined;
  /** Use started (or stepped up) in this interval: activity. */
  onset: boolean;
}

/** Water use from a frame step (rate L/h; flow m3/h if the meter measures it). */
export function waterUse(step: MeterStep, flowM3h: number | undefined): MeterUse {
  const flowing = (step.counterDelta !== undefined && step.counterDelta > 0) || (flowM3h !== undefined && flowM3h > 0);
  const known = step.counterDelta !== undefined || flowM3h !== undefined;
  if (!known) return { using: undefined, onset: false };
  const rate = step.rate ?? 0;
  const previous = step.previousRate;
  const onset = flowing && previous !== undefined && (previous <= 0 || rate - previous >= Math.max(WATER_STEP_L_PER_H, previous * WATER_STEP_RATIO));
  return { using: flowing, onset };
}

/** Electricity use from a frame step (rate W) against the household's standby level. */
export function powerUse(step: MeterStep, standbyW: number): MeterUse {
  if (step.rate === undefined) return { using: undefined, onset: false };
  const using = step.rate > standbyW;
  const previous = step.previousRate;
  const onset = using && previous !== undefined && (previous <= standbyW || step.rate - previous >= POWER_STEP_W);
  return { using, onset };
}
