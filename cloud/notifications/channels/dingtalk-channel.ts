import { createHmac } from 'node:crypto';
import type { ChannelSender, ChannelTarget, OutgoingMessage, SendContext, SendOutcome } from './channel.js';
import { plainText } from './channel.js';
import { failure, field, isAnswer, ok, outcomeOfHttpStatus, postJson } from './http-post.js';

/** errcode 130101: "send too fast": over 20 a minute, and the robot is throttled for 10 minutes. */
const DINGTALK_TOO_FAST = 130101;
const DINGTALK_THROTTLE_MS = 10 * 60_000;
/** errcode 310000: signature mismatch, keyword missing or IP not allowed (the errmsg says which). */
const DINGTALK_SECURITY_REFUSED = 310000;
/** errcode -1: system busy. */
const DINGTALK_BUSY = -1;

/** sign = urlencode(base64(HMAC-SHA256(key = secret, message = timestamp + "\n" + secret))), timestamp in ms. */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return encodeURIComponent(createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64'));
}

/** The robot URL with timestamp and sign appended when the robot is signed (a secret is stored). */
export function dingtalkUrl(url: string, secret: string | null, timestampMs: number): string {
  if (!secret) return url;
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}timestamp=${timestampMs}&sign=${dingtalkSign(secret, timestampMs)}`;
}

/** A text message; a mention shows only when the mobile is also in the text. */
export function dingtalkBody(message: OutgoingMessage): Record<string, unknown> {
  const mobiles = message.mentions.flatMap((mention) => (mention.mobile ? [mention.mobile] : []));
  const mentionLine = mobiles.map((mobile) => `@${mobile}`).join(' ');
  return {
    msgtype: 'text',
    text: { content: plainText(message, mentionLine ? [mentionLine] : []) },
    at: { atMobiles: mobiles, isAtAll: false },
  };
}

/**
 * DingTalk custom robot: POST to its URL (access_token in it), signed in the query string. It
 * answers HTTP 200 with {"errcode":0,"errmsg":"ok"}; any other errcode failed.
 */
export const dingtalkChannel: ChannelSender = {
  kind: 'dingtalk',
  async send(target: ChannelTarget, message: OutgoingMessage, context: SendContext): Promise<SendOutcome> {
    if (!target.url) return failure('permanent', null, 'the channel has no URL');
    const answer = await postJson(dingtalkUrl(target.url, target.secret, context.now), JSON.stringify(dingtalkBody(message)), {}, context.timeoutMs, context.now);
    if (!isAnswer(answer)) return answer;
    if (answer.status < 200 || answer.status > 299) return outcomeOfHttpStatus(answer);
    const errcode = field(answer.json, 'errcode');
    if (typeof errcode !== 'number') return failure('retryable', answer.status, 'the answer has no errcode');
    if (errcode === 0) return ok(answer.status, '0');
    const detail = `errcode ${errcode}: ${String(field(answer.json, 'errmsg') ?? '')}`;
    const answerCode = String(errcode);
    if (errcode === DINGTALK_TOO_FAST) return failure('retryable', answer.status, detail, { answerCode, retryAfterMs: DINGTALK_THROTTLE_MS });
    if (errcode === DINGTALK_BUSY) return failure('retryable', answer.status, detail, { answerCode });
    if (errcode === DINGTALK_SECURITY_REFUSED) return failure('permanent', answer.status, detail, { answerCode });
    return failure('permanent', answer.status, detail, { answerCode });
  },
};
