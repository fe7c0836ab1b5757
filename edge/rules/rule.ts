import type { AlertCategory, AlertSeverity, Evidence, Reason, Subject } from '../../shared/contract/index.js';
import type { Clock } from '../../shared/time/clock.js';
import type { CanonicalEvent, ReadingFrame } from '../model/device-data.js';

/**
 * A rule looks at canonical events and reading frames and says how alerts should change. Rules are
 * deterministic: they decide on event times and on their episodes' evidence, never on the wall clock
 * or on hidden state, so a replay of the same inputs gives the same alerts (what backtesting and the
 * persisted engine of a later issue rely on). The clock is there for timer rules (inactivity) later.
 */
export interface Rule {
  /** snake_case; the AlertItem.rule on the wire; episodes are keyed by subject + rule id. */
  readonly id: string;
  onEvent?(event: CanonicalEvent, context: RuleContext): AlertChange[];
  onReadings?(frame: ReadingFrame, context: RuleContext): AlertChange[];
}

export interface RuleContext {
  readonly clock: Clock;
  /** This rule's open episode for a subject, if any. */
  episode(subject: Subject): ActiveEpisode | undefined;
}

/** An open alert episode, as the engine keeps it between raised and cleared. */
export interface ActiveEpisode {
  episode_id: string;
  rule: string;
  subject: Subject;
  category: AlertCategory;
  severity: AlertSeverity;
  /** Revision of the last change sent: raised is 1. */
  revision: number;
  raised_at: string;
  reason: Reason;
  evidence: Evidence;
}

/**
 * raise opens an episode (or, if one is open, becomes an update: never two episodes at once);
 * update and clear act on the open episode and are dropped when there is none. Evidence of an
 * update or clear is merged over the episode's evidence; a missing reason keeps the last one.
 */
export type AlertChange =
  | {
      action: 'raise';
      subject: Subject;
      category: AlertCategory;
      severity: AlertSeverity;
      event_time: string;
      reason: Reason;
      evidence: Evidence;
    }
  | { action: 'update' | 'clear'; subject: Subject; event_time: string; reason?: Reason; evidence: Evidence };
