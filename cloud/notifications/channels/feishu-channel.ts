import { createHmac } from 'node:crypto';
import type { ChannelSender, ChannelTarget, OutgoingMessage, SendContext, SendOutcome } from './channel.js';
import { plainText } from './channel.js';
import { failure, field, isAnswer, ok, outcomeOfHttpStatus, postJson } from './http-post.js';

/** code 19021: bad signature, or a timestamp more than an hour from Feishu's clock. */
const FEISHU_BAD_SIGNATURE = 19021;
/** code 11232: the bot's rate limit (100 a minute, 5 a second). */
const FEISHU_RATE_LIMITED = 11232;
const MINUTE_MS = 60_000;

/**
 * Feishu's signature differs from DingTalk's: timestamp in seconds; HMAC-SHA256 keyed with
 * timestamp + "\n" + secret over an empty message; base64, not URL-encoded; sent in the body.
 */
export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

/** Escapes what would end an <at> tag's attribute or element. */
function escapeAt(text: string): string {
  return text.replace(/[<>"&]/g, (character) => ({ '<': '&lt;', '>': '&gt;', '"': '&quot;', '&': '&amp;' })[character]!);
}

/** A text message, mentions by open_id; signed in the body when the bot is signed (a secret is stored). */
export function feishuBody(message: OutgoingMessage, secret: string | null, nowMs: number): Record<string, unknown> {
  const ats = message.mentions.flatMap((mention) => (mention.feishuOpenId ? [`<at user_id="${escapeAt(mention.feishuOpenId)}">${escapeAt(mention.displayName)}</at>`] : []));
  const content = { text: plainText(message, ats.length ? [ats.join(' ')] : []) };
  if (!secret) return { msg_type: 'text', content };
  const timestamp = Math.floor(nowMs / 1_000);
  return { timestamp: String(timestamp), sign: feishuSign(secret, timestamp), msg_type: 'text', content };
}

/**
 * Feishu / Lark custom bot: POST to its hook URL. It answers HTTP 200 with {"code":0,"msg":"success"}
 * (older bots: {"StatusCode":0}); any other code failed.
 */
export const feishuChannel: ChannelSender = {
  kind: 'feishu',
  async send(target: ChannelTarget, message: OutgoingMessage, context: SendContext): Promise<SendOutcome> {
    if (!target.url) return failure('permanent', null, 'the channel has no URL');
    const answer = await postJson(target.url, JSON.stringify(feishuBody(message, target.secret, context.now)), {}, context.timeoutMs, context.now);
    if (!isAnswer(answer)) return answer;
    if (answer.status === 429) return failure('retryable', 429, 'HTTP 429', { retryAfterMs: answer.retryAfterMs ?? MINUTE_MS });
    if (answer.status < 200 || answer.status > 299) return outcomeOfHttpStatus(answer);
    const code = field(answer.json, 'code') ?? field(answer.json, 'StatusCode');
    if (typeof code !== 'number') return failure('retryable', answer.status, 'the answer has no code');
    if (code === 0) return ok(answer.status, '0');
    const detail = `code ${code}: ${String(field(answer.json, 'msg') ?? field(answer.json, 'StatusMessage') ?? '')}`;
    const answerCode = String(code);
    if (code === FEISHU_RATE_LIMITED) return failure('retryable', answer.status, detail, { answerCode, retryAfterMs: MINUTE_MS });
    if (code === FEISHU_BAD_SIGNATURE) return failure('permanent', answer.status, detail, { answerCode });
    return failure('permanent', answer.status, detail, { answerCode });
  },
};
