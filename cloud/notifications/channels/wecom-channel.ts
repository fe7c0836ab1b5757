import type { ChannelSender, ChannelTarget, OutgoingMessage, SendContext, SendOutcome } from './channel.js';
import { failure, field, isAnswer, ok, outcomeOfHttpStatus, postJson } from './http-post.js';
import { fitUtf8 } from './utf8-limit.js';

/** WeCom group robot: a text message's content is at most 2048 bytes of UTF-8. */
export const WECOM_TEXT_MAX_BYTES = 2048;
/** errcode 45009: over 20 messages a minute for this robot. */
const WECOM_RATE_LIMITED = 45009;
/** errcode -1: system busy, try again. */
const WECOM_BUSY = -1;
const MINUTE_MS = 60_000;

/** The request body: text with mentions by mobile (they work only in text messages, not markdown). */
export function wecomBody(message: OutgoingMessage): Record<string, unknown> {
  const head = [message.title, ...message.lines].join('\n');
  const mobiles = message.mentions.flatMap((mention) => (mention.mobile ? [mention.mobile] : []));
  return {
    msgtype: 'text',
    text: { content: fitUtf8(head, message.link ?? '', WECOM_TEXT_MAX_BYTES), mentioned_mobile_list: mobiles },
  };
}

/**
 * WeCom (企业微信) group robot: POST to its webhook URL, whose key is the secret (stored as the URL,
 * never logged). It answers HTTP 200 with {"errcode":0,"errmsg":"ok"}; any other errcode failed.
 */
export const wecomChannel: ChannelSender = {
  kind: 'wecom',
  async send(target: ChannelTarget, message: OutgoingMessage, context: SendContext): Promise<SendOutcome> {
    if (!target.url) return failure('permanent', null, 'the channel has no URL');
    const answer = await postJson(target.url, JSON.stringify(wecomBody(message)), {}, context.timeoutMs, context.now);
    if (!isAnswer(answer)) return answer;
    if (answer.status < 200 || answer.status > 299) return outcomeOfHttpStatus(answer);
    const errcode = field(answer.json, 'errcode');
    if (typeof errcode !== 'number') return failure('retryable', answer.status, 'the answer has no errcode');
    if (errcode === 0) return ok(answer.status, '0');
    const detail = `errcode ${errcode}: ${String(field(answer.json, 'errmsg') ?? '')}`;
    if (errcode === WECOM_RATE_LIMITED) return failure('retryable', answer.status, detail, { answerCode: String(errcode), retryAfterMs: MINUTE_MS });
    if (errcode === WECOM_BUSY) return failure('retryable', answer.status, detail, { answerCode: String(errcode) });
    // An invalid key (93000), a refused body (40008, 44004...): sending again changes nothing.
    return failure('permanent', answer.status, detail, { answerCode: String(errcode) });
  },
};
