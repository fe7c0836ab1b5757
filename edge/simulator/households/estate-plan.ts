import type { Random } from '../random.js';
import type { MinuteSpan } from './automatic-loads.js';
import type { AwaySpan, CarerWindow, Decline, FallPlan, HouseholdSchedule } from './daily-life.js';
import { chance, pick, pickSome, streamRandom, uniform } from './draw.js';
import { drawHome, type Home } from './home.js';
import { drawResident, type Resident } from './resident.js';
import { calendar, MIN_PER_DAY, type SimCalendar } from './sim-time.js';

/**
 * An estate of households over some weeks, with what will happen in it: each resident and home
 * (resident.ts, home.ts), their registered carers and unregistered helpers, registered absences
 * (some registered late, some coming back later or earlier than registered) and nights away nobody
 * registered, estate-wide power and water cuts, and the staged incidents: falls at every time of
 * day (one with a tap running, one with a tap dribbling), an illness (after the first two weeks),
 * and dead meters and door controllers. Everything is drawn from the seed; nothing here knows the rules.
 */
export interface EstateOptions {
  seed: number;
  households?: number;
  weeks?: number;
  /** A Monday; the default starts in early January, so winter loads run. */
  startDate?: string;
}

export interface PlannedHousehold {
  index: number;
  unitId: string;
  resident: Resident;
  home: Home;
  schedule: HouseholdSchedule;
  /** The household's card at the estate gate. */
  cardRef: string;
  /** The carer the staff registered (the schedule's carer), as a care visit window. */
  registeredCarer?: CarerWindow;
}

export type DeviceRole = 'water' | 'electricity' | 'door';

export interface DeadDevice {
  unitId: string;
  role: DeviceRole;
  from: number;
  to: number;
}

export interface EstatePlan {
  seed: number;
  cal: SimCalendar;
  households: PlannedHousehold[];
  powerCuts: MinuteSpan[];
  waterCuts: MinuteSpan[];
  deadDevices: DeadDevice[];
}

export const DEFAULT_HOUSEHOLDS = 16;
export const DEFAULT_WEEKS = 12;
/** The earliest day an illness begins: a decline needs the household's own baseline to be seen against. */
const DECLINE_AFTER_DAYS = 14;
const FALL_TIMES: ReadonlyArray<FallPlan['when']> = ['morning', 'midday', 'afternoon', 'evening', 'night'];

export function planEstate(options: EstateOptions): EstatePlan {
  const count = options.households ?? DEFAULT_HOUSEHOLDS;
  const days = (options.weeks ?? DEFAULT_WEEKS) * 7;
  const cal = calendar(options.startDate ?? '2026-01-05', days);
  const random = streamRandom(options.seed, -1, 'estate');
  const order = shuffled(random, [...Array(count).keys()]);
  const incidentDay = () => Math.floor(uniform(random, 4, days - 6));

  const daytime = ['morning', 'midday', 'afternoon', 'evening'] as const;
  const kinds: Array<Pick<FallPlan, 'when' | 'tap'>> = [
    ...FALL_TIMES.map((when) => ({ when })),
    { when: pick(random, FALL_TIMES) },
    { when: pick(random, FALL_TIMES) },
    { when: pick(random, daytime), tap: 'running' },
    { when: pick(random, daytime), tap: 'slow' },
  ];
  const falls: FallPlan[] = kinds.map((kind) => ({ ...kind, day: incidentDay(), foundAfterH: uniform(random, 20, 40), hospitalDays: Math.round(uniform(random, 2, 6)) }));
  // A decline is judged against the household's own weeks: it is staged once two weeks are known.
  const declines: Decline[] = [0, 1].map(() => ({ onsetDay: Math.floor(uniform(random, DECLINE_AFTER_DAYS, days - 8)), days: Math.round(uniform(random, 4, 6)) }));
  const roles: DeviceRole[] = ['water', 'electricity', 'door', 'door'];

  const households: PlannedHousehold[] = [];
  const deadDevices: DeadDevice[] = [];
  for (let index = 0; index < count; index++) {
    const unitId = `hh-${String(index + 1).padStart(2, '0')}`;
    const own = streamRandom(options.seed, index, 'household');
    const resident = drawResident(own);
    const home = drawHome(own);
    const slot = order.indexOf(index);
    const fall = slot < falls.length ? falls[slot] : undefined;
    const decline = slot >= falls.length && slot < falls.length + declines.length ? declines[slot - falls.length] : undefined;
    const deadRole = slot >= falls.length + declines.length ? roles[slot - falls.length - declines.length] : undefined;
    // An ill resident's registered carer would see her; the staged illness is in a home without one.
    const carer = !decline && chance(own, 0.25) ? drawCarer(own) : undefined;
    const busy: MinuteSpan[] = [];
    if (fall) busy.push({ from: (fall.day - 2) * MIN_PER_DAY, to: (fall.day + fall.hospitalDays + 4) * MIN_PER_DAY });
    if (decline) busy.push({ from: (decline.onsetDay - 2) * MIN_PER_DAY, to: (decline.onsetDay + decline.days + 2) * MIN_PER_DAY });
    if (deadRole) {
      const from = Math.round(uniform(own, 3, days - 12) * MIN_PER_DAY);
      const to = from + Math.round(uniform(own, deadRole === 'door' ? 5 : 2, deadRole === 'door' ? 9 : 5) * MIN_PER_DAY);
      deadDevices.push({ unitId, role: deadRole, from, to });
    }
    households.push({
      index,
      unitId,
      resident,
      home,
      cardRef: `card-${unitId}`,
      ...(carer ? { registeredCarer: carer } : {}),
      schedule: {
        away: absences(own, resident, days, busy),
        ...(fall ? { fall } : {}),
        ...(decline ? { decline } : {}),
        ...(carer ? { carer } : {}),
        helperPerWeek: chance(own, 0.15) ? uniform(own, 1, 3) : 0,
        waterCuts: [],
      },
    });
  }
  const powerCuts = [cut(random, days, 1, 4)];
  const waterCuts = [cut(random, days, 2, 6)];
  for (const household of households) household.schedule = { ...household.schedule, waterCuts };
  return { seed: options.seed, cal, households, powerCuts, waterCuts, deadDevices };
}

