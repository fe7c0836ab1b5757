import type { AlertCategory, AlertSeverity, Evidence, Reason, Subject } from '../../shared/contract/index.js';
import type { RulesConfig } from '../../shared/contract/rules-config.js';
import type { Availability } from '../drivers/driver.js';
import type { CanonicalEvent, ReadingFrame } from '../model/device-data.js';

/**
 * A rule looks at canonical events, reading frames, device availability and its own timers, and
 * says how alerts should change. Rules are deterministic in event time: they decide on the times
 * of their inputs (context.now), on their persisted state and on their episodes, never on the wall
 * clock, so a replay of the same inputs gives the same alerts (backtest), and a restart that
 * reloads the state neither loses a running timer nor raises an alert twice.
 */
export interface Rule {
  /** snake_case; the AlertItem.rule on the wire; episodes are keyed by subject + rule id. */
  readonly id: string;
  onEvent?(event: CanonicalEvent, context: RuleContext): readonly AlertChange[];
  onReadings?(frame: ReadingFrame, context: RuleContext): readonly AlertChange[];
  /** A device came online or went offline (edge/drivers/driver.ts Availability), at context.now. */
  onAvailability?(device: DeviceInfo, availability: Availability, context: RuleContext): readonly AlertChange[];
  /** A timer this rule set has come due; context.now is the timer's time. */
  onTimer?(key: string, context: RuleContext): readonly AlertChange[];
  /**
   * The engine has started (a gateway process, a backtest) and is about to handle its first input;
   * context.now is that input's time (or the last engine time, if later), before any due timer
   * fires. Lets a rule re-arm what the gateway's own downtime made meaningless (a device is not
   * to blame for the hours the gateway was off). devices: every device the gateway has.
   */
  onStart?(devices: readonly DeviceInfo[], context: RuleContext): readonly AlertChange[];
}

/**
 * What a hook returns when it changes no alert, on the paths a rule takes for nearly every frame:
 * one frozen array for every such call (an empty literal elsewhere is as right). Every rule
 * sees every frame of the estate and most frames change nothing; an empty array made for each was
 * some 4 % of the bytes the rules bench allocated (sampled), and every byte allocated brings the
 * next scavenge nearer.
 */
export const NO_ALERT_CHANGES: readonly AlertChange[] = Object.freeze([]);

/** What the engine tells a rule about a device: who it is about and its model. */
export interface DeviceInfo {
  id: string;
  subject: Subject;
  /** Device profile id and kind (edge/profiles/device-profile.ts DeviceKind). */
  profile: string;
  kind: string;
  /** Milliseconds between polls for a polled device; undefined for devices that push (MQTT). */
  pollIntervalMs: number | undefined;
  /** The field bus a polled device sits on (gateway config `bus`); undefined for devices that push. */
  bus?: string;
}

export interface RuleContext {
  /** Engine time, epoch ms: the event time of the input being handled, or the due time of a timer. */
  readonly now: number;
  /** The rule parameters and care profiles in force (shared/contract/rules-config.ts). */
  readonly config: RulesConfig;
  /** This rule's open episode for a subject, if any. */
  episode(subject: Subject): ActiveEpisode | undefined;
  /** This rule's persisted state under a key (JSON values only), or undefined. */
  state<T>(key: string): T | undefined;
  /** Sets (or, with undefined, deletes) this rule's state under a key; persisted with the input. */
  setState(key: string, value: unknown): void;
  /** Sets this rule's timer `key` to fire at `at` (event time); setting it again moves it. */
  setTimer(key: string, at: number): void;
  clearTimer(key: string): void;
  /** The devices the gateway knows, and which of them are offline now and since when. */
  readonly devices: DeviceDirectory;
}

export interface DeviceDirectory {
  get(deviceId: string): DeviceInfo | undefined;
  /** Every device whose subject is this one (a household's door, water and electricity meters). */
  about(subject: Subject): readonly DeviceInfo[];
  /** Offline since (engine time), or undefined when the device is online or has not reported. */
  offlineSince(deviceId: string): number | undefined;
  /** Every device of the gateway. */
  all(): readonly DeviceInfo[];
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
