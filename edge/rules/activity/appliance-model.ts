import { localMinuteOfDay, MIN_PER_DAY, MS_PER_DAY, MS_PER_MIN } from './local-time.js';

/**
 * The loads of one home that switch themselves on, learned from its electricity meter: an electric
 * water heater reheating on its thermostat (2 kW, a few minutes, every few hours, day and night),
 * a frost-free fridge's defrost heater (about 380 W, daily), a water heater on the night-tariff
 * timer (switching on at 23:00), a room heater's thermostat. Each passes any switch-on threshold
 * and would count as someone up and about; so a switch-on (a step up of the power between two
 * readings) is matched to the home's loads by its size, and discounted when the load is known to
 * run by itself:
 * - automatic: it has switched on in the household's sleep hours, with no door, water or gate
 *   sign in the half hour before, on at least AUTOMATIC_AFTER_NIGHTS nights of the last four weeks;
 * - timed: most of its recent switch-ons fell within minutes of the same clock time;
 * - cycling: it comes back on within CYCLE_WITHIN_MS of switching off, nothing else seen between
 *   (a thermostat, not a hand);
 * - night: any switch-on in the sleep hours with nobody seen around it, learned or not yet.
 * A step of a person's kettle that happens to match a learned heater is discounted too: the kettle
 * comes with water and the door, which still count; the opposite mistake would hide a fall.
 */
export interface LearnedLoad {
  /** Size of the step, W (running mean). */
  w: number;
  /** Switch-ons seen (capped: the mean follows a drifting load). */
  n: number;
  /** Local day numbers of nights it switched on unattended in the sleep hours (most recent last). */
  nights: number[];
  /** Times of its last switch-ons (epoch ms, most recent last). */
  recent: number[];
  /** Its last switch-off, epoch ms. */
  off?: number;
}

export interface ApplianceModel {
  loads: LearnedLoad[];
}

export type DiscountReason = 'automatic' | 'timed' | 'cycling' | 'night';

export interface SwitchOn {
  at: number;
  /** Size of the step up, W. */
  watts: number;
  utcOffsetMin: number;
  /** In the household's sleep hours. */
  sleeping: boolean;
  /** The household's latest door, water or gate sign before it (epoch ms). */
  lastSignAt: number | undefined;
}

export const MAX_LOADS = 8;
export const AUTOMATIC_AFTER_NIGHTS = 3;
const NIGHTS_KEPT = 6;
const RECENT_KEPT = 7;
const NIGHT_MEMORY_MS = 28 * MS_PER_DAY;
/** A sign this close before a switch-on makes it attended (someone may have switched it on). */
export const ATTENDED_WITHIN_MS = 30 * MS_PER_MIN;
export const CYCLE_WITHIN_MS = 45 * MS_PER_MIN;
const TIMED_WITHIN_MIN = 10;
const TIMED_AFTER = 4;
const TIMED_MEMORY_MS = 10 * MS_PER_DAY;
const MATCH_W = 40;
const MATCH_SHARE = 0.15;
const MEAN_OVER = 20;

/** Judges a switch-on (discounted, and why) and learns from it. */
export function judgeSwitchOn(model: ApplianceModel | undefined, on: SwitchOn): { model: ApplianceModel; discount: DiscountReason | undefined } {
  const loads = model?.loads ?? [];
  const index = matching(loads, on.watts);
  const load = index >= 0 ? loads[index] : undefined;
  const unattended = on.lastSignAt === undefined || on.at - on.lastSignAt > ATTENDED_WITHIN_MS;
  const discount = load ? reasonFor(load, on) : undefined;
  const night = on.sleeping && unattended ? nightNumber(on) : undefined;
  let next: LearnedLoad;
  if (load) {
    const n = Math.min(load.n + 1, MEAN_OVER);
    next = { ...load, w: load.w + (on.watts - load.w) / n, n, recent: [...load.recent, on.at].slice(-RECENT_KEPT) };
    if (night !== undefined && !load.nights.includes(night)) next.nights = [...load.nights, night].slice(-NIGHTS_KEPT);
  } else {
    next = { w: on.watts, n: 1, nights: night === undefined ? [] : [night], recent: [on.at] };
  }
  const rest = load ? loads.filter((_, i) => i !== index) : evictStalest(loads);
  return { model: { loads: [...rest, next] }, discount: discount ?? (on.sleeping && unattended ? 'night' : undefined) };
}

/** A step down: the matching load switched off (for the cycling test). */
export function noteSwitchOff(model: ApplianceModel | undefined, at: number, watts: number): ApplianceModel | undefined {
  const loads = model?.loads;
  if (!loads) return model;
  const index = matching(loads, watts);
  if (index < 0) return model;
  return { loads: loads.map((load, i) => (i === index ? { ...load, off: at } : load)) };
}

/** The loads learned to run by themselves, for evidence ("2000 W, 380 W"). */
export function automaticLoads(model: ApplianceModel | undefined, now: number): LearnedLoad[] {
  return (model?.loads ?? []).filter((load) => isAutomatic(load, now));
}

function reasonFor(load: LearnedLoad, on: SwitchOn): DiscountReason | undefined {
  if (isAutomatic(load, on.at)) return 'automatic';
  if (isTimed(load, on)) return 'timed';
  if (load.off !== undefined && on.at - load.off <= CYCLE_WITHIN_MS && (on.lastSignAt === undefined || on.lastSignAt < load.off)) return 'cycling';
  return undefined;
}

function isAutomatic(load: LearnedLoad, now: number): boolean {
  const since = Math.floor((now - NIGHT_MEMORY_MS) / MS_PER_DAY);
  return load.nights.filter((night) => night >= since).length >= AUTOMATIC_AFTER_NIGHTS;
}

function isTimed(load: LearnedLoad, on: SwitchOn): boolean {
  const minute = localMinuteOfDay(on.at, on.utcOffsetMin);
  const near = load.recent.filter((at) => {
    if (on.at - at > TIMED_MEMORY_MS) return false;
    const apart = Math.abs(localMinuteOfDay(at, on.utcOffsetMin) - minute);
    return Math.min(apart, MIN_PER_DAY - apart) <= TIMED_WITHIN_MIN;
  });
  return near.length >= TIMED_AFTER;
}

function matching(loads: readonly LearnedLoad[], watts: number): number {
  let best = -1;
  let bestApart = Number.POSITIVE_INFINITY;
  loads.forEach((load, index) => {
    const apart = Math.abs(load.w - watts);
    if (apart <= Math.max(MATCH_W, MATCH_SHARE * load.w) && apart < bestApart) {
      best = index;
      bestApart = apart;
    }
  });
  return best;
}

function evictStalest(loads: readonly LearnedLoad[]): LearnedLoad[] {
  if (loads.length < MAX_LOADS) return [...loads];
  let stalest = 0;
  loads.forEach((load, index) => {
    if ((load.recent.at(-1) ?? 0) < (loads[stalest]!.recent.at(-1) ?? 0)) stalest = index;
  });
  return loads.filter((_, index) => index !== stalest);
}

/** Nights are numbered by the local day they end on (a 02:00 reheat belongs to that morning). */
function nightNumber(on: SwitchOn): number {
  return Math.floor((on.at + on.utcOffsetMin * MS_PER_MIN + 12 * 60 * MS_PER_MIN) / MS_PER_DAY);
}
