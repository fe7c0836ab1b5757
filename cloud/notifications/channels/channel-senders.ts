import type { Logger } from '../../../shared/log/logger.js';
import type { ChannelSender } from './channel.js';
import type { ChannelKind } from './channel-kind.js';
import { dingtalkChannel } from './dingtalk-channel.js';
import { feishuChannel } from './feishu-channel.js';
import { logChannel } from './log-channel.js';
import { webhookChannel } from './webhook-channel.js';
import { wecomChannel } from './wecom-channel.js';

export type ChannelSenders = Readonly<Record<ChannelKind, ChannelSender>>;

/** One sender per kind of channel. */
export function channelSenders(logger: Logger): ChannelSenders {
  return { wecom: wecomChannel, dingtalk: dingtalkChannel, feishu: feishuChannel, webhook: webhookChannel, log: logChannel(logger) };
}
