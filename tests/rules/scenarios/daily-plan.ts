import type { Random } from '../../../edge/simulator/random.js';
import { actEnd, arriving, leaving, type Act } from './acts.js';

/**
 * A resident's routine, and one day of it drawn from a seeded random source. The routines are
 * regular enough to learn and loose enough to be real: wake and bed times vary by the day, chores
 * come 25-120 minutes apart, some only show on one meter, walks go through the unit door only.
 */
export interface Routine {
  unitId: string;
  /** Local wake time (minutes after midnight) and its spread (uniform +-). */
  wakeMin: number;
  wakeSpreadMin: number;
  /** Local bedtime, minutes after the wake day's midnight (25:30 = 1530), and its spread. */
  bedMin: number;
  bedSpreadMin: number;
  /** What the resident does first: a flush, or the kettle. */
  first: 'water' | 'electricity';
  /** Chance of a toilet trip in the night. */
  nightToilet: number;
  /** Chance per day of a 1-3 h walk through the unit door only (the estate gate stands open). */
  walk: number;
  /** Chance per day of a 6-9 h day out through the estate gate with the household card. */
  dayTrip: number;
  /** The household's card at the estate gate. */
  credentialRef?: string;
  /** A carer's daily visit, local minutes after midnight. */
  carer?: { fromMin: number; toMin: number };
}

const MIN = 60_000;

interface Chore {
  weight: number;
  acts: (at: number) => Act[];
}

/** Everyday chores; the television (120 W over a 130 W base) stays under the 300 W standby level. */
const CHORES: Chore[] = [
  { weight: 30, acts: (at) => [{ kind: 'water', at, litres: 7, minutes: 2, what: 'flush' }] },
  { weight: 20, acts: (at) => [{ kind: 'water', at, litres: 4, minutes: 3, what: 'wash' }] },
  { weight: 15, acts: (at) => [{ kind: 'appliance', at, watts: 2000, minutes: 4, what: 'kettle' }] },
  { weight: 10, acts: (at) => [{ kind: 'appliance', at, watts: 1100, minutes: 3, what: 'microwave' }] },
  { weight: 10, acts: (at) => [{ kind: 'appliance', at, watts: 1000, minutes: 12, what: 'iron' }, { kind: 'water', at: at + 13 * MIN, litres: 2, minutes: 1, what: 'wash' }] },
  { weight: 15, acts: (at) => [{ kind: 'appliance', at, watts: 120, minutes: 90, what: 'television' }, { kind: 'water', at: at + 91 * MIN, litres: 7, minutes: 2, what: 'flush' }] },
];
const CHORE_WEIGHT = CHORES.reduce((sum, chore) => sum + chore.weight, 0);

function cooking(at: number): Act[] {
  return [
    { kind: 'water', at, litres: 6, minutes: 3, what: 'rinse rice' },
    { kind: 'appliance', at: at + 4 * MIN, watts: 700, minutes: 25, what: 'rice cooker' },
  ];
}

/** A washing machine cycle: three fills and the motor, about an hour, nobody needed. */
function washingMachine(at: number): Act[] {
  return [
    { kind: 'water', at, litres: 15, minutes: 3, what: 'washer fill' },
    { kind: 'appliance', at: at + 4 * MIN, watts: 450, minutes: 50, what: 'washer motor' },
    { kind: 'water', at: at + 25 * MIN, litres: 12, minutes: 3, what: 'washer rinse' },
    { kind: 'water', at: at + 45 * MIN, litres: 12, minutes: 3, what: 'washer rinse' },
  ];
}

const uniform = (random: Random, low: number, high: number) => low + (high - low) * random();

