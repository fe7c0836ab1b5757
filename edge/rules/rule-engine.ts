import type { AlertItem, Subject } from '../../shared/contract/index.js';
import { newId } from '../../shared/ids.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Clock } from '../../shared/time/clock.js';
import type { CanonicalEvent, ReadingFrame } from '../model/device-data.js';
import type { ActiveEpisode, AlertChange, Rule, RuleContext } from './rule.js';

/**
 * Feeds events and reading frames to every rule and turns their changes into AlertItem wire items.
 * Active episodes are keyed by rule + subject and kept in memory: the stand-in until the persisted
 * engine (rule state surviving restarts) lands. A rule that throws is logged and skipped; the others
 * still run.
 */
export class RuleEngine {
  private readonly episodes = new Map<string, ActiveEpisode>();

  constructor(
    private readonly rules: readonly Rule[],
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  onEvent(event: CanonicalEvent): AlertItem[] {
    return this.run((rule, context) => rule.onEvent?.(event, context) ?? []);
  }

  onReadings(frame: ReadingFrame): AlertItem[] {
    return this.run((rule, context) => rule.onReadings?.(frame, context) ?? []);
  }

  activeEpisodes(): ActiveEpisode[] {
    return [...this.episodes.values()].map((episode) => structuredClone(episode));
  }

  private run(call: (rule: Rule, context: RuleContext) => AlertChange[]): AlertItem[] {
    const alerts: AlertItem[] = [];
    for (const rule of this.rules) {
      const context: RuleContext = {
        clock: this.clock,
        episode: (subject) => this.episodes.get(keyOf(rule.id, subject)),
      };
      try {
        for (const change of call(rule, context)) {
          const alert = this.apply(rule.id, change);
          if (alert) alerts.push(alert);
        }
      } catch (error) {
        this.logger.error({ err: error, rule: rule.id }, 'rule failed; its input is skipped');
      }
    }
    return alerts;
  }

  private apply(ruleId: string, change: AlertChange): AlertItem | null {
    const key = keyOf(ruleId, change.subject);
    const open = this.episodes.get(key);
    if (!open) {
      if (change.action !== 'raise') return null;
      const episode: ActiveEpisode = {
        episode_id: newId(),
        rule: ruleId,
        subject: change.subject,
        category: change.category,
        severity: change.severity,
        revision: 1,
        raised_at: change.event_time,
        reason: change.reason,
        evidence: change.evidence,
      };
      this.episodes.set(key, episode);
      return toAlert(episode, 'raised', change.event_time);
    }
    const next: ActiveEpisode = {
      ...open,
      revision: open.revision + 1,
      reason: change.reason ?? open.reason,
      evidence: { ...open.evidence, ...change.evidence },
    };
    if (change.action === 'clear') {
      this.episodes.delete(key);
      return toAlert(next, 'cleared', change.event_time);
    }
    this.episodes.set(key, next);
    return toAlert(next, 'updated', change.event_time);
  }
}

function keyOf(ruleId: string, subject: Subject): string {
  return `${ruleId}\u001f${subject.kind}\u001f${subject.id}`;
}

function toAlert(episode: ActiveEpisode, state: AlertItem['state'], eventTime: string): AlertItem {
  return {
    id: newId(),
    episode_id: episode.episode_id,
    revision: episode.revision,
    rule: episode.rule,
    subject: episode.subject,
    category: episode.category,
    severity: episode.severity,
    state,
    event_time: eventTime,
    reason: episode.reason,
    evidence: episode.evidence,
  };
}
