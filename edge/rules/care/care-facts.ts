import type { ActivitySignal, Sighting } from '../activity/activity-signal.js';
import type { SignalWatch } from '../activity/signal-watch.js';
import type { CareCheck } from './care-state.js';
import type { MorningRoutine } from './morning-routine.js';

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
  /** Water has run without a break since then (a tap left on). */
  waterRunningSince: number | undefined;
  /** The inactivity limit the quiet was judged on. */
  limit?: { hours: number; window: 'day' | 'night'; /** The night deadline waited for the morning check at this time. */ heldTo: number | undefined };
  /** The morning routine the morning check was judged on. */
  routine?: MorningRoutine & { minHistoryDays: number; defaultFirst: string };
}
