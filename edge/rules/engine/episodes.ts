import { AlertItemSchema, fromWireTime, toWireTime, type AlertItem } from '../../../shared/contract/index.js';
import { stableId } from '../../../shared/ids.js';
import type { ActiveEpisode, AlertChange } from '../rule.js';

/** The outcome of one AlertChange: the episode as it is now (undefined once cleared) and its wire item. */
export interface EpisodeStep {
  episode: ActiveEpisode | undefined;
  alert: AlertItem;
}

/**
 * Applies one change of a rule to its open episode (rule.ts AlertChange): raise opens one, or is an
 * update of the open one; update and clear act on the open one and are dropped without it. Returns
 * null for a dropped change; throws when the resulting alert is not a valid wire item (the caller
 * logs it and keeps the episode as it was).
 *
 * Ids are deterministic, so a replay of the same inputs gives identical items and a restart that
 * raises again (state lost after the alert left) gives the same episode, which the cloud dedupes:
 * episode_id = stableId(rule, subject kind, subject id, raise time in epoch ms) and
 * alert id = stableId(episode_id, revision).
 */
export function applyChange(rule: string, open: ActiveEpisode | undefined, change: AlertChange): EpisodeStep | null {
  let episode: ActiveEpisode;
  let state: AlertItem['state'];
  if (!open) {
    if (change.action !== 'raise') return null;
    const raisedMs = fromWireTime(change.event_time);
    if (!Number.isFinite(raisedMs)) throw new Error(`raise of ${rule} has event_time "${change.event_time}", not a wire time`);
    episode = {
      episode_id: stableId(rule, change.subject.kind, change.subject.id, raisedMs),
      rule,
      subject: change.subject,
      category: change.category,
      severity: change.severity,
      revision: 1,
      raised_at: toWireTime(raisedMs),
      reason: change.reason,
      evidence: change.evidence,
    };
    state = 'raised';
  } else {
    episode = {
      ...open,
      // A raise on an open episode may change its severity (an escalation); the category stays.
      severity: change.action === 'raise' ? change.severity : open.severity,
      revision: open.revision + 1,
      reason: change.reason ?? open.reason,
      evidence: { ...open.evidence, ...change.evidence },
    };
    state = change.action === 'clear' ? 'cleared' : 'updated';
  }
  const alert: AlertItem = {
    id: stableId(episode.episode_id, episode.revision),
    episode_id: episode.episode_id,
    revision: episode.revision,
    rule,
    subject: episode.subject,
    category: episode.category,
    severity: episode.severity,
    state,
    event_time: change.event_time,
    reason: episode.reason,
    evidence: episode.evidence,
  };
  const checked = AlertItemSchema.safeParse(alert);
  if (!checked.success) throw new Error(`alert of ${rule} is not a valid wire item: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { episode: state === 'cleared' ? undefined : episode, alert };
}
