import type { Random } from '../random.js';
import type { MinuteSpan } from './automatic-loads.js';
import { chance, normal, uniform } from './draw.js';
import type { Home } from './home.js';
import { HomeLife, type Passer } from './home-life.js';
import type { Resident } from './resident.js';
import { MIN_PER_DAY, weekdayOf } from './sim-time.js';

/** Time away from home that spans nights (a hospital stay, a trip, a night at the daughter's). */
export interface AwaySpan extends MinuteSpan {
  reason: 'hospital' | 'travel' | 'family';
  /** What the care staff registered, and when; undefined for an absence nobody registered. */
  registered?: MinuteSpan & { at: number };
}

/** When in her day a fall happens (the minute is chosen where she is at home), and what is left running. */
export interface FallPlan {
  day: number;
  when: 'morning' | 'midday' | 'afternoon' | 'evening' | 'night';
  /** A tap left running where she fell: 2-6 L/min, or a slow one at 0.3-1 L/min. */
  tap?: 'running' | 'slow';
  /** Found this many hours later unless a carer or visitor comes first. */
  foundAfterH: number;
  /** Then taken to hospital for this many days (the staff register it). */
  hospitalDays: number;
}

/** A fall as it happened: she lies where she fell from `at` until someone finds her. */
export interface Fall {
  at: number;
  foundAt: number;
  when: FallPlan['when'];
  tap?: FallPlan['tap'];
}

/** An illness: from the morning of `onsetDay` she does less each day, for `days` days. */
export interface Decline {
  onsetDay: number;
  days: number;
}

/** A carer registered with the estate: weekdays and a window (minutes of the day). */
export interface CarerWindow {
  weekdays: readonly number[];
  from: number;
  to: number;
}

export interface HouseholdSchedule {
  away: readonly AwaySpan[];
  fall?: FallPlan;
  decline?: Decline;
  carer?: CarerWindow;
  /** An unregistered helper (a niece, a paid cleaner) who drops in this many times a week. */
  helperPerWeek: number;
  waterCuts: readonly MinuteSpan[];
}

export interface LivedDays {
  life: HomeLife;
  /** Wake and bed time of each day, simulated minutes. */
  wakes: number[];
  beds: number[];
  /** Every span the resident was out of the home (outings and away). */
  out: MinuteSpan[];
  fall?: Fall;
  /** The hospital stay after a fall, registered by the staff a while after she left. */
  hospital?: AwaySpan;
}

const SUNRISE_JAN = 7 * 60 + 20;
const DUSK_JAN = 17 * 60 + 50;

/**
 * A resident's life in her home over the simulated days: when she wakes and goes to bed (her
 * routine, its drift over the weeks, a Sunday lie-in), her outings (day centre, market, walks, a
 * day out with family), the toilet, meals, tea, showers, laundry, TV and lights, carers and
 * visitors, and what a fall or an illness changes. Acts that would fall while she is out or lying
 * fallen do not happen; what she had switched on stays on until she is found.
 */
