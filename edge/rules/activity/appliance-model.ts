import { localMinuteOfDay, MIN_PER_DAY, MS_PER_DAY, MS_PER_HOUR, MS_PER_MIN } from './local-time.js';

/**
 * The loads of one home that switch themselves on, learned from its electricity meter: an electric
 * water heater reheating on its thermostat (2 kW, a few minutes, every few hours, day and night),
 * a frost-free fridge's defrost heater (about 380 W, daily), a water heater on the night-tariff
 * timer (switching on at 23:00), a room heater's thermostat. Each passes any switch-on threshold
 * and would count as someone up and about; so a switch-on (a step up of the power between two
 * readings) is matched to the home's loads by its size, and discounted when the load is known to
 * run by itself:
 * - cycling: a load of its size (give or take a fridge compressor starting or stopping in the same
 *   poll) switched off within CYCLE_WITHIN_MS before, and once more within CYCLE_WITHIN_MS before
 *   that, nothing else seen since: a thermostat, not a hand (two kettles half an hour apart are one
 *   off, not two). Tested first, on the switch-offs themselves, so a heater left on after a fall
 *   counts at most once, on its first cycle;
 * - automatic: it has switched on in the household's sleep hours, with no door, water or gate
 *   sign in the half hour before, on at least AUTOMATIC_AFTER_NIGHTS nights of the last four weeks.
 *   Its rhythm is learned too (the time from its previous switch-on to one in the night, when only
 *   standing losses call for heat): a switch-on far sooner than its rhythm is not the machine's own
 *   doing (hot water was drawn, or a room heater of the same size was switched on) and counts,
 *   unless water is running steadily (a tap left on cools the tank);
 * - timed: most of its recent switch-ons fell within minutes of the same clock time;
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
  /** Times of its last switch-ons (epoch ms, most recent last); thermostat cycles are not kept. */
  recent: number[];
  /** Its last switch-off, epoch ms. */
  off?: number;
  /** Its rhythm: time from a switch-on to its next one in the night (ms, most recent last). */
  gaps?: number[];
  /** Its latest switch-on, while it is on: when, whether unattended in the night, whether set aside as automatic. */
  on?: { at: number; night: boolean; automatic: boolean };
  /** How long it stays on when it runs by itself in the night (ms, most recent last). */
  durations?: number[];
}

export interface ApplianceModel {
  loads: LearnedLoad[];
  /** Switch-offs of the last CYCLE_WITHIN_MS (size W, time), for the thermostat test. */
  offs?: Array<{ at: number; w: number }>;
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
  /**
   * Water is running steadily (a tap left on): a heater's reheat is the flow's doing. Asked only of
   * a switch-on of a load that runs by itself (looking means reading the household's water meters).
   */
  waterFlowing?: () => boolean;
}

export const MAX_LOADS = 8;
export const AUTOMATIC_AFTER_NIGHTS = 3;
const NIGHTS_KEPT = 6;
const RECENT_KEPT = 7;
const GAPS_KEPT = 6;
const OFFS_KEPT = 6;
const NIGHT_MEMORY_MS = 28 * MS_PER_DAY;
/** A sign this close before a switch-on makes it attended (someone may have switched it on). */
export const ATTENDED_WITHIN_MS = 30 * MS_PER_MIN;
export const CYCLE_WITHIN_MS = 45 * MS_PER_MIN;
const OFFS_MEMORY_MS = 2 * CYCLE_WITHIN_MS;
/** A fridge compressor (100-150 W) starting or stopping in the same poll moves a step by this much. */
export const COINCIDENT_LOAD_W = 160;
const TIMED_WITHIN_MIN = 10;
const TIMED_AFTER = 4;
const TIMED_MEMORY_MS = 10 * MS_PER_DAY;
const MATCH_W = 40;
const MATCH_SHARE = 0.15;
const MEAN_OVER = 20;
/** A rhythm is learned from gaps between one and thirty hours, once this many are known. */
const GAP_MIN_MS = MS_PER_HOUR;
const GAP_MAX_MS = 30 * MS_PER_HOUR;
const GAPS_NEEDED = 2;
/** A switch-on sooner than this share of its usual gap is not its standby rhythm. */
export const EARLY_SHARE = 0.4;
/**
 * A run shorter than this share of the load's usual night run was not the load. Only told for loads
 * that run at least MIN_TELLING_DURATION_MS (three polls): a poll every five minutes cannot tell a
 * ten-minute reheat from a kettle.
 */
