import type { CareHousehold } from '../../../shared/contract/rules-config-care.js';
import { isoWeekday, localDayNumber, localMinuteOfDay, MS_PER_DAY, MS_PER_HOUR, MS_PER_MIN } from '../activity/local-time.js';

/**
 * The household's own daytime quiet lengths (a frugal resident's long TV afternoons; a weekly day
 * at the day centre), learned from the quiet spans of the last weeks:
 * - at home: the daytime limit stretches to 1.2 x the second-longest quiet span of the last four
 *   weeks (the longest may have been an incident) plus the gap one hidden use can bridge, by at most
 *   max_learned_extra_h. Her water is seen through the meter's steps (10 L on a CJ/T 188 meter): a
 *   flush of 6-9 L may not move the counter, and shows only when a later use does, so a quiet the
 *   meter watched can be her long quiet joined by an unseen use to the gap before or after it. Her
 *   gaps that are not long quiets are shorter than MIN_QUIET_SPAN_MS: that much is added;
 * - after the door: a quiet that starts with the door at the time of a weekly outing she has made
 *   at least twice in the last five weeks (same weekday, within an hour) may last until her usual
 *   return plus an hour.
 * - while they are being learned (the first LEARN_AFTER_MS of watching), the daytime limit has the
 *   learning margin max_learned_extra_h on top, as the morning check waits longer while it learns:
 *   a home whose meter counts in 10 L steps can show nothing for six hours of an ordinary morning;
 * - after she went out (the quiet began with the door, and not with someone coming in: no card
 *   at the door), the quiet is judged on the night limit: she is most likely out (a day at the
 *   family's, a long walk), and the end of the daytime window still comes first for most days.
 * Never shorter than the configured limit; the end of the daytime window caps it (inactivity-limit.ts).
 */
export interface QuietSpan {
  /** The quiet began (the last activity before it), epoch ms. */
  from: number;
  minutes: number;
  /** It began with the door: she may have gone out. */
  door: boolean;
}

/** Quiet shorter than this says nothing of the household's long quiets. */
export const MIN_QUIET_SPAN_MS = 2 * MS_PER_HOUR;
const MAX_QUIET_SPAN_MS = 16 * MS_PER_HOUR;
/** The longest quiets at home are kept (only the second-longest matters), and the recent outings. */
const HOME_SPANS_KEPT = 6;
const OUTINGS_KEPT = 30;
const HOME_MEMORY_MS = 28 * MS_PER_DAY;
const OUTING_MEMORY_MS = 35 * MS_PER_DAY;
/** Watching this long before the household's quiet lengths are trusted. */
const LEARN_AFTER_MS = 10 * MS_PER_DAY;
const HOME_SPANS_NEEDED = 3;
const HOME_FACTOR = 1.2;
/** The gap one use below the water meter's step can join to a long quiet (see above). */
const HIDDEN_USE_GAP_MS = MIN_QUIET_SPAN_MS;
const OUTING_TIMES_NEEDED = 2;
const OUTING_WITHIN_MIN = 60;
const OUTING_SLACK_MS = MS_PER_HOUR;

export function withQuietSpan(spans: readonly QuietSpan[] | undefined, span: QuietSpan): QuietSpan[] | undefined {
  const length = span.minutes * MS_PER_MIN;
  if (length < MIN_QUIET_SPAN_MS || length > MAX_QUIET_SPAN_MS) return undefined;
  const all = [...(spans ?? []), span];
  const home = all
    .filter((kept) => !kept.door && kept.from >= span.from - HOME_MEMORY_MS)
    .sort((a, b) => b.minutes - a.minutes)
    .slice(0, HOME_SPANS_KEPT);
  const outings = all.filter((kept) => kept.door && kept.from >= span.from - OUTING_MEMORY_MS).slice(-OUTINGS_KEPT);
  return [...home, ...outings].sort((a, b) => a.from - b.from);
}

export interface LearnedLimit {
  ms: number;
  basis?: 'learning' | 'quiet_lengths' | 'weekly_outing' | 'went_out';
}

/** How the quiet began: with the door (she may have gone out), and with no one coming in by card. */
export interface QuietOpening {
  afterDoor: boolean;
  wentOut: boolean;
}

export function learnedDayLimit(household: CareHousehold, spans: readonly QuietSpan[] | undefined, watchStart: number, quietStart: number, opening: QuietOpening): LearnedLimit {
  const limits = household.inactivity;
  const baseMs = limits.day_limit_h * MS_PER_HOUR;
  let limit: LearnedLimit = { ms: baseMs };
  if (opening.wentOut && limits.night_limit_h > limits.day_limit_h) limit = { ms: limits.night_limit_h * MS_PER_HOUR, basis: 'went_out' };
  if (!limits.learn_quiet) return limit;
  if (quietStart - watchStart < LEARN_AFTER_MS) {
    const learning = baseMs + limits.max_learned_extra_h * MS_PER_HOUR;
    return learning > limit.ms ? { ms: learning, basis: 'learning' } : limit;
  }
  if (!spans) return limit;
  const home = spans
    .filter((span) => !span.door && span.from >= quietStart - HOME_MEMORY_MS)
    .map((span) => span.minutes * MS_PER_MIN)
    .sort((a, b) => b - a);
  if (home.length >= HOME_SPANS_NEEDED) {
    const stretched = Math.min(HOME_FACTOR * home[1]! + HIDDEN_USE_GAP_MS, baseMs + household.inactivity.max_learned_extra_h * MS_PER_HOUR);
    if (stretched > limit.ms) limit = { ms: stretched, basis: 'quiet_lengths' };
  }
  if (opening.afterDoor) {
    const offset = household.utc_offset_min;
    const weekday = isoWeekday(localDayNumber(quietStart, offset));
    const minute = localMinuteOfDay(quietStart, offset);
    const outings = spans.filter(
      (span) =>
        span.door &&
        span.from >= quietStart - OUTING_MEMORY_MS &&
        isoWeekday(localDayNumber(span.from, offset)) === weekday &&
        Math.abs(localMinuteOfDay(span.from, offset) - minute) <= OUTING_WITHIN_MIN,
    );
    if (outings.length >= OUTING_TIMES_NEEDED) {
      const usual = Math.max(...outings.map((span) => span.minutes * MS_PER_MIN)) + OUTING_SLACK_MS;
      if (usual > limit.ms) limit = { ms: usual, basis: 'weekly_outing' };
    }
  }
  return limit;
}