export function liveDays(days: number, resident: Resident, home: Home, schedule: HouseholdSchedule, random: Random): LivedDays {
  const life = new HomeLife(days * MIN_PER_DAY);
  const wakes: number[] = [];
  const beds: number[] = [];
  for (let day = 0; day < days; day++) {
    const vigour = vigourOn(schedule.decline, day);
    const lieIn = resident.lieInMin[weekdayOf(day)] ?? 0;
    const wake = day * MIN_PER_DAY + resident.wakeMin + lieIn + resident.driftMinPerWeek * (day / 7) + normal(random, 0, resident.wakeSdMin) + (1 - vigour) * uniform(random, 60, 150);
    wakes.push(Math.round(wake));
    beds.push(Math.round(wake + resident.awakeHours * 60 - lieIn / 2 + normal(random, 0, 30) - (1 - vigour) * 90));
  }
  const fall = schedule.fall ? fallMinute(schedule.fall, wakes, beds, random) : undefined;
  const away: AwaySpan[] = [...schedule.away];
  const out: MinuteSpan[] = away.map((span) => ({ from: span.from, to: span.to }));
  // No outing from the fall until well after she is back from hospital.
  const laidUp = fall && schedule.fall ? { from: fall.at, to: fall.foundAt + (schedule.fall.hospitalDays + 2) * MIN_PER_DAY } : undefined;
  const busy = (from: number, to: number) => out.some((span) => from < span.to + 20 && to > span.from - 20) || (laidUp !== undefined && from < laidUp.to && to > laidUp.from);
  for (let day = 0; day < days; day++) planOutings(day);

  const visits = plannedVisits();
  // Someone in the flat sees her fall: the staged fall happens once they have left.
  const present = fall ? visits.find((visit) => visit.arrive <= fall.at && visit.leave > fall.at) : undefined;
  if (fall && present) {
    const shift = Math.round(present.leave + uniform(random, 15, 60)) - fall.at;
    fall.at += shift;
    fall.foundAt += shift;
  }
  const finder = fall ? visits.find((visit) => visit.arrive > fall.at && visit.arrive < fall.foundAt) : undefined;
  if (fall && finder) fall.foundAt = Math.round(finder.arrive);
  let hospital: AwaySpan | undefined;
  if (fall && schedule.fall) {
    const from = fall.foundAt + 40;
    const to = fall.foundAt + schedule.fall.hospitalDays * MIN_PER_DAY + uniform(random, -120, 240);
    hospital = { from, to, reason: 'hospital', registered: { from, to: Math.round(to / 60) * 60, at: fall.foundAt + 120 } };
    away.push(hospital);
    out.push({ from, to });
  }
  away.sort((a, b) => a.from - b.from);
  out.sort((a, b) => a.from - b.from);
  const fallen = (minute: number) => fall !== undefined && minute >= fall.at && minute < fall.foundAt;
  const outAt = (minute: number) => out.some((span) => minute >= span.from - 5 && minute < span.to + 5);
  const can = (minute: number) => !outAt(minute) && !fallen(minute);
  /** A session she would end herself runs on while she lies fallen, and stops when she goes out. */
  const sessionEnd = (from: number, to: number) => {
    if (fall && fall.at > from && fall.at < to) return fall.foundAt;
    const leaving = out.find((span) => span.from > from && span.from < to);
    return leaving ? leaving.from - 2 : to;
  };

  for (const span of away) {
    if (span === hospital) life.leave(span.from, 'finder', home.doorExitButton);
    else goOut(life, resident, home, span.from, random);
    comeBack(life, resident, span.to, random);
  }
  for (let day = 0; day < days; day++) livedDay(day, vigourOn(schedule.decline, day));
  for (const visit of visits) {
    if (visit === finder || out.some((span) => visit.arrive < span.to && visit.leave > span.from)) continue;
    if (fall && visit.arrive >= fall.at && visit.arrive < fall.foundAt) continue;
    if (visit.withKey) life.enter(visit.arrive, visit.who);
    else life.letIn(visit.arrive, visit.who);
    visit.chores(visit.arrive);
    life.leave(visit.leave, visit.who, home.doorExitButton && chance(random, 0.5));
  }
  if (fall) {
    if (fall.when === 'night') life.draw(fall.at - 2, home.flushL, 1);
    if (fall.tap) {
      const rate = fall.tap === 'running' ? uniform(random, 2, 6) : uniform(random, 0.3, 1);
      const minutes = fall.foundAt - fall.at + 1;
      life.draw(fall.at - 1, rate * minutes, minutes, 0.2);
    }
    life.enter(fall.foundAt, 'finder');
  }
  for (const cut of schedule.waterCuts) {
    for (let m = cut.from; m < cut.to && m < life.minutes; m++) {
      life.water[m] = 0;
      life.hotWater[m] = 0;
    }
  }
  return { life, wakes, beds, out, ...(fall ? { fall } : {}), ...(hospital ? { hospital } : {}) };

  function planOutings(day: number): void {
    const wake = wakes[day]!;
    const midnight = day * MIN_PER_DAY;
    const weekday = weekdayOf(day);
    if (vigourOn(schedule.decline, day) < 1) return;
    const outing = (from: number, to: number) => {
      if (busy(from, to)) return;
      out.push({ from, to });
      goOut(life, resident, home, from, random);
      comeBack(life, resident, to, random);
    };
    if (resident.dayCentreDays.includes(weekday)) outing(midnight + uniform(random, 500, 530), midnight + uniform(random, 940, 990));
    else if (resident.familyDay === weekday && resident.familyGoesOut && chance(random, 0.7)) outing(midnight + uniform(random, 570, 630), midnight + uniform(random, 1080, 1200));
    if (resident.marketDays.includes(weekday) && chance(random, resident.marketChance)) {
      const from = wake + uniform(random, 30, 70);
      outing(from, from + uniform(random, 50, 120));
    }
    if (chance(random, resident.walkChance)) {
      const from = midnight + uniform(random, 870, 990);
      outing(from, from + uniform(random, 30, 90));
    }
  }

  function plannedVisits(): Visit[] {
    const planned: Visit[] = [];
    for (let day = 0; day < days; day++) {
      const midnight = day * MIN_PER_DAY;
      const weekday = weekdayOf(day);
      const carer = schedule.carer;
      if (carer?.weekdays.includes(weekday) && chance(random, 0.96)) {
        const arrive = midnight + carer.from + uniform(random, -5, 15);
        const leave = midnight + carer.to - uniform(random, 0, 15) + (chance(random, 0.1) ? uniform(random, 5, 20) : 0);
        planned.push({ arrive, leave, who: 'carer', withKey: true, chores: (at) => {
          life.draw(at + uniform(random, 5, 15), uniform(random, 15, 25), 15, 0.5);
          if (chance(random, 0.4)) life.run(at + uniform(random, 20, 40), 15, 1200);
          if (home.kettleW && chance(random, 0.5)) life.run(at + uniform(random, 10, 50), 4, home.kettleW);
        } });
      }
      if (chance(random, schedule.helperPerWeek / 7)) {
        const arrive = midnight + uniform(random, 570, 1020);
        planned.push({ arrive, leave: arrive + uniform(random, 30, 90), who: 'carer', withKey: true, chores: (at) => life.draw(at + 10, uniform(random, 8, 20), 10, 0.3) });
      }
      if (resident.familyDay === weekday && !resident.familyGoesOut && vigourOn(schedule.decline, day) >= 1 && chance(random, 0.8)) {
        const arrive = midnight + uniform(random, 600, 660);
        planned.push({ arrive, leave: midnight + uniform(random, 900, 990), who: 'visitor', withKey: false, chores: (at) => {
          for (let k = 0; k < 3; k++) life.draw(at + uniform(random, 20, 280), home.flushL, 1);
          if (home.kettleW) life.run(at + 15, 4, home.kettleW);
        } });
      }
    }
    return planned;
  }

  function livedDay(day: number, vigour: number): void {
    const wake = wakes[day]!;
    const bed = beds[day]!;
    const midnight = day * MIN_PER_DAY;
    const season = Math.min(1, day / 84); // January to the end of March
    const act = (at: number, doIt: (at: number) => void) => {
      if (at < wake || at > bed + 30 || !can(at)) return;
      doIt(at);
    };
    const toilet = (at: number) => {
      life.draw(at, home.flushL, 1);
      if (chance(random, 0.7)) life.draw(at + 1, uniform(random, 0.5, 1.5), 1, 0.3);
    };
    const kettle = (at: number) => {
      if (!home.kettleW) return;
      life.draw(at, uniform(random, 0.8, 1.5), 1);
      life.run(at + 1, uniform(random, 3, 5), home.kettleW);
    };
    const cook = (at: number, big: boolean) => {
      life.draw(at, uniform(random, 2, 4), 2);
      if (home.riceCookerW && chance(random, big ? 0.7 : 0.4)) {
        life.run(at + 3, uniform(random, 30, 40), home.riceCookerW);
        life.run(at + 40, uniform(random, 30, 90), uniform(random, 35, 60));
      } else if (home.inductionW && chance(random, 0.6)) {
        life.run(at + 3, uniform(random, 10, 25), home.inductionW * uniform(random, 0.6, 1));
      } else if (home.microwaveW) {
        life.run(at + 3, uniform(random, 2, 5), home.microwaveW);
      }
      act(at + uniform(random, 30, 50), (then) => life.draw(then, uniform(random, 5, 12) * vigour, uniform(random, 4, 8), 0.5));
    };

    // Getting up: the kettle or the toilet first; lights while it is dark.
    const sunrise = midnight + SUNRISE_JAN - season * 50;
    const dusk = midnight + DUSK_JAN + season * 40;
    if (resident.kettleFirst) {
      act(wake, kettle);
      act(wake + uniform(random, 6, 15), toilet);
    } else {
      act(wake, toilet);
    }
    if (wake < sunrise) act(wake, (at) => life.run(at, sessionEnd(at, sunrise) - at, home.lightW));
    if (home.roomHeaterW && chance(random, 0.8 - 0.7 * season)) {
      act(wake + 10, (at) => life.roomHeater(at, sessionEnd(at, at + uniform(random, 60, 180))));
      act(dusk, (at) => life.roomHeater(at, sessionEnd(at, bed - 10)));
    }
    const showerToday = vigour >= 0.8 && chance(random, resident.showersPerWeek / 7);
    if (showerToday) {
      const at = resident.showerInMorning ? wake + uniform(random, 15, 40) : bed - uniform(random, 50, 90);
      act(at, (then) => {
        const minutes = uniform(random, 5, 10);
        life.draw(then, minutes * uniform(random, 6, 9), minutes, 0.55);
        if (home.hairDryerW && chance(random, 0.5)) life.run(then + minutes + 3, uniform(random, 4, 8), home.hairDryerW);
      });
    }
    act(wake + uniform(random, 15, 45), (at) => {
      if (!resident.kettleFirst) kettle(at);
      if (vigour >= 0.7 && chance(random, 0.4)) cook(at + 5, false);
    });
    if (resident.mealsCooked >= 3 && vigour >= 0.7) act(midnight + uniform(random, 680, 750), (at) => cook(at, true));
    if (resident.mealsCooked >= 2 || vigour < 0.7) act(midnight + uniform(random, 1020, 1110), (at) => (vigour < 0.7 ? kettle(at) : cook(at, true)));
    if (chance(random, 0.5)) act(midnight + uniform(random, 870, 960), kettle);

    // The toilet through the day: a visit every 1.5-3.5 hours or so.
    // An ill resident drinks less and keeps to her bed: fewer trips to the toilet.
    const visitsToday = resident.toiletPerDay * (0.4 + 0.6 * vigour);
    const gap = (bed - wake) / Math.max(1, visitsToday);
    for (let at = wake + gap * uniform(random, 0.5, 1.2); at < bed - 20; at += gap * uniform(random, 0.5, 1.5)) act(at, toilet);

    if (resident.tvAfternoonH > 0.3) {
      const from = midnight + uniform(random, 800, 870);
      act(from, (at) => life.run(at, sessionEnd(at, at + resident.tvAfternoonH * 60 * vigour * uniform(random, 0.7, 1.3)) - at, home.tvW));
    }
    const evening = midnight + uniform(random, 1140, 1170);
    act(evening, (at) => life.run(at, sessionEnd(at, Math.min(bed - 15, at + resident.tvEveningH * 60 * vigour)) - at, home.tvW * uniform(random, 0.9, 1.1)));
    act(dusk, (at) => life.run(at, sessionEnd(at, bed) - at, home.lightW));

    if (vigour >= 1 && chance(random, resident.laundryPerWeek / 7)) {
      act(wake + uniform(random, 60, 180), (at) => {
        if (!home.washer) return life.draw(at, uniform(random, 15, 25), 20);
        life.draw(at, 15, 3);
        if (home.washer.heaterW && chance(random, 0.5)) life.run(at + 3, 15, home.washer.heaterW);
        life.run(at + 3, uniform(random, 45, 60), home.washer.motorW);
        life.draw(at + 28, 12, 3);
        life.draw(at + 45, 12, 3);
      });
    }
    act(bed - 12, (at) => life.draw(at, uniform(random, 2, 4), 3, 0.6));
    act(bed - 5, toilet);

    // The night after this day: a trip or two to the toilet, with a light.
    const nextWake = wakes[day + 1] ?? bed + 8 * 60;
    for (let trip = 0; trip < 2; trip++) {
      if (!chance(random, resident.nightToiletChance)) continue;
      const at = uniform(random, bed + 60, nextWake - 30);
      if (!can(at) || at <= bed) continue;
      toilet(at);
      life.run(at, 3, home.lightW);
    }
  }
}