/** A registered carer: 3-7 days a week, a 1-2 h window between 08:30 and 17:00. */
function drawCarer(random: Random): CarerWindow {
  const from = Math.round(uniform(random, 510, 900) / 30) * 30;
  return { weekdays: pickSome(random, [1, 2, 3, 4, 5, 6, 7], Math.round(uniform(random, 3, 7))), from, to: from + pick(random, [60, 90, 120]) };
}

/**
 * Absences: about a third of residents have a registered trip or hospital stay (a quarter of them
 * registered only after she left; most come back on time, some hours to a day late, some early);
 * some spend nights at family nobody registers. None overlap a staged incident.
 */
function absences(random: Random, resident: Resident, days: number, busy: MinuteSpan[]): AwaySpan[] {
  const spans: AwaySpan[] = [];
  const free = (from: number, to: number) => [...busy, ...spans].every((span) => to + MIN_PER_DAY < span.from || from > span.to + MIN_PER_DAY);
  if (chance(random, 0.35)) {
    const reason = chance(random, 0.5) ? 'hospital' : 'travel';
    const fromDay = Math.floor(uniform(random, 5, days - 12));
    const from = fromDay * MIN_PER_DAY + Math.round(uniform(random, 540, 900));
    const registeredTo = from + Math.round(uniform(random, reason === 'hospital' ? 2 : 3, reason === 'hospital' ? 6 : 9) * MIN_PER_DAY / 60) * 60;
    const lateness = random();
    const to = Math.round(registeredTo + (lateness < 0.7 ? uniform(random, -120, 120) : lateness < 0.85 ? uniform(random, 4 * 60, 30 * 60) : -uniform(random, 4 * 60, MIN_PER_DAY)));
    const at = chance(random, 0.75) ? -MIN_PER_DAY : from + Math.round(uniform(random, 120, 600));
    if (free(from, Math.max(to, registeredTo))) spans.push({ from, to, reason, registered: { from, to: registeredTo, at } });
  }
  const nights = Math.round(resident.nightsAwayPerMonth * (days / 30) * uniform(random, 0.5, 1.5));
  for (let night = 0; night < nights; night++) {
    const day = Math.floor(uniform(random, 2, days - 3));
    const from = day * MIN_PER_DAY + Math.round(uniform(random, 840, 1020));
    const to = (day + (chance(random, 0.8) ? 1 : 2)) * MIN_PER_DAY + Math.round(uniform(random, 600, 1020));
    if (free(from, to)) spans.push({ from, to, reason: 'family' });
  }
  return spans.sort((a, b) => a.from - b.from);
}

function cut(random: Random, days: number, minHours: number, maxHours: number): MinuteSpan {
  const from = Math.floor(uniform(random, 10, days - 10)) * MIN_PER_DAY + Math.round(uniform(random, 540, 1140));
  return { from, to: from + Math.round(uniform(random, minHours, maxHours) * 60) };
}

function shuffled<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
