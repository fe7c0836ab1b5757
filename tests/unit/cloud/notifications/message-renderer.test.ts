import { describe, expect, it } from 'vitest';
import { plainText } from '../../../../cloud/notifications/channels/channel.js';
import { dingtalkBody } from '../../../../cloud/notifications/channels/dingtalk-channel.js';
import { feishuBody } from '../../../../cloud/notifications/channels/feishu-channel.js';
import { wecomBody } from '../../../../cloud/notifications/channels/wecom-channel.js';
import type { MessageContext, TicketFacts } from '../../../../cloud/notifications/message-context.js';
import { renderMessage } from '../../../../cloud/notifications/message-renderer.js';

const RAISED_AT = Date.parse('2026-11-05T00:30:00Z'); // 08:30 in Shanghai
const MINUTE = 60_000;

const careVisit: TicketFacts = {
  id: 't-1',
  type: 'care_visit',
  priority: 'P2',
  status: 'assigned',
  reasonZh: '独居老人超过12小时未见活动',
  reasonEn: 'No activity for over 12 hours (lives alone)',
  evidence: { quiet_hours: 12.5, last_signal: 'door' },
  raisedAt: RAISED_AT,
  ackDueAt: RAISED_AT + 15 * MINUTE,
  onSiteDueAt: RAISED_AT + 120 * MINUTE,
  followUpDueAt: null,
  followedUpAt: null,
  place: { building: '1号楼', unit: '1-101', asset: null, gateway: null, device: null, subjectKind: 'unit', subjectId: 'hh-7f3a' },
};

function contextOf(changes: Partial<MessageContext> = {}): MessageContext {
  return {
    deliveryId: 'd-1',
    notificationId: 'n-1',
    purpose: 'ticket_assigned',
    chain: 'ack',
    step: 0,
    audience: 'housekeeper',
    estateId: 'sunrise',
    estateName: '朝阳花园',
    timeZone: 'Asia/Shanghai',
    ticket: careVisit,
    recipients: [{ staffId: 's-1', displayName: '王管家', mobile: '13800001111', feishuOpenId: 'ou_7d8a6e6df7621556ce0d21922b676706' }],
    details: {},
    group: null,
    channelName: 'WeCom 1号楼',
    ...changes,
  };
}

const options = { language: 'zh', showResidentDetails: false, publicUrl: 'https://care.example.com/' } as const;

describe('the message a housekeeper receives', () => {
  it('for a care visit, in Chinese: what, where, why, since when, the deadline, who, the link; no readings', () => {
    expect(plainText(renderMessage(contextOf(), options))).toBe(
      [
        '【上门关怀】新工单 · P2',
        '地点：朝阳花园 1号楼 1-101',
        '原因：独居老人超过12小时未见活动',
        '发生时间：2026-11-05 08:30',
        '接单期限：2026-11-05 08:45（待接单）',
        '通知：王管家',
        'https://care.example.com/tickets/t-1',
      ].join('\n'),
    );
  });

  it('for a care visit, in English', () => {
    expect(plainText(renderMessage(contextOf(), { ...options, language: 'en' }))).toBe(
      [
        '[Care visit] New ticket · P2',
        'Where: 朝阳花园 1号楼 1-101',
        'Why: No activity for over 12 hours (lives alone)',
        'Since: 2026-11-05 08:30',
        'Acknowledge by: 2026-11-05 08:45 (assigned)',
        'For: 王管家',
        'https://care.example.com/tickets/t-1',
      ].join('\n'),
    );
  });

  it('shows a household’s evidence summary only on a channel set to show it', () => {
    expect(plainText(renderMessage(contextOf(), options))).not.toContain('quiet_hours');
    expect(renderMessage(contextOf(), { ...options, showResidentDetails: true }).lines).toContain('摘要：quiet_hours=12.5, last_signal=door');
    // A lift's evidence is about a machine, and always shown.
    const lift: TicketFacts = { ...careVisit, type: 'lift_fault', evidence: { fault_code: 'E21' }, place: { ...careVisit.place, unit: null, asset: '2号电梯', subjectKind: 'asset' } };
    expect(renderMessage(contextOf({ ticket: lift }), options).lines).toContain('摘要：fault_code=E21');
  });

  it('names the escalation step and who it is for, and the deadline that applies now', () => {
    const escalated = renderMessage(contextOf({ purpose: 'ack_overdue', step: 2, audience: 'supervisor' }), options);
    expect(escalated.title).toBe('【上门关怀】接单超时 · P2');
    expect(escalated.lines).toContain('升级第2步：主管');
    const acknowledged = renderMessage(contextOf({ ticket: { ...careVisit, status: 'acknowledged' } }), { ...options, language: 'en' });
    expect(acknowledged.lines).toContain('On site by: 2026-11-05 10:30 (acknowledged)');
    expect(renderMessage(contextOf({ ticket: { ...careVisit, status: 'resolved' } }), options).lines.join('\n')).not.toContain('期限');
  });

  it('puts the mentions where each robot wants them', () => {
    const message = renderMessage(contextOf(), options);
    expect(wecomBody(message)).toEqual({ msgtype: 'text', text: { content: plainText(message), mentioned_mobile_list: ['13800001111'] } });
    expect(dingtalkBody(message)).toEqual({ msgtype: 'text', text: { content: `${plainText(message)}\n@13800001111` }, at: { atMobiles: ['13800001111'], isAtAll: false } });
    expect(feishuBody(message, null, RAISED_AT)).toEqual({
      msg_type: 'text',
      content: { text: `${plainText(message)}\n<at user_id="ou_7d8a6e6df7621556ce0d21922b676706">王管家</at>` },
    });
  });

  it('groups offline devices into one message naming how many and where', () => {
    const device = (id: string, unit: string): TicketFacts => ({
      ...careVisit,
      id,
      type: 'device_offline',
      priority: 'P3',
      place: { building: '1号楼', unit, asset: null, gateway: null, device: id, subjectKind: 'device', subjectId: id },
    });
    const tickets = ['101', '102', '103', '104', '105', '106', '107'].map((unit, i) => device(`meter-${i}`, `1-${unit}`));
    const message = renderMessage(contextOf({ purpose: 'devices_offline_grouped', ticket: null, chain: null, group: { tickets } }), options);
    expect(message.title).toBe('【设备离线】7台设备离线');
    expect(message.lines[0]).toBe('地点：朝阳花园 1号楼 1-101 设备 meter-0、1号楼 1-102 设备 meter-1、1号楼 1-103 设备 meter-2、1号楼 1-104 设备 meter-3、1号楼 1-105 设备 meter-4 等7处');
    expect(message.link).toBe('https://care.example.com/tickets?type=device_offline');
  });
});
