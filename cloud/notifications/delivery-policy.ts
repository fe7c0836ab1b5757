import type { ChannelKind } from './channels/channel-kind.js';

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;

/** How long one HTTP request to a robot or webhook may take before it counts as a timeout (and is retried). */
export const SEND_TIMEOUT_MS = 10 * SECOND_MS;
/** First retry after a failed attempt; each later one waits twice as long as the one before ... */
export const RETRY_BASE_DELAY_MS = 5 * SECOND_MS;
/** ... up to this. 5 s, 10 s, 20 s, 40 s, 80 s, 160 s, then every 5 min. */
export const RETRY_MAX_DELAY_MS = 5 * MINUTE_MS;
/** A delivery that has failed this many attempts goes dead (a dead letter) ... */
export const MAX_ATTEMPTS = 8;
/** ... and so does one still failing this long after it was queued: an alert hours late helps no one. */
export const MAX_DELIVERY_AGE_MS = 30 * MINUTE_MS;
/**
 * How long a claimed delivery belongs to the instance that claimed it: more than one request's
 * timeout, so only an instance that died mid-send loses it (the delivery is then sent again).
 */
export const SEND_LEASE_MS = SEND_TIMEOUT_MS + 20 * SECOND_MS;
/** device_offline notifications of one estate with one group key, due this close together, go out as one message. */
export const GROUPING_WINDOW_MS = 30 * SECOND_MS;
/** How often the dispatcher looks for due work when nothing wakes it. */
export const DISPATCH_INTERVAL_MS = 5 * SECOND_MS;
/** Deliveries claimed per round; each round sends them concurrently. */
export const CLAIM_BATCH_SIZE = 20;

/** At most `limit` requests to one channel in any `windowMs`. */
export interface RateWindow {
  windowMs: number;
  limit: number;
}

/**
 * What each robot accepts. WeCom group robot and DingTalk custom robot: 20 messages a minute per
 * robot (DingTalk then throttles for 10 minutes). Feishu custom bot: 100 a minute and 5 a second per
 * bot (Feishu open platform, custom bot guide, "rate limits"). The log and generic webhooks have none.
 */
export const RATE_WINDOWS: Readonly<Record<ChannelKind, readonly RateWindow[]>> = {
  wecom: [{ windowMs: MINUTE_MS, limit: 20 }],
  dingtalk: [{ windowMs: MINUTE_MS, limit: 20 }],
  feishu: [
    { windowMs: MINUTE_MS, limit: 100 },
    { windowMs: SECOND_MS, limit: 5 },
  ],
  webhook: [],
  log: [],
};

/** Wait before retry number `attempt` (1 = after the first failure): exponential, capped. */
export function retryDelayMs(attempt: number): number {
  return Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
}
