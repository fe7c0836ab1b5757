import { createHmac, randomBytes } from 'node:crypto';
import type { ChannelSender, ChannelTarget, OutgoingMessage, SendContext, SendOutcome } from './channel.js';
import { failure, isAnswer, ok, outcomeOfHttpStatus, postJson } from './http-post.js';

/** Standard Webhooks: a secret is "whsec_" followed by the base64 of its key bytes. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** Key bytes of a generated secret (the specification asks for 24 to 64). */
const GENERATED_SECRET_BYTES = 32;

/** A new secret in the Standard Webhooks form, to give the receiver once. */
export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(GENERATED_SECRET_BYTES).toString('base64');
}

/** The key bytes of a "whsec_<base64>" secret; null when it is not one. */
export function webhookKey(secret: string): Buffer | null {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) return null;
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return null;
  const key = Buffer.from(encoded, 'base64');
  return key.length > 0 ? key : null;
}

/** webhook-signature: "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)), timestamp in seconds. */
export function webhookSignature(key: Buffer, id: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** The event the receiver gets: the message as data and as text. */
export function webhookPayload(message: OutgoingMessage, nowMs: number): Record<string, unknown> {
  return {
    type: 'notification',
    timestamp: new Date(nowMs).toISOString(),
    data: { ...message.data, title: message.title, text: [message.title, ...message.lines].join('\n'), link: message.link, mentions: message.mentions.map((m) => ({ staff_id: m.staffId, display_name: m.displayName })) },
  };
}

/**
 * A generic signed webhook, the Standard Webhooks scheme (standardwebhooks.com): headers webhook-id
 * (the delivery id, the same on each retry, so the receiver dedupes), webhook-timestamp (seconds) and
 * webhook-signature. Any 2xx is taken; there is no business code to read.
 */
export const webhookChannel: ChannelSender = {
  kind: 'webhook',
  async send(target: ChannelTarget, message: OutgoingMessage, context: SendContext): Promise<SendOutcome> {
    if (!target.url) return failure('permanent', null, 'the channel has no URL');
    const key = target.secret ? webhookKey(target.secret) : null;
    if (!key) return failure('permanent', null, 'the channel has no whsec_ secret');
    const timestamp = Math.floor(context.now / 1_000);
    const body = JSON.stringify(webhookPayload(message, context.now));
    const headers = { 'webhook-id': message.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': webhookSignature(key, message.id, timestamp, body) };
    const answer = await postJson(target.url, body, headers, context.timeoutMs, context.now);
    if (!isAnswer(answer)) return answer;
    if (answer.status < 200 || answer.status > 299) return outcomeOfHttpStatus(answer);
    return ok(answer.status, null);
  },
};
