import { SLUG_PATTERN, type GatewayId } from './identifiers.js';

/** Topic layout of wire contract v1: estatecare/v1/gw/{gatewayId}/{channel}. */
export const TOPIC_ROOT = 'estatecare/v1/gw';

export const CHANNELS = ['alerts', 'events', 'telemetry', 'activity', 'status', 'config', 'receipts'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Channels a gateway publishes. */
export const UPLINK_CHANNELS = ['alerts', 'events', 'telemetry', 'activity', 'status'] as const;
export type UplinkChannel = (typeof UPLINK_CHANNELS)[number];

/** Channels the cloud publishes to one gateway: its rules config, and receipts for what it stored. */
export const DOWNLINK_CHANNELS = ['config', 'receipts'] as const;
export type DownlinkChannel = (typeof DOWNLINK_CHANNELS)[number];

/** The channels whose messages carry outbox items, which the cloud answers with a receipt. */
export const RECEIPTED_CHANNELS = ['alerts', 'events', 'telemetry', 'activity'] as const;
export type ReceiptedChannel = (typeof RECEIPTED_CHANNELS)[number];

/**
 * Where the cloud says it is there: a retained message with a fresh session id, published whenever
 * the cloud has (re)subscribed to the gateways' channels (cloud-presence.ts). The cloud writes it,
 * every gateway reads it; it is outside TOPIC_ROOT, so no gateway channel filter matches it.
 */
export const CLOUD_PRESENCE_TOPIC = 'estatecare/v1/cloud/presence';

export function topicFor(gatewayId: GatewayId, channel: Channel): string {
  return `${TOPIC_ROOT}/${gatewayId}/${channel}`;
}

export interface ParsedTopic {
  gatewayId: GatewayId;
  channel: Channel;
}

/** Returns null for any topic outside the contract, so callers can count and reject it. */
export function parseTopic(topic: string): ParsedTopic | null {
  if (!topic.startsWith(`${TOPIC_ROOT}/`)) return null;
  const rest = topic.slice(TOPIC_ROOT.length + 1).split('/');
  if (rest.length !== 2) return null;
  const [gatewayId, channel] = rest as [string, string];
  if (!SLUG_PATTERN.test(gatewayId)) return null;
  if (!(CHANNELS as readonly string[]).includes(channel)) return null;
  return { gatewayId, channel: channel as Channel };
}

/**
 * The subscription the cloud uses for one channel of every gateway. With a share group, several
 * ingest instances split the load [MQTT-4.8.2 shared subscriptions, "$share/{group}/{filter}"].
 */
export function subscriptionFor(channel: Channel, shareGroup?: string): string {
  const filter = `${TOPIC_ROOT}/+/${channel}`;
  return shareGroup ? `$share/${shareGroup}/${filter}` : filter;
}

/**
 * The MQTT client id of a gateway's uplink connection. The embedded cloud broker admits a gateway
 * only under this id, so no gateway can take over another's connection [MQTT-3.1.4-2].
 */
export function gatewayClientId(gatewayId: GatewayId): string {
  return `estatecare-gw-${gatewayId}`;
}

/** Topic filter of everything one gateway may publish; the broker ACL grants exactly this. */
export function gatewayPublishFilter(gatewayId: GatewayId): string {
  return `${TOPIC_ROOT}/${gatewayId}/#`;
}