export const SHORT_SHARE = 0.5;
const MIN_TELLING_DURATION_MS = 12 * MS_PER_MIN;
const DURATIONS_KEPT = 6;
const DURATIONS_NEEDED = 3;

/** Judges a switch-on (discounted, and why) and learns from it. */
export function judgeSwitchOn(model: ApplianceModel | undefined, on: SwitchOn): { model: ApplianceModel; discount: DiscountReason | undefined } {
  const loads = model?.loads ?? [];
  const offs = recentOffs(model?.offs, on.at);
  const index = matching(loads, on.watts);
  const load = index >= 0 ? loads[index] : undefined;
  const unattended = on.lastSignAt === undefined || on.at - on.lastSignAt > ATTENDED_WITHIN_MS;
  const cycling = isCycling(offs, on);
  const night = on.sleeping && unattended ? nightNumber(on) : undefined;
  const discount: DiscountReason | undefined = cycling ? 'cycling' : (load && reasonFor(load, on)) ?? (night !== undefined ? 'night' : undefined);
  let next: LearnedLoad;
  const running = { at: on.at, night: night !== undefined, automatic: discount === 'automatic' };
  if (load) {
    const n = Math.min(load.n + 1, MEAN_OVER);
    next = { ...load, w: load.w + (on.watts - load.w) / n, n, on: running };
    if (!cycling) next.recent = [...load.recent, on.at].slice(-RECENT_KEPT);
    if (night !== undefined && !load.nights.includes(night)) next.nights = [...load.nights, night].slice(-NIGHTS_KEPT);
    const gap = on.at - (load.recent.at(-1) ?? Number.NEGATIVE_INFINITY);
    if (night !== undefined && !cycling && gap >= GAP_MIN_MS && gap <= GAP_MAX_MS) next.gaps = [...(load.gaps ?? []), gap].slice(-GAPS_KEPT);
  } else {
    next = { w: on.watts, n: 1, nights: night === undefined ? [] : [night], recent: [on.at], on: running };
  }
  const rest = load ? loads.filter((_, i) => i !== index) : evictStalest(loads);
  return { model: { loads: [...rest, next], ...(offs.length > 0 ? { offs } : {}) }, discount };
}

/**
 * A step down: a load switched off (for the thermostat test, and its running time). `misjudged`:
 * a switch-on set aside as the automatic load was off again far sooner than that load ever runs by
 * itself (a kettle of the water heater's size: a few minutes, where a reheat takes twenty): it was
 * not the machine, and counts as activity from when it came on. `drawing`: the home's power at the
 * reading; any other load it rules out went off too, its step lost in this one (settleStopped).
 */
export function noteSwitchOff(model: ApplianceModel | undefined, at: number, watts: number, drawing: number): { model: ApplianceModel; misjudged?: { at: number; watts: number } } {
  const loads = model?.loads ?? [];
  // What goes off is what was on: a 2,020 W step down is the 2,160 W load that came on (a heater
  // whose steps mostly carried a compressor starting), not an idle 1,910 W one nearer in size.
  const running = matching(loads, watts, (load) => load.on !== undefined);
  const index = running >= 0 ? running : matching(loads, watts);
  const offs = [...recentOffs(model?.offs, at), { at, w: watts }].slice(-OFFS_KEPT);
  const load = index < 0 ? undefined : loads[index]!;
  if (!load) return { model: settleStopped({ loads, offs }, drawing) };
  const { on, ...rest } = load;
  const next: LearnedLoad = { ...rest, off: at };
  const ranMs = on === undefined ? undefined : at - on.at;
  if (on?.night && ranMs !== undefined) next.durations = [...(load.durations ?? []), ranMs].slice(-DURATIONS_KEPT);
  const usual = typicalDuration(load);
  const misjudged = on?.automatic && ranMs !== undefined && usual !== undefined && usual >= MIN_TELLING_DURATION_MS && ranMs < SHORT_SHARE * usual ? { at: on.at, watts: load.w } : undefined;
  return { model: settleStopped({ loads: loads.map((item, i) => (i === index ? next : item)), offs }, drawing), ...(misjudged ? { misjudged } : {}) };
}

/**
 * The loads still taken to be on that the meter's reading now rules out: a load cannot run while
 * the whole home draws less than it does. Its switch-off was missed or taken for another load's;
 * left on, its next switch-off (days later) would be taken for a run of days, and its real runs
 * would look too short to be the machine's (noteSwitchOff's misjudged). The same model when none is.
 */
