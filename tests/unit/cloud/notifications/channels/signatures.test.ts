import { describe, expect, it } from 'vitest';
import { dingtalkSign, dingtalkUrl } from '../../../../../cloud/notifications/channels/dingtalk-channel.js';
import { feishuSign } from '../../../../../cloud/notifications/channels/feishu-channel.js';
import { generateWebhookSecret, webhookKey, webhookSignature } from '../../../../../cloud/notifications/channels/webhook-channel.js';

// Expected values computed apart from this code (Python's hmac, hashlib, base64, urllib.parse.quote_plus).
describe('robot signatures', () => {
  it('signs DingTalk as urlencode(base64(HMAC-SHA256(secret, ms + "\\n" + secret))) in the query string', () => {
    expect(dingtalkSign('SEC000', 1_700_000_000_000)).toBe('ltBBey5eZrWKh1cPzFIdz3v3xpkc4Tjx4lLsPSHqdtA%3D');
    expect(dingtalkUrl('https://oapi.dingtalk.com/robot/send?access_token=t', 'SEC000', 1_700_000_000_000)).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign=ltBBey5eZrWKh1cPzFIdz3v3xpkc4Tjx4lLsPSHqdtA%3D',
    );
    expect(dingtalkUrl('https://oapi.dingtalk.com/robot/send?access_token=t', null, 1)).toBe('https://oapi.dingtalk.com/robot/send?access_token=t');
  });

  it('signs Feishu as base64(HMAC-SHA256(key = seconds + "\\n" + secret, empty message)), not URL-encoded', () => {
    expect(feishuSign('feishu-secret', 1_700_000_000)).toBe('OrBzY1Y01Gq+HgJsl+7OfWcMVwc7YocohQm5iiZwjhU=');
  });

  it('signs webhooks as the Standard Webhooks specification does (its own test vector)', () => {
    const key = webhookKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')!;
    expect(webhookSignature(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('reads only whsec_ secrets, and generates one with a 32-byte key', () => {
    expect(webhookKey('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBeNull();
    expect(webhookKey('whsec_not base64!')).toBeNull();
    expect(webhookKey('whsec_')).toBeNull();
    const generated = generateWebhookSecret();
    expect(generated).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(webhookKey(generated)).toHaveLength(32);
  });
});
