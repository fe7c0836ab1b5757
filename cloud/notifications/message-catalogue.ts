import type { AlertCategory } from '../../shared/contract/index.js';
import type { TicketPriority, TicketStatus } from '../tickets/ticket.js';
import type { NotificationPurpose } from './notification-purpose.js';

export const MESSAGE_LANGUAGES = ['zh', 'en'] as const;
export type MessageLanguage = (typeof MESSAGE_LANGUAGES)[number];

/** Every word a message is made of, per language; zh is the default of every channel. */
export interface MessageCatalogue {
  purpose: Readonly<Record<NotificationPurpose, string>>;
  category: Readonly<Record<AlertCategory, string>>;
  status: Readonly<Record<TicketStatus, string>>;
  /** Audiences the message names in words; any other is shown as given. */
  audience: Readonly<Record<string, string>>;
  priority(priority: TicketPriority): string;
  /** Between a label and its value. */
  colon: string;
  /** Labels of the lines, each followed by its value. */
  label: { where: string; reason: string; since: string; ackBy: string; onSiteBy: string; followUpBy: string; details: string; recipients: string; channel: string; error: string; devices: string };
  escalationStep(step: number, audience: string): string;
  devicesOffline(count: number): string;
  /** Joins a list of names. */
  list(items: readonly string[]): string;
  /** Where the subject of a ticket was not found in the registry. */
  unknownPlace(kind: string, id: string): string;
  gateway(name: string): string;
  device(id: string): string;
  channelTest(channelName: string): string;
  deadLetter(purpose: string): string;
}

const zh: MessageCatalogue = {
  purpose: {
    ticket_assigned: '新工单',
    ticket_informed: '知会',
    ack_overdue: '接单超时',
    on_site_overdue: '到场超时',
    follow_up_due: '待回访',
    follow_up_overdue: '回访超时',
    pool_expired: '抢单池超时未接',
    ticket_pooled: '待抢单',
    alert_cleared: '告警已解除，请回访确认',
    hold_requested: '挂起申请待审批',
    ticket_reassigned: '工单转派',
    devices_offline_grouped: '设备离线',
    dead_letter_warning: '通知发送失败',
    daily_digest: '每日汇总',
    channel_test: '通知渠道测试',
  },
  category: { lift_entrapment: '电梯困人', lift_fault: '电梯故障', care_visit: '上门关怀', water_leak: '漏水', device_offline: '设备离线' },
  status: {
    open: '待派单',
    assigned: '待接单',
    acknowledged: '已接单',
    on_site: '已到场',
    on_hold: '已挂起',
    resolved: '待回访',
    followed_up: '已回访',
    closed: '已关闭',
  },
  audience: {
    assignee: '处理人',
    housekeeper: '管家',
    facilities: '工程维修',
    lift_contractor: '电梯维保',
    supervisor: '主管',
    estate_manager: '项目经理',
    admin: '管理员',
    emergency_contact: '紧急联系人',
    informed: '知会人',
  },
  priority: (priority) => priority,
  colon: '：',
  label: { where: '地点', reason: '原因', since: '发生时间', ackBy: '接单期限', onSiteBy: '到场期限', followUpBy: '回访期限', details: '摘要', recipients: '通知', channel: '渠道', error: '错误', devices: '设备' },
  escalationStep: (step, audience) => `升级第${step}步：${audience}`,
  devicesOffline: (count) => `${count}台设备离线`,
  list: (items) => items.join('、'),
  unknownPlace: (kind, id) => `${kind} ${id}`,
  gateway: (name) => `网关 ${name}`,
  device: (id) => `设备 ${id}`,
  channelTest: (name) => `这是一条测试消息，来自渠道“${name}”。收到即表示配置正确。`,
  deadLetter: (purpose) => `一条“${purpose}”通知多次发送失败，已停止重试，请检查渠道配置。`,
};

const en: MessageCatalogue = {
  purpose: {
    ticket_assigned: 'New ticket',
    ticket_informed: 'For your information',
    ack_overdue: 'Not acknowledged in time',
    on_site_overdue: 'Not on site in time',
    follow_up_due: 'Follow-up call due',
    follow_up_overdue: 'Follow-up call overdue',
    pool_expired: 'Nobody took it from the pool',
    ticket_pooled: 'Up for grabs',
    alert_cleared: 'Alert cleared before anyone acted: follow up',
    hold_requested: 'Hold requested: approve or refuse',
    ticket_reassigned: 'Ticket reassigned',
    devices_offline_grouped: 'Devices offline',
    dead_letter_warning: 'Notification failed',
    daily_digest: 'Daily digest',
    channel_test: 'Channel test',
  },
  category: { lift_entrapment: 'Lift entrapment', lift_fault: 'Lift fault', care_visit: 'Care visit', water_leak: 'Water leak', device_offline: 'Device offline' },
  status: {
    open: 'not yet dispatched',
    assigned: 'assigned',
    acknowledged: 'acknowledged',
    on_site: 'on site',
    on_hold: 'on hold',
    resolved: 'resolved, follow-up due',
    followed_up: 'followed up',
    closed: 'closed',
  },
  audience: {
    assignee: 'assignee',
    housekeeper: 'housekeeper',
    facilities: 'facilities',
    lift_contractor: 'lift contractor',
    supervisor: 'supervisor',
    estate_manager: 'estate manager',
    admin: 'administrator',
    emergency_contact: 'emergency contact',
    informed: 'informed',
  },
  priority: (priority) => priority,
  colon: ': ',
  label: { where: 'Where', reason: 'Why', since: 'Since', ackBy: 'Acknowledge by', onSiteBy: 'On site by', followUpBy: 'Follow-up call by', details: 'Summary', recipients: 'For', channel: 'Channel', error: 'Error', devices: 'Devices' },
  escalationStep: (step, audience) => `Escalation step ${step}: ${audience}`,
  devicesOffline: (count) => `${count} devices offline`,
  list: (items) => items.join(', '),
  unknownPlace: (kind, id) => `${kind} ${id}`,
  gateway: (name) => `gateway ${name}`,
  device: (id) => `device ${id}`,
  channelTest: (name) => `A test message from the channel "${name}". If you read this, it is set up correctly.`,
  deadLetter: (purpose) => `A "${purpose}" notification failed every attempt and is no longer retried: check the channel's settings.`,
};

export const MESSAGE_CATALOGUES: Readonly<Record<MessageLanguage, MessageCatalogue>> = { zh, en };
