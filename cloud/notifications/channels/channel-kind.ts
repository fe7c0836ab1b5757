/** The kinds of channel a notification goes out on. */
export const CHANNEL_KINDS = ['wecom', 'dingtalk', 'feishu', 'webhook', 'log'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
