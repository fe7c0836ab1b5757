import type { ChannelKind } from './channel-kind.js';

/**
 * What one attempt came to. ok: the receiver took it. retryable: it answered "later" (rate limit,
 * busy, 5xx, 408, 429). permanent: it will never take this (bad key, bad signature, other 4xx).
 * timeout: no answer in time. network: no connection. timeout and network are retried.
 */
export type AttemptClassification = 'ok' | 'retryable' | 'permanent' | 'timeout' | 'network';

export interface SendOutcome {
  classification: AttemptClassification;
  httpStatus: number | null;
  /** The vendor's business code from the answer's JSON body (errcode, code), as text. */
  answerCode: string | null;
  /** What went wrong, for the delivery log; never the URL's key or the secret. */
  error: string | null;
  /** The receiver's own "try again after" (Retry-After, a throttle it documents), when longer than our back-off. */
  retryAfterMs: number | null;
}

/** A staff member named in a message, and how each robot mentions them. */
export interface Mention {
  staffId: string;
  displayName: string;
  /** WeCom (mentioned_mobile_list) and DingTalk (at.atMobiles, and the mobile in the text). */
  mobile: string | null;
  /** Feishu: <at user_id="ou_...">name</at>. */
  feishuOpenId: string | null;
}

/** A rendered message, ready for any channel. */
export interface OutgoingMessage {
  /** The delivery's id: the message's idempotency id (webhook-id; the same on every retry). */
  id: string;
  /** One line: what, and why now. */
  title: string;
  /** The remaining lines. */
  lines: readonly string[];
  /** Where to open the ticket; null for messages about no ticket. */
  link: string | null;
  mentions: readonly Mention[];
  /** The message as data, for generic webhooks. */
  data: Record<string, unknown>;
}

/** Where a channel sends: its stored URL and secret. */
export interface ChannelTarget {
  /** null: the process log, used when an estate has no channel. */
  id: string | null;
  kind: ChannelKind;
  url: string | null;
  secret: string | null;
}

export interface SendContext {
  /** Now, from the service's clock: signing timestamps are taken from it. */
  now: number;
  timeoutMs: number;
}

/** One kind of channel: turns a message into the vendor's request and its answer into an outcome. Never throws. */
export interface ChannelSender {
  readonly kind: ChannelKind;
  send(target: ChannelTarget, message: OutgoingMessage, context: SendContext): Promise<SendOutcome>;
}

/** The message as plain text lines: title, body, link. */
export function plainText(message: OutgoingMessage, extraLines: readonly string[] = []): string {
  return [message.title, ...message.lines, ...(message.link ? [message.link] : []), ...extraLines].join('\n');
}