/** One day of a routine from local midnight `midnight`; the night after it ends before the next wake. */
export function planDay(routine: Routine, midnight: number, random: Random): Act[] {
  const wake = midnight + Math.round(routine.wakeMin + uniform(random, -routine.wakeSpreadMin, routine.wakeSpreadMin)) * MIN;
  const bed = midnight + Math.round(routine.bedMin + uniform(random, -routine.bedSpreadMin, routine.bedSpreadMin)) * MIN;
  const acts: Act[] = [];
  const away: Array<[number, number]> = [];

  if (routine.first === 'water') {
    acts.push({ kind: 'water', at: wake, litres: 7, minutes: 2, what: 'flush' }, { kind: 'appliance', at: wake + 10 * MIN, watts: 2000, minutes: 4, what: 'kettle' });
  } else {
    acts.push({ kind: 'appliance', at: wake, watts: 2000, minutes: 4, what: 'kettle' }, { kind: 'water', at: wake + 12 * MIN, litres: 7, minutes: 2, what: 'flush' });
  }

  if (routine.credentialRef && random() < routine.dayTrip) {
    const out = wake + Math.round(uniform(random, 90, 180)) * MIN;
    const back = out + Math.round(uniform(random, 360, 540)) * MIN;
    // Half the time the washing machine is started before leaving: it fills while she is out.
    if (random() < 0.5) acts.push(...washingMachine(out - 15 * MIN));
    acts.push(...leaving(out), { kind: 'gate', at: out + 5 * MIN, credentialRef: routine.credentialRef });
    acts.push({ kind: 'gate', at: back - 6 * MIN, credentialRef: routine.credentialRef }, ...arriving(back));
    away.push([out, back]);
  } else if (random() < routine.walk) {
    const out = midnight + Math.round(uniform(random, 13.5 * 60, 16 * 60)) * MIN;
    const back = out + Math.round(uniform(random, 60, 180)) * MIN;
    acts.push(...leaving(out), ...arriving(back));
    away.push([out, back]);
  }
  const isAway = (at: number, until = at) => away.some(([from, to]) => until >= from - 10 * MIN && at < to + 5 * MIN);

  for (const meal of [12 * 60, 18 * 60]) {
    const at = midnight + Math.round(meal + uniform(random, -30, 30)) * MIN;
    if (at > wake + 30 * MIN && at < bed - 40 * MIN && !isAway(at)) acts.push(...cooking(at));
  }

  if (routine.carer) {
    const arrive = midnight + Math.round(routine.carer.fromMin + uniform(random, 0, 5)) * MIN;
    const depart = midnight + Math.round(routine.carer.toMin - uniform(random, 1, 5)) * MIN;
    acts.push(...arriving(arrive, 'carer'));
    acts.push({ kind: 'water', at: arrive + 10 * MIN, litres: 20, minutes: 10, what: 'cleaning' });
    acts.push({ kind: 'appliance', at: arrive + 25 * MIN, watts: 1200, minutes: 20, what: 'vacuum' });
    acts.push(...leaving(depart, 'carer'));
  }

  for (let at = wake + Math.round(uniform(random, 25, 120)) * MIN; at < bed - 20 * MIN; at += Math.round(uniform(random, 25, 120)) * MIN) {
    let pick = random() * CHORE_WEIGHT;
    const chore = CHORES.find((candidate) => (pick -= candidate.weight) < 0) ?? CHORES[0]!;
    const choreActs = chore.acts(at);
    if (!choreActs.some((act) => isAway(act.at, actEnd(act)))) acts.push(...choreActs);
  }

  acts.push({ kind: 'water', at: bed - 10 * MIN, litres: 4, minutes: 3, what: 'wash' }, { kind: 'water', at: bed, litres: 7, minutes: 2, what: 'flush' });
  if (random() < routine.nightToilet) {
    const nextWake = midnight + (24 * 60 + routine.wakeMin - routine.wakeSpreadMin) * MIN;
    const from = bed + 90 * MIN;
    const to = nextWake - 60 * MIN;
    if (to > from) acts.push({ kind: 'water', at: Math.round(uniform(random, from, to) / MIN) * MIN, litres: 7, minutes: 2, what: 'night flush' });
  }
  return acts;
}