export function settleStopped<Model extends ApplianceModel | undefined>(model: Model, watts: number): Model {
  const stopped = (load: LearnedLoad) => load.on !== undefined && load.w - tolerance(load.w) > watts;
  if (!model || !model.loads.some(stopped)) return model;
  return {
    ...model,
    loads: model.loads.map((load) => {
      if (!stopped(load)) return load;
      const { on: _stopped, ...rest } = load;
      return rest;
    }),
  };
}

/** How long the load usually runs by itself (median of its night runs), once known. */
function typicalDuration(load: LearnedLoad): number | undefined {
  const durations = load.durations ?? [];
  if (durations.length < DURATIONS_NEEDED) return undefined;
  const sorted = [...durations].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The loads learned to run by themselves, for evidence ("2000 W, 380 W"). */
export function automaticLoads(model: ApplianceModel | undefined, now: number): LearnedLoad[] {
  return (model?.loads ?? []).filter((load) => isAutomatic(load, now));
}

/**
 * The learned size (W) of the load a step of `watts` is matched to, else the step itself: one step
 * may carry a fridge compressor starting or stopping in the same poll (COINCIDENT_LOAD_W); the
 * running mean of the load's steps does not.
 */
export function learnedSize(model: ApplianceModel | undefined, watts: number): number {
  const index = matching(model?.loads ?? [], watts);
  return index < 0 ? watts : model!.loads[index]!.w;
}

/** Its usual time from one switch-on to the next standby one, once learned (median of the gaps). */
export function rhythmMs(load: LearnedLoad): number | undefined {
  const gaps = load.gaps ?? [];
  if (gaps.length < GAPS_NEEDED) return undefined;
  const sorted = [...gaps].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The switch-offs still within OFFS_MEMORY_MS of `at` (the same array when none has aged out). */
function recentOffs(offs: ReadonlyArray<{ at: number; w: number }> | undefined, at: number): Array<{ at: number; w: number }> {
  if (!offs) return [];
  return offs.every((off) => at - off.at <= OFFS_MEMORY_MS) ? (offs as Array<{ at: number; w: number }>) : offs.filter((off) => at - off.at <= OFFS_MEMORY_MS);
}

/** Two switch-offs of its size, the latest within CYCLE_WITHIN_MS and each within it of the next, nothing seen since the first. */
function isCycling(offs: ReadonlyArray<{ at: number; w: number }>, on: SwitchOn): boolean {
  // The last two alike, looked for from the latest back.
  let last: { at: number; w: number } | undefined;
  let before: { at: number; w: number } | undefined;
  for (let index = offs.length - 1; index >= 0 && !before; index--) {
    const off = offs[index]!;
    if (Math.abs(off.w - on.watts) > tolerance(off.w) + COINCIDENT_LOAD_W) continue;
    if (last) before = off;
    else last = off;
  }
  if (!last || !before || on.at - last.at > CYCLE_WITHIN_MS || last.at - before.at > CYCLE_WITHIN_MS) return false;
  return on.lastSignAt === undefined || on.lastSignAt < before.at;
}

function reasonFor(load: LearnedLoad, on: SwitchOn): DiscountReason | undefined {
  if (isAutomatic(load, on.at) && (on.waterFlowing?.() || on.sleeping || !isEarly(load, on.at))) return 'automatic';
  if (isTimed(load, on)) return 'timed';
  return undefined;
}

/** Far sooner after its last switch-on than its rhythm: something other than standing losses called for it. */
function isEarly(load: LearnedLoad, at: number): boolean {
  const rhythm = rhythmMs(load);
  const last = load.recent.at(-1);
  return rhythm !== undefined && last !== undefined && at - last < EARLY_SHARE * rhythm;
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

function tolerance(watts: number): number {
  return Math.max(MATCH_W, MATCH_SHARE * watts);
}

/** The load nearest in size to a step of `watts` within its tolerance (among those `eligible`), else -1. */
function matching(loads: readonly LearnedLoad[], watts: number, eligible?: (load: LearnedLoad) => boolean): number {
  let best = -1;
  let bestApart = Number.POSITIVE_INFINITY;
  for (let index = 0; index < loads.length; index++) {
    const load = loads[index]!;
    if (eligible && !eligible(load)) continue;
    const apart = Math.abs(load.w - watts);
    if (apart <= tolerance(load.w) && apart < bestApart) {
      best = index;
      bestApart = apart;
    }
  }
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
