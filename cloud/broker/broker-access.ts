import { CLOUD_PRESENCE_TOPIC, DOWNLINK_CHANNELS, TOPIC_ROOT, topicFor, UPLINK_CHANNELS, parseTopic } from '../../shared/contract/index.js';

/**
 * Who may do what on the cloud broker, as pure functions so the embedded broker and the Mosquitto
 * ACL in deploy/ say the same thing:
 * - a gateway (MQTT username = its id) publishes only its own uplink channels and subscribes only to
 *   its own downlink topics (config, receipts) and to the cloud's presence;
 * - the cloud service account publishes the downlink channels and its presence, and subscribes to
 *   every gateway's uplink channels.
 */
export type BrokerPrincipal = { kind: 'gateway'; gatewayId: string } | { kind: 'service' };

export function mayPublish(principal: BrokerPrincipal, topic: string): boolean {
  if (topic === CLOUD_PRESENCE_TOPIC) return principal.kind === 'service';
  const parsed = parseTopic(topic);
  if (!parsed) return false;
  if (principal.kind === 'service') return (DOWNLINK_CHANNELS as readonly string[]).includes(parsed.channel);
  return parsed.gatewayId === principal.gatewayId && (UPLINK_CHANNELS as readonly string[]).includes(parsed.channel);
}

export function maySubscribe(principal: BrokerPrincipal, topicFilter: string): boolean {
  if (principal.kind === 'service') return topicFilter.startsWith(`${TOPIC_ROOT}/`);
  return topicFilter === CLOUD_PRESENCE_TOPIC || DOWNLINK_CHANNELS.some((channel) => topicFilter === topicFor(principal.gatewayId, channel));
}
