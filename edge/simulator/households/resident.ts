import type { Random } from '../random.js';
import { chance, normal, pick, pickSome, uniform } from './draw.js';

/**
 * An elderly resident living alone: her habits, drawn once per household. The ranges are what
 * surveys of older people's daily life describe (most up between 05:30 and 08:00, 5-8 toilet
 * visits a day and 0-2 at night, a shower most days, two or three cooked meals), not values chosen
 * to suit any rule; a fifth are quiet residents who spend most afternoons in front of the TV.
 */
export interface Resident {
  /** Usual local wake time on an ordinary day, minutes after midnight, and its day-to-day spread. */
  wakeMin: number;
  wakeSdMin: number;
  /** Hours awake on an ordinary day. */
  awakeHours: number;
  /** Extra minutes in bed by weekday (1 = Monday .. 7 = Sunday): a Sunday lie-in. */
  lieInMin: Readonly<Record<number, number>>;
  /** Minutes per week the wake time drifts over the months (a later winter morning). */
  driftMinPerWeek: number;
  /** Weekdays at the day centre (out about 08:30-16:00). */
  dayCentreDays: readonly number[];
  /** Weekdays she goes to the morning market, and how likely on such a day. */
  marketDays: readonly number[];
  marketChance: number;
  /** Chance of an afternoon walk on a day at home. */
  walkChance: number;
  /** Family: a weekly day (visit at home, or out with them), and an occasional night away. */
  familyDay: number | undefined;
  familyGoesOut: boolean;
  nightsAwayPerMonth: number;
  /** Toilet visits in the waking day, and the chance of each of up to two at night. */
  toiletPerDay: number;
  nightToiletChance: number;
  showersPerWeek: number;
  showerInMorning: boolean;
  /** Meals cooked at home (1-3) and whether the kettle comes before the first flush. */
  mealsCooked: number;
  kettleFirst: boolean;
  /** Hours of TV in the afternoon and the evening. */
  tvAfternoonH: number;
  tvEveningH: number;
  /** A quiet resident: little water, long TV afternoons, few appliances. */
  quiet: boolean;
  /** Chance she taps her card at the estate gate going out or coming in (the gate also opens for others). */
  gateCardChance: number;
  laundryPerWeek: number;
  /** Stated at enrollment: "I get up about ..." (rounded, and people misjudge it). */
  statedWakeMin: number;
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export function drawResident(random: Random): Resident {
  const quiet = chance(random, 0.22);
  const lateRiser = chance(random, 0.15);
  const wakeMin = Math.round(lateRiser ? uniform(random, 450, 540) : uniform(random, 330, 450));
  const lieInMin: Record<number, number> = {};
  if (chance(random, 0.45)) lieInMin[7] = Math.round(uniform(random, 50, 120));
  if (chance(random, 0.25)) lieInMin[6] = Math.round(uniform(random, 20, 70));
  const dayCentreDays = chance(random, 0.2) ? pickSome(random, [1, 2, 3, 4, 5], 2) : [];
  const marketDays = chance(random, 0.45) ? pickSome(random, WEEKDAYS.filter((day) => !dayCentreDays.includes(day)), 1 + Math.floor(random() * 3)) : [];
  const statedWakeMin = Math.round((wakeMin + normal(random, 0, 25)) / 30) * 30;
  return {
    wakeMin,
    wakeSdMin: uniform(random, 10, 35),
    awakeHours: uniform(random, 14.5, 16.5),
    lieInMin,
    driftMinPerWeek: normal(random, 0, 2.5),
    dayCentreDays,
    marketDays,
    marketChance: uniform(random, 0.6, 0.95),
    walkChance: quiet ? uniform(random, 0.05, 0.3) : uniform(random, 0.3, 0.8),
    familyDay: chance(random, 0.55) ? pick(random, [6, 7]) : undefined,
    familyGoesOut: chance(random, 0.4),
    nightsAwayPerMonth: chance(random, 0.3) ? uniform(random, 0.3, 1.2) : 0,
    toiletPerDay: quiet ? uniform(random, 4, 6) : uniform(random, 5, 8),
    nightToiletChance: uniform(random, 0.15, 0.7),
    showersPerWeek: quiet ? uniform(random, 2, 4) : uniform(random, 3, 7),
    showerInMorning: chance(random, 0.35),
    mealsCooked: quiet ? (chance(random, 0.5) ? 1 : 2) : chance(random, 0.6) ? 3 : 2,
    kettleFirst: chance(random, 0.35),
    tvAfternoonH: quiet ? uniform(random, 3, 5) : uniform(random, 0, 2),
    tvEveningH: uniform(random, 1.5, 4),
    quiet,
    gateCardChance: chance(random, 0.75) ? uniform(random, 0.6, 0.95) : uniform(random, 0, 0.2),
    laundryPerWeek: quiet ? uniform(random, 0.5, 1.5) : uniform(random, 1, 3),
    statedWakeMin,
  };
}
