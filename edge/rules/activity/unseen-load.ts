import { MS_PER_HOUR } from './local-time.js';

/**
 * A load that ran between two power readings. A meter read every five minutes samples the power at
 * an instant: a kettle of three minutes (1.5-2.2 kW), a microwave, a hair dryer fall between two
 * samples as often as not, and the morning's kettle is then the one sign of her that the power
 * shows. The energy register (DL/T 645 and SDM120 count 0.01 kWh) does not miss them: energy
 * over the interval well above what either sample's power would use is a load that came and went
 * in between. It is told only when the later sample shows no switch-on of its own (else the energy
 * belongs to that load, judged as its switch-on); a load that went off in the interval (a fridge's
 * defrost ending while the kettle boiled) ran at most at the earlier sample's level, above which
 * the rest is counted. It is sized by its energy (Wh): a water heater's short standing-loss reheat
 * of a few minutes is the same kind of thing, which the appliance model learns like any switch-on
 * (activity/appliance-model.ts), by its energy in place of its power.
 */
export interface UnseenLoad {
  /** Its energy (Wh) beyond what the samples account for, and the mean power that makes over the interval (W). */
  wh: number;
  watts: number;
}

/** Energy beyond the samples' worth this many watts over the interval is a load: a 1.5 kW kettle for two of five minutes. */
export const UNSEEN_MIN_W = 600;
/** Intervals longer than this (missed polls) blur too much. */
const MAX_INTERVAL_MS = 12 * 60_000;
/** The later sample this much above the earlier one is a switch-on of its own (a load came in the interval). */
const SWITCHED_ON_W = 200;

export function unseenLoad(energyKwh: number | undefined, intervalMs: number, beforeW: number | undefined, afterW: number): UnseenLoad | undefined {
  if (energyKwh === undefined || beforeW === undefined || intervalMs <= 0 || intervalMs > MAX_INTERVAL_MS) return undefined;
  if (afterW - beforeW >= SWITCHED_ON_W) return undefined;
  const meanW = (energyKwh * 1000 * MS_PER_HOUR) / intervalMs;
  const beyondW = meanW - Math.max(beforeW, afterW);
  if (beyondW < UNSEEN_MIN_W) return undefined;
  return { wh: (beyondW * intervalMs) / MS_PER_HOUR, watts: beyondW };
}
