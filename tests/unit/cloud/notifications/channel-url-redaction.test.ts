import { describe, expect, it } from 'vitest';
import { redactedChannelUrl } from '../../../../cloud/notifications/channel-url-redaction.js';

describe('channel URLs as shown', () => {
  it('masks the robot key, the access token and a Feishu hook id', () => {
    expect(redactedChannelUrl('wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx')).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***');
    expect(redactedChannelUrl('dingtalk', 'https://oapi.dingtalk.com/robot/send?access_token=abc123')).toBe('https://oapi.dingtalk.com/robot/send?access_token=***');
    expect(redactedChannelUrl('feishu', 'https://open.feishu.cn/open-apis/bot/v2/hook/0c9e-secret-id')).toBe('https://open.feishu.cn/open-apis/bot/v2/hook/***');
    expect(redactedChannelUrl('webhook', 'https://user:pw@hooks.example.com/in?token=t')).toBe('https://hooks.example.com/in?token=***');
    expect(redactedChannelUrl('log', null)).toBeNull();
  });
});