interface Visit {
  arrive: number;
  leave: number;
  who: Passer;
  withKey: boolean;
  chores: (at: number) => void;
}

/** The minute of a planned fall: in her day where it is plausible, or on a night trip to the toilet. */
function fallMinute(plan: FallPlan, wakes: readonly number[], beds: readonly number[], random: Random): Fall {
  const wake = wakes[plan.day]!;
  const bed = beds[plan.day]!;
  const midnight = plan.day * MIN_PER_DAY;
  let at: number;
  switch (plan.when) {
    case 'morning':
      at = wake + uniform(random, 20, 120);
      break;
    case 'midday':
      at = midnight + uniform(random, 660, 810);
      break;
    case 'afternoon':
      at = midnight + uniform(random, 840, 1010);
      break;
    case 'evening':
      at = Math.min(bed - 20, midnight + uniform(random, 1110, 1290));
      break;
    case 'night':
      at = uniform(random, bed + 90, (wakes[plan.day + 1] ?? bed + 480) - 60);
      break;
  }
  at = Math.round(at);
  return { at, foundAt: Math.round(at + plan.foundAfterH * 60), when: plan.when, ...(plan.tap ? { tap: plan.tap } : {}) };
}

/** How much of her usual day an ill resident still manages: 0.55, then 0.35, then 0.25 (she keeps to her bed). */
function vigourOn(decline: Decline | undefined, day: number): number {
  if (!decline || day < decline.onsetDay || day >= decline.onsetDay + decline.days) return 1;
  return [0.55, 0.35][day - decline.onsetDay] ?? 0.25;
}

function goOut(life: HomeLife, resident: Resident, home: Home, at: number, random: Random): void {
  life.leave(at, 'resident', home.doorExitButton);
  if (chance(random, resident.gateCardChance)) life.gateCards.push(at + uniform(random, 2, 6));
}

function comeBack(life: HomeLife, resident: Resident, at: number, random: Random): void {
  if (chance(random, resident.gateCardChance)) life.gateCards.push(at - uniform(random, 2, 6));
  life.enter(at, 'resident');
}
