import type { AwayPeriod } from '../../../shared/contract/rules-config-care.js';
import type { ActivitySignal, Sighting } from '../activity/activity-signal.js';
import type { SignalWatch } from '../activity/signal-watch.js';
import type { CareCheck, Discounted } from './care-state.js';
import type { MorningRoutine } from './morning-routine.js';
import type { LearnedLimit } from './quiet-lengths.js';

/** What a care alert rests on: the reason and the evidence are both written from this. */
export interface QuietFacts {
  check: CareCheck;
  unitId: string;
  livesAlone: boolean;
  utcOffsetMin: number;
  now: number;
  /** Quiet since (the latest activity, or when watching began). */
  quietSince: number;
  last: Partial<Record<ActivitySignal, Sighting>>;
  decidedOn: ActivitySignal[];
  /** Signals that did not watch the whole quiet. */
  blind: SignalWatch[];
  /** Water has run steadily since then (a tap left on), at about this rate. */
  waterRunning: { since: number; litresPerMin?: number } | undefined;
  /** Switch-ons during the quiet not counted as activity (a learned heater's reheat). */
  discounted: Discounted[];
  /** The inactivity limit the quiet was judged on. */
  limit?: {
    hours: number;
    window: 'day' | 'night';
    /** The night deadline waited for the morning check at this time. */
    heldTo: number | undefined;
    /** The household's own quiet lengths stretched the daytime limit, or the end of the day cut it. */
    learned?: LearnedLimit['basis'] | 'meter_blind';
    cutAtEvening?: boolean;
  };
  /** The morning routine the morning check was judged on. */
  routine?: MorningRoutine & { minHistoryDays: number; defaultFirst: string };
  /** A registered absence ended and she has not come back through the door. */
  missedReturn?: { period: AwayPeriod; end: number };
}
